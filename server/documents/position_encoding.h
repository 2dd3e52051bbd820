// LSP position encodings and the conversion between a character index in one
// line (counted in code units of the encoding) and a byte offset in its UTF-8.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tacit::documents {

enum class PositionEncoding { Utf8, Utf16, Utf32 };

std::string_view toString(PositionEncoding);  // "utf-8", "utf-16", "utf-32"
std::optional<PositionEncoding> parsePositionEncoding(std::string_view);

// The code units one character takes: 1-4 bytes in UTF-8, 1 or 2 in UTF-16
// (2 above U+FFFF), always 1 in UTF-32. Text is normally valid UTF-8, but an
// invalid byte (a stray continuation byte, a truncated, overlong or surrogate
// sequence, anything above U+10FFFF) counts as one character of one unit in
// every encoding, so nothing here can loop or read out of bounds.

// The byte offset of `character` in `line`. A character past the end clamps to
// line.size(); a character inside a multi-unit character (the second half of a
// surrogate pair, or a byte inside a UTF-8 sequence) snaps back to that
// character's first byte.
size_t byteOffsetInLine(std::string_view line, uint32_t character, PositionEncoding);

// The same, and also whether `character` had to be clamped or snapped.
struct LineOffset {
  size_t byte = 0;
  bool pastEnd = false;  // character was beyond the end of the line
  bool snapped = false;  // character was inside a multi-unit character
};
LineOffset locateCharacter(std::string_view line, uint32_t character, PositionEncoding);

// The character index of byte `byteOffset` in `line`. An offset past the end
// clamps to line.size(); an offset inside a multi-byte character snaps back to
// that character's first byte. Saturates at UINT32_MAX.
uint32_t characterInLine(std::string_view line, size_t byteOffset, PositionEncoding);

// The most bytes one code unit of the encoding can stand for (UTF-8: 1,
// UTF-16: 3, UTF-32: 4), so that `character` units never need more than
// character * maxBytesPerUnit bytes of the line, plus 4 to finish decoding the
// character they end in.
size_t maxBytesPerUnit(PositionEncoding);

}  // namespace tacit::documents
