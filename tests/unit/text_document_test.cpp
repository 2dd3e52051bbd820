// Position encodings and TextDocument: conversions, clamping, incremental edits.
#include "server/documents/text_document.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "server/documents/position_encoding.h"
#include "tests/bench/didchange_bench_core.h"

namespace {

using tacit::documents::byteOffsetInLine;
using tacit::documents::characterInLine;
using tacit::documents::ContentChange;
using tacit::documents::locateCharacter;
using tacit::documents::parsePositionEncoding;
using tacit::documents::PositionEncoding;
using tacit::documents::TextDocument;
using tacit::documents::TextPosition;
using tacit::documents::TextRange;

constexpr PositionEncoding kAllEncodings[] = {PositionEncoding::Utf8, PositionEncoding::Utf16,
                                              PositionEncoding::Utf32};

// "a" (1 byte) "é" (2) "€" (3) "𝄞" (4, a surrogate pair in UTF-16) "b" (1).
const std::string kMixed = "a\xC3\xA9\xE2\x82\xAC\xF0\x9D\x84\x9E" "b";

ContentChange edit(uint32_t l1, uint32_t c1, uint32_t l2, uint32_t c2, std::string text) {
  return ContentChange{TextRange{{l1, c1}, {l2, c2}}, std::move(text)};
}

// --- An independent reference for valid UTF-8 without '\r'. ----------------

struct RefChar {
  size_t byte;
  size_t length;
  uint32_t units;
};

std::vector<RefChar> refChars(std::string_view line, PositionEncoding encoding) {
  std::vector<RefChar> chars;
  for (size_t i = 0; i < line.size();) {
    auto lead = static_cast<unsigned char>(line[i]);
    size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    uint32_t units = encoding == PositionEncoding::Utf8    ? static_cast<uint32_t>(length)
                     : encoding == PositionEncoding::Utf32 ? 1u
                     : length == 4                         ? 2u
                                                           : 1u;
    chars.push_back({i, length, units});
    i += length;
  }
  return chars;
}

std::vector<std::string> refLines(const std::string& text) {
  std::vector<std::string> lines{""};
  for (char c : text) {
    if (c == '\n') {
      lines.emplace_back();
    } else {
      lines.back().push_back(c);
    }
  }
  return lines;
}

size_t refOffset(const std::string& text, TextPosition p, PositionEncoding encoding,
                 bool& adjusted) {
  std::vector<std::string> lines = refLines(text);
  if (p.line >= lines.size()) {
    adjusted = true;
    return text.size();
  }
  size_t lineStart = 0;
  for (uint32_t l = 0; l < p.line; ++l) lineStart += lines[l].size() + 1;
  uint64_t units = 0;
  for (const RefChar& c : refChars(lines[p.line], encoding)) {
    if (units == p.character) return lineStart + c.byte;
    if (units + c.units > p.character) {
      adjusted = true;
      return lineStart + c.byte;
    }
    units += c.units;
  }
  if (units != p.character) adjusted = true;
  return lineStart + lines[p.line].size();
}

TextPosition refPosition(const std::string& text, size_t offset, PositionEncoding encoding) {
  offset = std::min(offset, text.size());
  std::vector<std::string> lines = refLines(text);
  uint32_t line = 0;
  size_t lineStart = 0;
  while (lineStart + lines[line].size() < offset) {
    lineStart += lines[line].size() + 1;
    ++line;
  }
  uint32_t units = 0;
  for (const RefChar& c : refChars(lines[line], encoding)) {
    if (lineStart + c.byte + c.length > offset) break;
    units += c.units;
  }
  return {line, units};
}

std::string randomValidText(std::mt19937_64& rng, size_t pieces) {
  static const char* const kPieces[] = {"a",  "b",  " ",  "\n", "\n", "\xC3\xA9",
                                        "\xE2\x82\xAC", "\xF0\x9D\x84\x9E", "xyz", "{}"};
  std::string text;
  for (size_t i = 0; i < pieces; ++i) text.append(kPieces[rng() % std::size(kPieces)]);
  return text;
}

}  // namespace

// --- Position encodings -----------------------------------------------------

TEST_CASE("PositionEncoding: names", "[position_encoding]") {
  CHECK(toString(PositionEncoding::Utf8) == "utf-8");
  CHECK(toString(PositionEncoding::Utf16) == "utf-16");
  CHECK(toString(PositionEncoding::Utf32) == "utf-32");
  for (PositionEncoding e : kAllEncodings) CHECK(parsePositionEncoding(toString(e)) == e);
  CHECK_FALSE(parsePositionEncoding("UTF-16").has_value());
  CHECK_FALSE(parsePositionEncoding("utf16").has_value());
  CHECK_FALSE(parsePositionEncoding("").has_value());
}

TEST_CASE("PositionEncoding: character to byte offset with 1- to 4-byte characters",
          "[position_encoding]") {
  REQUIRE(kMixed.size() == 11);
  struct Case {
    PositionEncoding encoding;
    std::vector<size_t> byteOfCharacter;  // index = character
  };
  for (const Case& c : {
           Case{PositionEncoding::Utf8, {0, 1, 1, 3, 3, 3, 6, 6, 6, 6, 10, 11, 11, 11}},
           Case{PositionEncoding::Utf16, {0, 1, 3, 6, 6, 10, 11, 11}},
           Case{PositionEncoding::Utf32, {0, 1, 3, 6, 10, 11, 11}},
       }) {
    INFO(toString(c.encoding));
    for (uint32_t character = 0; character < c.byteOfCharacter.size(); ++character) {
      INFO("character " << character);
      CHECK(byteOffsetInLine(kMixed, character, c.encoding) == c.byteOfCharacter[character]);
    }
    CHECK(byteOffsetInLine(kMixed, std::numeric_limits<uint32_t>::max(), c.encoding) == 11);
  }
}

TEST_CASE("PositionEncoding: clamping and snapping are reported", "[position_encoding]") {
  auto located = locateCharacter(kMixed, 4, PositionEncoding::Utf16);  // inside the pair
  CHECK(located.byte == 6);
  CHECK(located.snapped);
  CHECK_FALSE(located.pastEnd);

  located = locateCharacter(kMixed, 6, PositionEncoding::Utf16);  // exactly the end
  CHECK(located.byte == 11);
  CHECK_FALSE(located.snapped);
  CHECK_FALSE(located.pastEnd);

  located = locateCharacter(kMixed, 7, PositionEncoding::Utf16);
  CHECK(located.byte == 11);
  CHECK(located.pastEnd);

  located = locateCharacter(kMixed, 2, PositionEncoding::Utf8);  // inside "é"
  CHECK(located.byte == 1);
  CHECK(located.snapped);

  located = locateCharacter("", 0, PositionEncoding::Utf16);
  CHECK(located.byte == 0);
  CHECK_FALSE(located.pastEnd);
  CHECK(locateCharacter("", 1, PositionEncoding::Utf16).pastEnd);
}

TEST_CASE("PositionEncoding: byte offset to character", "[position_encoding]") {
  struct Case {
    PositionEncoding encoding;
    std::vector<uint32_t> characterOfByte;  // index = byte offset 0..11
  };
  for (const Case& c : {
           Case{PositionEncoding::Utf8, {0, 1, 1, 3, 3, 3, 6, 6, 6, 6, 10, 11}},
           Case{PositionEncoding::Utf16, {0, 1, 1, 2, 2, 2, 3, 3, 3, 3, 5, 6}},
           Case{PositionEncoding::Utf32, {0, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 5}},
       }) {
    INFO(toString(c.encoding));
    for (size_t byte = 0; byte < c.characterOfByte.size(); ++byte) {
      INFO("byte " << byte);
      CHECK(characterInLine(kMixed, byte, c.encoding) == c.characterOfByte[byte]);
    }
    CHECK(characterInLine(kMixed, 1000, c.encoding) == c.characterOfByte.back());
  }
}

TEST_CASE("PositionEncoding: invalid UTF-8 counts one unit per byte", "[position_encoding]") {
  const std::string invalid[] = {
      "\x80",              // stray continuation byte
      "\xFF",              // never valid
      "\xC3",              // truncated 2-byte sequence at the end
      "\xE2\x82",          // truncated 3-byte sequence
      "\xF0\x9D\x84",      // truncated 4-byte sequence
      "\xC0\xAF",          // overlong '/'
      "\xE0\x80\xAF",      // overlong 3-byte
      "\xED\xA0\x80",      // UTF-8-encoded surrogate
      "\xF4\x90\x80\x80",  // above U+10FFFF
      "\xC3" "A",          // lead byte followed by ASCII
  };
  for (const std::string& bytes : invalid) {
    std::string line = "x" + bytes + "y";
    INFO("bytes " << line.size());
    for (PositionEncoding e : kAllEncodings) {
      for (uint32_t character = 0; character <= line.size() + 1; ++character) {
        size_t expected = std::min<size_t>(character, line.size());
        CHECK(byteOffsetInLine(line, character, e) == expected);
      }
      for (size_t byte = 0; byte <= line.size(); ++byte) {
        CHECK(characterInLine(line, byte, e) == byte);
      }
    }
  }
  // A valid character right after an invalid byte is still one character.
  std::string line = "\xFF\xF0\x9D\x84\x9E";
  CHECK(characterInLine(line, line.size(), PositionEncoding::Utf16) == 3);
  CHECK(characterInLine(line, line.size(), PositionEncoding::Utf32) == 2);
  CHECK(byteOffsetInLine(line, 2, PositionEncoding::Utf16) == 1);  // inside the pair

  // Random bytes: conversions stay in bounds and round-trip on character starts.
  std::mt19937_64 rng(23);
  for (int round = 0; round < 500; ++round) {
    std::string bytes(rng() % 40, '\0');
    for (char& b : bytes) b = static_cast<char>(rng() % 256);
    for (PositionEncoding e : kAllEncodings) {
      uint32_t total = characterInLine(bytes, bytes.size(), e);
      CHECK(byteOffsetInLine(bytes, total, e) == bytes.size());
      uint32_t previous = 0;
      for (uint32_t character = 0; character <= total + 1; ++character) {
        size_t byte = byteOffsetInLine(bytes, character, e);
        REQUIRE(byte <= bytes.size());
        REQUIRE(characterInLine(bytes, byte, e) <= character);
        REQUIRE(characterInLine(bytes, byte, e) >= previous);
        previous = characterInLine(bytes, byte, e);
      }
    }
  }
}

// --- TextDocument -----------------------------------------------------------

TEST_CASE("TextDocument: identity and version", "[text_document]") {
  TextDocument document("file:///a.cpp", "cpp", 3, "int x;\n");
  CHECK(document.uri() == "file:///a.cpp");
  CHECK(document.languageId() == "cpp");
  CHECK(document.version() == 3);
  document.setVersion(9);
  CHECK(document.version() == 9);
  CHECK(document.text() == "int x;\n");
  CHECK(document.lineCount() == 2);
  CHECK(document.rope().size() == 7);
}

TEST_CASE("TextDocument: offsetAt and positionAt in all encodings", "[text_document]") {
  const std::string text = "first\n" + kMixed + "\n\nlast";
  TextDocument document("u", "plaintext", 1, text);
  const size_t second = 6;  // start of the kMixed line

  CHECK(document.offsetAt({0, 0}, PositionEncoding::Utf16) == 0);
  CHECK(document.offsetAt({1, 0}, PositionEncoding::Utf16) == second);
  CHECK(document.offsetAt({1, 3}, PositionEncoding::Utf16) == second + 6);
  CHECK(document.offsetAt({1, 4}, PositionEncoding::Utf16) == second + 6);  // in the pair
  CHECK(document.offsetAt({1, 5}, PositionEncoding::Utf16) == second + 10);
  CHECK(document.offsetAt({1, 4}, PositionEncoding::Utf32) == second + 10);
  CHECK(document.offsetAt({1, 10}, PositionEncoding::Utf8) == second + 10);
  CHECK(document.offsetAt({2, 0}, PositionEncoding::Utf8) == second + 12);
  CHECK(document.offsetAt({3, 4}, PositionEncoding::Utf8) == text.size());

  CHECK(document.positionAt(second + 6, PositionEncoding::Utf16) == TextPosition{1, 3});
  CHECK(document.positionAt(second + 8, PositionEncoding::Utf16) == TextPosition{1, 3});
  CHECK(document.positionAt(second + 10, PositionEncoding::Utf16) == TextPosition{1, 5});
  CHECK(document.positionAt(second + 10, PositionEncoding::Utf32) == TextPosition{1, 4});
  CHECK(document.positionAt(second + 10, PositionEncoding::Utf8) == TextPosition{1, 10});
  CHECK(document.positionAt(second + 11, PositionEncoding::Utf16) == TextPosition{1, 6});
  CHECK(document.positionAt(second + 12, PositionEncoding::Utf16) == TextPosition{2, 0});
  CHECK(document.positionAt(text.size(), PositionEncoding::Utf16) == TextPosition{3, 4});
  CHECK(document.positionAt(text.size() + 100, PositionEncoding::Utf16) == TextPosition{3, 4});

  // Round trip on every character start.
  for (PositionEncoding e : kAllEncodings) {
    for (size_t offset = 0; offset <= text.size(); ++offset) {
      bool characterStart = offset == text.size() || (text[offset] & 0xC0) != 0x80;
      if (!characterStart) continue;
      INFO(toString(e) << " offset " << offset);
      CHECK(document.offsetAt(document.positionAt(offset, e), e) == offset);
    }
  }
}

TEST_CASE("TextDocument: out-of-range positions clamp like vscode-languageserver-textdocument",
          "[text_document]") {
  TextDocument document("u", "plaintext", 1, "ab\ncd\nef");
  for (PositionEncoding e : kAllEncodings) {
    CHECK(document.offsetAt({0, 99}, e) == 2);  // end of line, before its '\n'
    CHECK(document.offsetAt({1, 3}, e) == 5);
    CHECK(document.offsetAt({2, 99}, e) == 8);
    CHECK(document.offsetAt({3, 0}, e) == 8);  // line past the end: end of document
    CHECK(document.offsetAt({99, 99}, e) == 8);
    CHECK(document.offsetAt({std::numeric_limits<uint32_t>::max(),
                             std::numeric_limits<uint32_t>::max()},
                            e) == 8);
    CHECK(document.offsetAt({1, std::numeric_limits<uint32_t>::max()}, e) == 5);
  }

  TextDocument empty("u", "plaintext", 1, "");
  CHECK(empty.offsetAt({0, 0}, PositionEncoding::Utf16) == 0);
  CHECK(empty.offsetAt({0, 5}, PositionEncoding::Utf16) == 0);
  CHECK(empty.offsetAt({1, 0}, PositionEncoding::Utf16) == 0);
  CHECK(empty.positionAt(0, PositionEncoding::Utf16) == TextPosition{0, 0});
  CHECK(empty.positionAt(7, PositionEncoding::Utf16) == TextPosition{0, 0});
}

TEST_CASE("TextDocument: CRLF line breaks are never split", "[text_document]") {
  TextDocument document("u", "plaintext", 1, "ab\r\ncd\r\n");
  CHECK(document.lineCount() == 3);
  CHECK(document.rope().line(0) == "ab\r");
  CHECK(document.offsetAt({0, 2}, PositionEncoding::Utf16) == 2);
  CHECK(document.offsetAt({0, 3}, PositionEncoding::Utf16) == 2);  // between '\r' and '\n'
  CHECK(document.offsetAt({0, 99}, PositionEncoding::Utf16) == 2);
  CHECK(document.offsetAt({1, 0}, PositionEncoding::Utf16) == 4);
  CHECK(document.offsetAt({2, 0}, PositionEncoding::Utf16) == 8);
  CHECK(document.positionAt(2, PositionEncoding::Utf16) == TextPosition{0, 2});
  CHECK(document.positionAt(4, PositionEncoding::Utf16) == TextPosition{1, 0});

  // Appending at the end of a line as a client with a clamping bug would.
  CHECK(document.apply(edit(0, 50, 0, 50, "!"), PositionEncoding::Utf16));
  CHECK(document.text() == "ab!\r\ncd\r\n");
  // A '\r' not followed by '\n' is ordinary text.
  TextDocument lone("u", "plaintext", 1, "ab\r");
  CHECK(lone.offsetAt({0, 3}, PositionEncoding::Utf16) == 3);
}

TEST_CASE("TextDocument: incremental edits", "[text_document]") {
  const auto utf16 = PositionEncoding::Utf16;
  TextDocument document("u", "plaintext", 1, "hello\nworld\n");

  SECTION("insert within a line") {
    CHECK_FALSE(document.apply(edit(1, 5, 1, 5, "!"), utf16));
    CHECK(document.text() == "hello\nworld!\n");
  }
  SECTION("insert a line break") {
    CHECK_FALSE(document.apply(edit(0, 2, 0, 2, "\n"), utf16));
    CHECK(document.text() == "he\nllo\nworld\n");
    CHECK(document.lineCount() == 4);
  }
  SECTION("delete across lines") {
    CHECK_FALSE(document.apply(edit(0, 3, 1, 2, ""), utf16));
    CHECK(document.text() == "helrld\n");
    CHECK(document.lineCount() == 2);
  }
  SECTION("replace across lines with several lines") {
    CHECK_FALSE(document.apply(edit(0, 5, 1, 0, " there\nbig\n"), utf16));
    CHECK(document.text() == "hello there\nbig\nworld\n");
  }
  SECTION("insert at the very end") {
    CHECK_FALSE(document.apply(edit(2, 0, 2, 0, "tail"), utf16));
    CHECK(document.text() == "hello\nworld\ntail");
  }
  SECTION("a swapped range is the same range") {
    CHECK_FALSE(document.apply(edit(1, 2, 0, 3, ""), utf16));
    CHECK(document.text() == "helrld\n");
    CHECK_FALSE(document.apply(edit(0, 4, 0, 2, "XY"), utf16));
    CHECK(document.text() == "heXYld\n");
  }
  SECTION("whole-text replacement") {
    CHECK_FALSE(document.apply(ContentChange{std::nullopt, "new\ntext"}, utf16));
    CHECK(document.text() == "new\ntext");
    CHECK(document.lineCount() == 2);
    CHECK_FALSE(document.apply(ContentChange{std::nullopt, ""}, utf16));
    CHECK(document.text().empty());
  }
  SECTION("an empty change changes nothing") {
    CHECK_FALSE(document.apply(edit(1, 1, 1, 1, ""), utf16));
    CHECK(document.text() == "hello\nworld\n");
  }
  SECTION("clamping is reported") {
    CHECK(document.apply(edit(0, 10, 0, 10, "!"), utf16));  // past the line end
    CHECK(document.text() == "hello!\nworld\n");
    CHECK(document.apply(edit(1, 0, 9, 0, ""), utf16));  // past the last line
    CHECK(document.text() == "hello!\n");
    CHECK(document.apply(edit(5, 5, 6, 6, "end"), utf16));
    CHECK(document.text() == "hello!\nend");
  }
  SECTION("positions inside a surrogate pair snap and are reported") {
    document.apply(ContentChange{std::nullopt, "x\xF0\x9D\x84\x9Ey"}, utf16);
    CHECK(document.apply(edit(0, 2, 0, 2, "_"), utf16));
    CHECK(document.text() == "x_\xF0\x9D\x84\x9Ey");
    CHECK_FALSE(document.apply(edit(0, 2, 0, 4, ""), utf16));  // delete the whole pair
    CHECK(document.text() == "x_y");
  }
  SECTION("UTF-8 and UTF-32 positions") {
    document.apply(ContentChange{std::nullopt, kMixed}, utf16);
    CHECK_FALSE(document.apply(edit(0, 3, 0, 6, ""), PositionEncoding::Utf8));  // "€"
    CHECK(document.text() == "a\xC3\xA9\xF0\x9D\x84\x9E" "b");
    CHECK_FALSE(document.apply(edit(0, 2, 0, 3, "-"), PositionEncoding::Utf32));  // "𝄞"
    CHECK(document.text() == "a\xC3\xA9-b");
  }
}

TEST_CASE("TextDocument: random edits match a reference model", "[text_document]") {
  for (PositionEncoding e : kAllEncodings) {
    INFO(toString(e));
    std::mt19937_64 rng(29 + static_cast<int>(e));
    std::string model = randomValidText(rng, 400);
    TextDocument document("u", "plaintext", 0, model);
    for (int step = 0; step < 2000; ++step) {
      auto randomPosition = [&] {
        std::vector<std::string> lines = refLines(model);
        auto line = static_cast<uint32_t>(rng() % (lines.size() + 1));  // sometimes past the end
        uint32_t units = 0;
        if (line < lines.size()) {
          for (const RefChar& c : refChars(lines[line], e)) units += c.units;
        }
        return TextPosition{line, static_cast<uint32_t>(rng() % (units + 3))};
      };
      TextPosition a = randomPosition();
      TextPosition b = rng() % 3 == 0 ? a : randomPosition();
      bool expectedAdjusted = false;
      size_t from = refOffset(model, a, e, expectedAdjusted);
      size_t to = refOffset(model, b, e, expectedAdjusted);
      REQUIRE(document.offsetAt(a, e) == from);
      REQUIRE(document.offsetAt(b, e) == to);
      size_t offset = rng() % (model.size() + 2);
      REQUIRE(document.positionAt(offset, e) == refPosition(model, offset, e));

      std::string text = randomValidText(rng, rng() % 4);
      // The reference swaps by offset; the document swaps positions. Both
      // agree because the position order and the offset order agree.
      if (to < from) std::swap(from, to);
      model.replace(from, to - from, text);
      INFO("step " << step);
      REQUIRE(document.apply(ContentChange{TextRange{a, b}, text}, e) == expectedAdjusted);
      REQUIRE(document.text() == model);
      REQUIRE(document.lineCount() == refLines(model).size());
    }
  }
}

TEST_CASE("TextDocument: offsetAt reads only the reachable part of a long line",
          "[text_document]") {
  // A 1 MB line: positions near its start must still resolve correctly, and
  // ones past its end must clamp to its end.
  std::string longLine(1'000'000, 'x');
  longLine.replace(10, 4, "\xF0\x9D\x84\x9E");
  TextDocument document("u", "plaintext", 0, "head\n" + longLine + "\ntail");
  CHECK(document.offsetAt({1, 10}, PositionEncoding::Utf16) == 5 + 10);
  CHECK(document.offsetAt({1, 11}, PositionEncoding::Utf16) == 5 + 10);  // in the pair
  CHECK(document.offsetAt({1, 12}, PositionEncoding::Utf16) == 5 + 14);
  CHECK(document.offsetAt({1, 11}, PositionEncoding::Utf32) == 5 + 14);
  CHECK(document.offsetAt({1, 11}, PositionEncoding::Utf8) == 5 + 10);
  CHECK(document.offsetAt({1, 998'000}, PositionEncoding::Utf16) == 5 + 998'002);
  CHECK(document.offsetAt({1, 5'000'000}, PositionEncoding::Utf16) == 5 + 1'000'000);
  CHECK(document.positionAt(5 + 12, PositionEncoding::Utf16) == TextPosition{1, 10});
  CHECK(document.positionAt(5 + 1'000'000, PositionEncoding::Utf16) ==
        TextPosition{1, 999'998});
}

TEST_CASE("didchange bench inputs are deterministic and valid in UTF-16", "[text_document]") {
  std::string text = tacit::bench::makeDocument(2000);
  CHECK(text.find("\xC3\xA9") != std::string::npos);
  CHECK(text.find("\xF0\x9D\x84\x9E") != std::string::npos);
  CHECK(TextDocument("u", "cpp", 0, text).lineCount() == 2001);
  CHECK(text == tacit::bench::makeDocument(2000));

  auto edits = tacit::bench::makeSingleCharEdits(text, 5000, 42);
  REQUIRE(edits.size() == 5000);
  CHECK(tacit::bench::makeSingleCharEdits(text, 5000, 42).front().range ==
        edits.front().range);
  auto other = tacit::bench::makeSingleCharEdits(text, 5000, 43);
  bool differs = false;
  for (size_t i = 0; i < edits.size(); ++i) differs |= other[i].range != edits[i].range;
  CHECK(differs);

  TextDocument document("u", "cpp", 0, text);
  std::vector<uint32_t> lines;
  for (size_t i = 0; i < edits.size(); ++i) {
    const ContentChange& change = edits[i];
    REQUIRE(change.range.has_value());
    size_t before = document.rope().size();
    REQUIRE_FALSE(document.apply(change, PositionEncoding::Utf16));  // nothing clamped
    if (i % 2 == 0) {
      REQUIRE(change.text.size() == 1);
      REQUIRE(change.range->start == change.range->end);
      REQUIRE(document.rope().size() == before + 1);
    } else {
      REQUIRE(change.text.empty());
      REQUIRE(change.range->start.line == change.range->end.line);
      REQUIRE(document.rope().size() < before);
      REQUIRE(document.rope().size() + 4 >= before);
    }
    lines.push_back(change.range->start.line);
  }
  CHECK(document.lineCount() == 2001);
  std::sort(lines.begin(), lines.end());
  CHECK(lines.front() < 100);  // spread over the whole document
  CHECK(lines.back() > 1900);
}
