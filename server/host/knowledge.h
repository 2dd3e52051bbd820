// The knowledge store as the language server sees it: the threads of each
// open document, located in the editor's text and kept current through its
// edits (anchor::LiveDocument), and re-anchoring from a buffer. The store is
// opened lazily, for the repository holding the workspace root (or the
// first document asked about). Plain C++: LspServer turns it into protocol.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/anchor/live.h"

namespace tacit::store {
class Store;
struct Thread;
struct Anchor;
}  // namespace tacit::store

namespace tacit::host {

// A file:// URI's absolute path (percent-decoded); "" for other schemes.
std::string pathFromUri(const std::string& uri);
// The file:// URI of an absolute path, as editors spell them (RFC 3986:
// everything but unreserved characters and '/' percent-encoded).
std::string uriFromPath(const std::string& path);

class Knowledge {
 public:
  // `root`: the workspace folder's path, or "" to find the repository from
  // the documents.
  explicit Knowledge(std::string root);
  ~Knowledge();

  struct Located {
    std::string id, kind, state, title;
    anchor::Location location;
  };
  // The threads in the document at `uri` whose text is `text`. Recomputed
  // only when stale (first ask, save, a new HEAD, a whole-text change);
  // otherwise the live ranges, shifted through every edit since. Every range
  // lies in the text: an orphaned thread last seen past its end is on its
  // last line (anchor::clampToLines). Throws std::runtime_error with a
  // one-line message (no repository, ...).
  std::vector<Located> threadsIn(const std::string& uri, const std::string& text);

  // LSP edits: a range change is shifted in O(threads in the file); a
  // whole-text change (no range) makes the document stale.
  void edited(const std::string& uri, const anchor::LineEdit& edit);
  void replaced(const std::string& uri);
  void saved(const std::string& uri);
  void closed(const std::string& uri);

  // The store, opened on first use from the workspace root (or, without
  // one, from `uri`'s folder); nullptr when that is not in a repository.
  store::Store* storeFor(const std::string& uri = "");
  // The path of `uri` relative to the repository's root; "" outside it or
  // without a store.
  std::string pathOf(const std::string& uri);

  // An anchor on lines [start, end] (1-based) of the document's `text`, at
  // HEAD. Throws std::runtime_error (not in the repository, past the end).
  store::Anchor anchorIn(const std::string& uri, const std::string& text, uint32_t startLine, uint32_t endLine);
  // Knowledge changed (a thread created or changed): every document's
  // threads are located again when next asked for.
  void invalidateAll();
  // The documents whose threads have been asked for and not closed.
  std::vector<std::string> openUris() const;

  // The re-anchoring of thread `id` (or a unique prefix) to lines [start,
  // end] (1-based) of the document's `text`: its full id and the payload of
  // the reanchor event, for the caller to write (HostApi::addEvent, so other
  // extensions hear of it). Every open document is located again next time.
  std::pair<std::string, nlohmann::json> reanchor(const std::string& id, const std::string& uri,
                                                  const std::string& text, uint32_t startLine, uint32_t endLine);

 private:
  store::Store& store(const std::string& uri);
  std::string relativePath(const std::string& uri);
  std::string head();

  std::string root_;
  bool triedOpen_ = false;
  std::unique_ptr<store::Store> store_;
  struct Open {
    anchor::LiveDocument live;
    std::vector<Located> threads;  // same order as live.entries(), which hold the locations
    std::string head;              // HEAD when located
  };
  std::map<std::string, Open> open_;
};

}  // namespace tacit::host
