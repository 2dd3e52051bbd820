// One open editor buffer: its identity, version and text, and the mapping
// between LSP positions and byte offsets. Plain C++, no protocol types.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "server/documents/position_encoding.h"
#include "server/documents/rope.h"

namespace tacit::documents {

// A zero-based line and a character offset in code units of the position
// encoding agreed with the client.
struct TextPosition {
  uint32_t line = 0;
  uint32_t character = 0;
  bool operator==(const TextPosition&) const = default;
};

struct TextRange {
  TextPosition start, end;
  bool operator==(const TextRange&) const = default;
};

struct ContentChange {
  std::optional<TextRange> range;  // no range = the whole text is replaced
  std::string text;
};

class TextDocument {
 public:
  TextDocument(std::string uri, std::string languageId, int64_t version, std::string_view text);

  const std::string& uri() const { return uri_; }
  const std::string& languageId() const { return languageId_; }
  int64_t version() const { return version_; }
  void setVersion(int64_t version) { version_ = version; }

  const Rope& rope() const { return rope_; }
  std::string text() const { return rope_.text(); }
  size_t lineCount() const { return rope_.lineCount(); }

  // Position -> byte offset. Out-of-range positions are clamped the way
  // vscode-languageserver-textdocument does: a line past the end maps to the
  // end of the document, a character past the end of its line maps to the end
  // of that line. Two refinements, both also what that library ends up doing:
  // a character inside a multi-unit character snaps to its first byte, and a
  // position that would fall between the '\r' and '\n' of a CRLF line break
  // maps before the '\r', so no edit can split a line break in two.
  // O(log n + min(line length, character * 4)).
  size_t offsetAt(TextPosition, PositionEncoding) const;

  // Byte offset -> position; the offset is clamped to size(), and an offset
  // inside a multi-byte character snaps to that character's first byte.
  TextPosition positionAt(size_t offset, PositionEncoding) const;

  // Applies one change. A range whose start is after its end is swapped first
  // (as vscode-languageserver-textdocument does). Returns true if either end
  // of the range had to be clamped or snapped as offsetAt describes; a swap
  // alone does not count. O(log n + line length + edit size) for a range,
  // O(new text) for a whole-text replacement.
  bool apply(const ContentChange&, PositionEncoding);

 private:
  size_t locate(TextPosition, PositionEncoding, bool& adjusted) const;

  std::string uri_;
  std::string languageId_;
  int64_t version_;
  Rope rope_;
};

}  // namespace tacit::documents
