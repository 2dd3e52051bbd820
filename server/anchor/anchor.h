// Anchors that follow code through history: where the lines a thread was
// made on are now, in another commit or in an editor's unsaved buffer.
//
// A Recorded anchor is what was captured when the thread was made (a
// text-quote selector: path, commit, blob, lines, the lines' text and three
// lines of context on each side). Locating it at a target:
//   1. the recorded blob diffed against the target's blob at the same path
//      (libgit2, no context lines); the range is mapped through the hunks;
//   2. the path gone: rename detection between the two trees
//      (git_diff_find_similar with explicit flags), then as 1;
//   3. a hunk swallowed the range, or the recorded commit or blob is missing
//      (rebased away, shallow clone, made on unsaved text): a similarity
//      search for the quote (and its context, and the distance from where
//      it was expected) in the target file, then in the other files changed
//      between the two commits (code moved to another file).
// Below kFoundThreshold the answer is Orphaned with the last place known:
// a wrong place is never reported as found.
//
// No protocol, no JSON, no SQLite here: plain data in, plain data out.
// Locator borrows a git_repository and, like it, is used by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct git_repository;

namespace tacit::anchor {

// Context lines recorded on each side of the anchored lines.
inline constexpr uint32_t kContextLines = 3;

// What was recorded when a thread was made. Lines are 1-based, inclusive.
struct Recorded {
  std::string path;    // repository-relative, '/'-separated
  std::string commit;  // 40 hex: HEAD when made (may since have vanished)
  std::string blob;    // 40 hex: the file's blob id as it was read (for a
                       // work-tree or buffer file, the id it would have)
  uint32_t startLine = 1;
  uint32_t endLine = 1;
  std::string text;    // the anchored lines, each with its '\n' (the file's
                       // last line may lack one); "\r\n" kept as it was
  std::string before;  // up to kContextLines lines before
  std::string after;   // up to kContextLines lines after
};

// A file's content split into lines the way Recorded counts them: each line
// keeps its '\n'; a last line without one is still a line.
std::vector<std::string_view> splitLines(std::string_view content);

// Is `content` binary, as git decides it (a NUL byte in the first 8000)?
// Threads are anchored on lines of text only.
bool isBinary(std::string_view content);

// Records lines [start, end] of `content` (the file at `path` as read at
// `commit`). nullopt when the range is past the end of the file.
std::optional<Recorded> record(std::string_view path, std::string_view commit, std::string_view content,
                               uint32_t startLine, uint32_t endLine);

enum class Status {
  Exact,     // the same lines, unchanged, where the diff says they went (lines above may have shifted them)
  Moved,     // the same lines (up to whitespace) found somewhere else: another place, file or name
  Changed,   // the place is known but the lines were edited
  Orphaned,  // not found with enough confidence; the location is the last place known
};
std::string_view toString(Status);  // "exact", "moved", "changed", "orphaned"

// Below this confidence a candidate is not reported as found.
inline constexpr double kFoundThreshold = 0.6;

struct Location {
  std::string path;
  uint32_t startLine = 0;  // 1-based, inclusive
  uint32_t endLine = 0;
  Status status = Status::Orphaned;
  double confidence = 0;  // 0..1; 1 for an exact diff mapping
  std::string how;        // one line for people: "diff", "rename", "search in file", ...
  bool operator==(const Location&) const = default;
};

// How many lines splitLines finds in `content`, without making the list.
uint32_t lineCount(std::string_view content);
// Keeps a found `location` (startLine >= 1) on lines 1..max(lines, 1): a
// place past the end — an orphaned thread last seen on lines since deleted
// from the end of the file — ends, or wholly sits, on the last line, where an
// editor can show it. Its status and confidence stay as they are.
void clampToLines(Location& location, uint32_t lines);

class Locator {
 public:
  explicit Locator(git_repository* repo);  // borrowed
  ~Locator();
  Locator(const Locator&) = delete;
  Locator& operator=(const Locator&) = delete;

  // Where `anchor`'s lines are in the tree of `commit` (40 hex or any
  // revision git understands). Throws AnchorError only for an unknown target.
  Location locate(const Recorded& anchor, std::string_view commit);
  // Every anchor at `commit`, one Location each, in the order given; the
  // same answers as locate() one by one, found faster: anchors are located
  // file by file, so the versions of one file are read one after another
  // and libgit2 reuses the delta bases they share (a third of the time
  // reading blobs, on a history of 5,000 commits). Throws as locate() does.
  std::vector<Location> locateAll(std::span<const Recorded> anchors, std::string_view commit);

  // Where they are in `text`: the file at `path` as an editor or the work
  // tree holds it, based on `commit`. Located at the commit first, then
  // mapped through a line diff of the commit's file against `text`.
  Location locateInText(const Recorded& anchor, std::string_view commit, std::string_view path,
                        std::string_view text);
  // The file at `path` in `commit`'s tree (nullopt when either is missing).
  std::optional<std::string> read(std::string_view commit, std::string_view path);

  // The second half of locateInText, for a caller that has `atCommit`
  // already (from a cache): maps it from the commit's file into `text`.
  Location follow(const Recorded& anchor, const Location& atCommit, std::string_view commit, std::string_view path,
                  std::string_view text);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The anchored lines searched for in one file's text alone (no history):
// for a repository without commits, or a file the diff cannot reach.
// `expected` is where they were last seen (1-based; 0 = anywhere).
std::optional<Location> findInText(const Recorded& anchor, std::string_view path, std::string_view text,
                                   uint32_t expected);

// A one-line message: an unknown target revision, an unreadable tree.
class AnchorError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An edit of a live buffer, in 0-based lines as LSP sends it: lines
// [firstLine, lastLine] (the lines the replaced range starts and ends on)
// were replaced by text containing `newLines` line breaks.
struct LineEdit {
  uint32_t firstLine = 0;
  uint32_t lastLine = 0;
  uint32_t newLines = 0;
};

// Shifts a located range through one edit in O(1): an edit wholly above
// moves it; an edit touching it grows or shrinks it and makes it Changed; an
// edit that replaces every line of it leaves it Orphaned at the edit's
// place until the next locate. Edits below leave it alone.
void shift(Location& location, const LineEdit& edit);

}  // namespace tacit::anchor
