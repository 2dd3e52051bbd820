// `tacit sync`: fetch teammates' replica refs, index them, push ours. Runs
// the real `git` (Boost.Process) so the user's credentials, SSH config and
// hooks apply; the user's remote configuration is never changed, and
// nothing is ever force-pushed.
#pragma once

#include <cstddef>
#include <string>

namespace tacit::store {

class Store;

struct SyncReport {
  size_t fetchedEvents = 0;  // events newly indexed
  size_t pushedRefs = 0;     // replica refs offered to the remote
  size_t attempts = 0;       // push attempts (more than 1 after a rejection)
};

// StoreError with git's own message when the remote is unknown, a fetch
// fails, or the push is still rejected after fetching again.
SyncReport sync(Store& store, const std::string& remote);

// Only the fetch half: teammates' replica refs from `remote` into
// refs/tacit/v1/remotes/<remote>/*, nothing pushed (`tacit report --fetch`).
// Writes those refs and their objects only: not FETCH_HEAD (neither does
// sync), and no automatic maintenance (git gc --auto).
// StoreError when the remote is unknown or the fetch fails (with git's
// reason, one line).
void fetchKnowledge(Store& store, const std::string& remote);

}  // namespace tacit::store
