// Deterministic inputs for the didChange benchmark: a code-like document and a
// stream of single-character edits spread over it. Header-only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "server/documents/position_encoding.h"
#include "server/documents/text_document.h"

namespace tacit::bench {

namespace detail {

inline uint64_t nextRandom(uint64_t& state) {
  // splitmix64: tiny, fast, and the same sequence on every platform.
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

inline size_t utf8SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

}  // namespace detail

// `lines` lines of about 40 bytes of code-like ASCII, each ending in '\n'.
// Every 7th line holds a 2-byte character ("é") and every 11th a 4-byte one
// ("𝄞", a surrogate pair in UTF-16), so UTF-16 conversion has work to do.
inline std::string makeDocument(size_t lines) {
  static constexpr std::string_view kStatements[] = {
      "int value = compute(alpha, beta) + 42;",
      "if (count > limit) { return false; }",
      "for (auto& item : items) total += item;",
      "std::string name = prefix + \"_suffix\";",
      "result.push_back(make_pair(key, val));",
      "while (queue.size() > 0) queue.pop();",
      "auto it = table.find(lookup_key_here);",
      "const double ratio = width / height;",
  };
  std::string text;
  text.reserve(lines * 48);
  for (size_t i = 0; i < lines; ++i) {
    text.append(i % 4 == 0 ? "" : "    ");
    text.append(kStatements[i % std::size(kStatements)]);
    if (i % 7 == 3) text.append(" // café");
    if (i % 11 == 5) text.append(" // \xF0\x9D\x84\x9E");
    text.push_back('\n');
  }
  return text;
}

// `count` single-character edits, alternating an insert of one character and
// a deletion of one character, at pseudo-random places spread over the whole
// document. Every position is valid in UTF-16 for the text as it is after the
// previous edits (they are computed against a document they are applied to).
// Deletions never remove a '\n', so the line structure stays as generated.
// Meant for text without "\r\n" line breaks, such as makeDocument's.
inline std::vector<documents::ContentChange> makeSingleCharEdits(const std::string& text,
                                                                 size_t count, uint64_t seed) {
  using documents::ContentChange;
  using documents::PositionEncoding;
  using documents::TextRange;
  static constexpr std::string_view kInserted = "abcdefghijklmnopqrstuvwxyz_(){};= 0123456789";

  documents::TextDocument document("bench://document", "cpp", 0, text);
  uint64_t rng = seed;
  std::vector<ContentChange> edits;
  edits.reserve(count);
  while (edits.size() < count) {
    const documents::Rope& rope = document.rope();
    bool insert = edits.size() % 2 == 0;
    size_t line = detail::nextRandom(rng) % rope.lineCount();
    if (!insert) {
      // Deletions need a non-empty line; the insert just before guarantees
      // there is one, so the scan after a few unlucky draws terminates.
      for (int attempt = 0; attempt < 16 && rope.lineStart(line) == rope.lineEnd(line); ++attempt) {
        line = detail::nextRandom(rng) % rope.lineCount();
      }
      while (rope.lineStart(line) == rope.lineEnd(line)) line = (line + 1) % rope.lineCount();
    }
    size_t lineStart = rope.lineStart(line);
    size_t lineLength = rope.lineEnd(line) - lineStart;

    // A random byte of the line, snapped to the start of its character.
    size_t offset = lineStart + detail::nextRandom(rng) % (lineLength + (insert ? 1 : 0));
    documents::TextPosition start = document.positionAt(offset, PositionEncoding::Utf16);
    ContentChange change;
    if (insert) {
      change.range = TextRange{start, start};
      change.text = std::string(1, kInserted[detail::nextRandom(rng) % kInserted.size()]);
    } else {
      size_t first = document.offsetAt(start, PositionEncoding::Utf16);
      auto lead = static_cast<unsigned char>(rope.substr(first, 1)[0]);
      size_t end = first + detail::utf8SequenceLength(lead);
      change.range = TextRange{start, document.positionAt(end, PositionEncoding::Utf16)};
    }
    document.apply(change, PositionEncoding::Utf16);
    edits.push_back(std::move(change));
  }
  return edits;
}

}  // namespace tacit::bench
