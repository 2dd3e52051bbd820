#include "server/documents/text_document.h"

#include <algorithm>
#include <utility>

namespace tacit::documents {

TextDocument::TextDocument(std::string uri, std::string languageId, int64_t version,
                           std::string_view text)
    : uri_(std::move(uri)), languageId_(std::move(languageId)), version_(version), rope_(text) {}

size_t TextDocument::locate(TextPosition position, PositionEncoding encoding,
                            bool& adjusted) const {
  if (position.line >= rope_.lineCount()) {
    adjusted = true;
    return rope_.size();
  }
  size_t start = rope_.lineStart(position.line);
  size_t end = rope_.lineEnd(position.line);
  // Only the part of the line that `character` units can reach is read, so a
  // position near the start of a very long line stays cheap.
  uint64_t reach = uint64_t{position.character} * maxBytesPerUnit(encoding) + 4;
  size_t length = static_cast<size_t>(std::min<uint64_t>(end - start, reach));
  std::string prefix = rope_.substr(start, length);
  LineOffset found = locateCharacter(prefix, position.character, encoding);
  size_t offset = start + found.byte;
  if (found.pastEnd || found.snapped) adjusted = true;
  // Between the '\r' and '\n' of a CRLF line break: only reachable at or past
  // the end of the line as the client sees it, since '\r' ends the line there.
  if (found.byte > 0 && offset == end && end < rope_.size() && prefix[found.byte - 1] == '\r') {
    adjusted = true;
    --offset;
  }
  return offset;
}

size_t TextDocument::offsetAt(TextPosition position, PositionEncoding encoding) const {
  bool adjusted = false;
  return locate(position, encoding, adjusted);
}

TextPosition TextDocument::positionAt(size_t offset, PositionEncoding encoding) const {
  offset = std::min(offset, rope_.size());
  size_t line = rope_.lineAt(offset);
  size_t start = rope_.lineStart(line);
  // Up to 3 bytes past the offset are enough to decode the character it may
  // fall inside of.
  size_t stop = std::min(rope_.lineEnd(line), offset + 3);
  std::string text = rope_.substr(start, stop - start);
  return {static_cast<uint32_t>(line), characterInLine(text, offset - start, encoding)};
}

bool TextDocument::apply(const ContentChange& change, PositionEncoding encoding) {
  if (!change.range) {
    rope_ = Rope(change.text);
    return false;
  }
  TextPosition start = change.range->start;
  TextPosition end = change.range->end;
  if (start.line > end.line || (start.line == end.line && start.character > end.character)) {
    std::swap(start, end);
  }
  bool adjusted = false;
  size_t from = locate(start, encoding, adjusted);
  size_t to = std::max(from, locate(end, encoding, adjusted));
  rope_.replace(from, to - from, change.text);
  return adjusted;
}

}  // namespace tacit::documents
