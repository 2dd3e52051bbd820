// Where threads' lines are now: server/anchor's Locator over this store's
// repository, with the index's location cache. A commit already located
// answers from the cache; a new one is located forward from the nearest
// cached ancestor (re-recorded there), else from the recorded anchor.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "server/anchor/anchor.h"
#include "server/store/index.h"
#include "server/store/thread.h"

namespace tacit::store {

class Store;

anchor::Recorded toRecorded(const Anchor&);
// A thread as `tacit show --json` prints it (docs/cli.md): the thread with
// where its lines are (`location`) and where it was made (`anchor`); a
// walkthrough has neither, and its `chapters` (note ids) instead.
nlohmann::json locatedJson(const Thread& t, const anchor::Location& at);
Anchor fromRecorded(const anchor::Recorded&);

class Locations {
 public:
  explicit Locations(Store& store);
  // Writes what was located to the index's cache (flush).
  ~Locations();

  // At a commit (40 hex). A thread without lines (a walkthrough) is
  // nowhere: orphaned with an empty path and line 0, never cached.
  anchor::Location atCommit(const Thread& thread, const std::string& commit);
  // In the work tree: at HEAD, then through the file as it is on disk (or
  // by text alone in a repository without commits).
  anchor::Location inWorkTree(const Thread& thread);
  // In `text`, the file at `path` as an editor holds it: at HEAD, then
  // through a diff of HEAD's file against `text`. A thread whose lines are
  // in another file at HEAD is returned as located there.
  anchor::Location inText(const Thread& thread, const std::string& path, const std::string& text);

  // Locates at `commit` at once (anchor::Locator::locateAll, file by file)
  // the threads with no answer cached for their anchor, so that atCommit,
  // inWorkTree and inText then answer them from memory: a listing's threads
  // meeting a new HEAD read each file's history once, not once per thread.
  // Threads with a cached answer (at `commit` or an ancestor to start from)
  // are left to atCommit. Nothing is prepared when anything fails: atCommit
  // then says why for the thread it fails on.
  void prepare(const std::vector<Thread>& threads, const std::string& commit);

  const std::string& head() const { return head_; }

  // New answers go to the cache in one transaction (one per answer would
  // cost a commit each); the destructor flushes too, logging a failure.
  void flush();

 private:
  Store& store_;
  anchor::Locator locator_;
  std::string head_;  // "" before the first commit
  std::vector<std::pair<std::string, CachedLocation>> pending_;  // (thread, location)
  std::unordered_map<std::string, std::vector<size_t>> pendingOf_;  // thread -> indexes into pending_
  // The cache's answers at one commit, read at once when a second thread
  // is asked about there (a file's threads are picked from all of them).
  void prefetch(const std::string& commit);
  std::string firstAskedAt_;  // where the last thread was asked about, not yet prefetched
  std::string prefetchedAt_;  // whose answers prefetched_ holds ("" none)
  std::unordered_map<std::string, CachedLocation> prefetched_;  // thread + '\n' + anchor
  // A thread's cached answers at other commits, as prepare read them for
  // atCommit (which then needs no query of its own).
  std::unordered_map<std::string, std::vector<CachedLocation>> queried_;  // thread + '\n' + anchor
};

}  // namespace tacit::store
