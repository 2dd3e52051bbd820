#include "server/documents/position_encoding.h"

#include <algorithm>
#include <limits>

namespace tacit::documents {

namespace {

struct Character {
  size_t bytes;     // length of the UTF-8 sequence, 1 if invalid
  uint32_t units;   // code units in the requested encoding
};

bool isContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the valid UTF-8 sequence starting at line[i], or 0 if the byte
// there does not start one. Follows the well-formed table of Unicode 3.9
// (table 3-7): no overlongs, no surrogates, nothing above U+10FFFF.
size_t validSequenceLength(std::string_view line, size_t i) {
  auto at = [&](size_t k) -> unsigned char {
    return i + k < line.size() ? static_cast<unsigned char>(line[i + k]) : 0;
  };
  unsigned char lead = at(0);
  if (lead < 0x80) return 1;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  size_t length;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) lo = 0xA0;
    if (lead == 0xED) hi = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) lo = 0x90;
    if (lead == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + length > line.size()) return 0;
  if (at(1) < lo || at(1) > hi) return 0;
  for (size_t k = 2; k < length; ++k) {
    if (!isContinuation(at(k))) return 0;
  }
  return length;
}

Character characterAt(std::string_view line, size_t i, PositionEncoding encoding) {
  if (static_cast<unsigned char>(line[i]) < 0x80) return {1, 1};
  size_t length = validSequenceLength(line, i);
  if (length == 0) return {1, 1};
  switch (encoding) {
    case PositionEncoding::Utf8:
      return {length, static_cast<uint32_t>(length)};
    case PositionEncoding::Utf16:
      return {length, length == 4 ? 2u : 1u};
    case PositionEncoding::Utf32:
      break;
  }
  return {length, 1};
}

}  // namespace

std::string_view toString(PositionEncoding encoding) {
  switch (encoding) {
    case PositionEncoding::Utf8:
      return "utf-8";
    case PositionEncoding::Utf16:
      return "utf-16";
    case PositionEncoding::Utf32:
      return "utf-32";
  }
  return "utf-16";
}

std::optional<PositionEncoding> parsePositionEncoding(std::string_view name) {
  if (name == "utf-8") return PositionEncoding::Utf8;
  if (name == "utf-16") return PositionEncoding::Utf16;
  if (name == "utf-32") return PositionEncoding::Utf32;
  return std::nullopt;
}

size_t maxBytesPerUnit(PositionEncoding encoding) {
  switch (encoding) {
    case PositionEncoding::Utf8:
      return 1;
    case PositionEncoding::Utf16:
      return 3;
    case PositionEncoding::Utf32:
      break;
  }
  return 4;
}

LineOffset locateCharacter(std::string_view line, uint32_t character, PositionEncoding encoding) {
  size_t i = 0;
  uint64_t units = 0;
  while (i < line.size() && units < character) {
    Character c = characterAt(line, i, encoding);
    if (units + c.units > character) return {i, false, true};
    units += c.units;
    i += c.bytes;
  }
  return {i, units < character, false};
}

size_t byteOffsetInLine(std::string_view line, uint32_t character, PositionEncoding encoding) {
  return locateCharacter(line, character, encoding).byte;
}

uint32_t characterInLine(std::string_view line, size_t byteOffset, PositionEncoding encoding) {
  byteOffset = std::min(byteOffset, line.size());
  size_t i = 0;
  uint64_t units = 0;
  while (i < byteOffset) {
    Character c = characterAt(line, i, encoding);
    if (i + c.bytes > byteOffset) break;
    units += c.units;
    i += c.bytes;
  }
  return static_cast<uint32_t>(std::min<uint64_t>(units, std::numeric_limits<uint32_t>::max()));
}

}  // namespace tacit::documents
