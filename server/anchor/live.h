// The located threads of one open document, kept current while it is
// edited: each didChange shifts their ranges in O(threads in the file), with
// no diff and no git; a save, a checkout or a new HEAD marks them stale, and
// they are located again (lazily, by the caller) only when next asked for.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "server/anchor/anchor.h"

namespace tacit::anchor {

class LiveDocument {
 public:
  struct Entry {
    std::string thread;
    Location location;
  };

  // The threads located in this document's text (all of them: a thread not
  // in this file is not here).
  void reset(std::vector<Entry> entries);
  // One edit, as LSP describes it (see LineEdit).
  void edit(const LineEdit& edit);
  // The text on disk or HEAD changed underneath: locate again before use.
  void invalidate() { stale_ = true; }

  bool stale() const { return stale_; }
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::vector<Entry> entries_;
  bool stale_ = true;  // nothing located yet
};

}  // namespace tacit::anchor
