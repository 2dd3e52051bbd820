// The text of one open buffer: UTF-8 bytes in a balanced tree of chunks, so
// that an edit costs O(log n + size of the edit), never O(size of the text).
//
// Line breaks: only '\n' ends a line. LSP also allows "\r\n" and a lone "\r";
// we do not treat '\r' specially, so a line of a CRLF file ends with '\r' in
// line() and lineEnd() points at its '\n'. Counting only '\n' keeps the line
// index a single byte count per node, and an edit that inserts or removes a
// lone '\r' can never renumber the lines after it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace tacit::documents {

namespace detail {
struct RopeNode;
}

class Rope {
 public:
  // Chunk sizes in bytes. A rope with two or more chunks keeps every chunk
  // within [kMinChunk, kMaxChunk]; a rope shorter than kMinChunk may be one
  // smaller chunk. Freshly built chunks hold at most kTargetChunk bytes,
  // which leaves room for typing before a chunk has to split.
  static constexpr size_t kMaxChunk = 2048;
  static constexpr size_t kTargetChunk = 1536;
  static constexpr size_t kMinChunk = 512;

  Rope();
  explicit Rope(std::string_view text);  // O(n), balanced
  Rope(const Rope&);                     // deep copy
  Rope& operator=(const Rope&);
  Rope(Rope&&) noexcept;  // leaves the source empty
  Rope& operator=(Rope&&) noexcept;
  ~Rope();

  size_t size() const;       // bytes
  size_t lineCount() const;  // number of '\n' + 1

  // Byte offset of the first byte of `line`. Precondition: line < lineCount().
  size_t lineStart(size_t line) const;
  // Byte offset of the '\n' that ends `line`, or size() for the last line.
  size_t lineEnd(size_t line) const;
  // The line that contains byte `offset` (a '\n' belongs to the line it
  // ends; size() is on the last line). Offsets past size() are clamped.
  size_t lineAt(size_t offset) const;

  // Precondition: offset + length <= size(). O(log n + length).
  std::string substr(size_t offset, size_t length) const;
  // The line's text without its '\n'.
  std::string line(size_t line) const;
  std::string text() const;  // O(n)

  // Replaces bytes [offset, offset + length) with `text`.
  // Precondition: offset + length <= size(). O(log n + length + text.size()).
  void replace(size_t offset, size_t length, std::string_view text);

  // Diagnostics for tests and benchmarks; all O(number of chunks).
  size_t chunkCount() const;
  size_t height() const;  // 0 for an empty rope
  // Checks the cached counts, the heap order of the treap and the chunk size
  // bounds. Returns false if any is broken.
  bool checkInvariants() const;

 private:
  size_t offsetOfNewline(size_t ordinal) const;  // 1-based

  std::unique_ptr<detail::RopeNode> root_;
  uint64_t rng_;  // treap priorities; never derived from the text
};

}  // namespace tacit::documents
