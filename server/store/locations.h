// Where threads' lines are now: server/anchor's Locator over this store's
// repository, with the index's location cache. A commit already located
// answers from the cache; a new one is located forward from the nearest
// cached ancestor (re-recorded there), else from the recorded anchor.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "server/anchor/anchor.h"
#include "server/store/thread.h"

namespace tacit::store {

class Store;

anchor::Recorded toRecorded(const Anchor&);
Anchor fromRecorded(const anchor::Recorded&);

class Locations {
 public:
  explicit Locations(Store& store);
  ~Locations();

  // At a commit (40 hex).
  anchor::Location atCommit(const Thread& thread, const std::string& commit);
  // In the work tree: at HEAD, then through the file as it is on disk (or
  // by text alone in a repository without commits).
  anchor::Location inWorkTree(const Thread& thread);

 private:
  Store& store_;
  anchor::Locator locator_;
  std::string head_;  // "" before the first commit
};

}  // namespace tacit::store
