// The append-only event logs in git refs, through libgit2 (no JSON-RPC, no
// SQLite here). Each replica writes only refs/tacit/v1/replicas/<replica>;
// fetched copies of other clones' replicas live under
// refs/tacit/v1/remotes/<remote>/<replica>.
//
// A ref's commit holds the replica's whole log as a tree:
//   events/<bucket:06>/<lamport:012>-<event-id>.json     bucket = lamport / 1024
// Buckets keep a write O(bucket + root) instead of O(all events), and let a
// tree-to-tree diff skip every bucket that did not change. DESIGN.md's flat
// `events/<lamport:012>-<event-id>.json` is the same name inside a bucket.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "server/store/event.h"

struct git_repository;

namespace tacit::store {

// A one-line message, fit for stderr or an LSP error.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr std::string_view kReplicaRefPrefix = "refs/tacit/v1/replicas/";
inline constexpr std::string_view kRemoteRefPrefix = "refs/tacit/v1/remotes/";
inline constexpr uint32_t kLamportBucket = 1024;

// The path of an event's blob inside a log commit's tree.
std::string eventPath(uint64_t lamport, std::string_view eventId);

// Whether this process's own compare-and-swaps took `ref` in `repo` from
// commit `from` ("": no ref) to commit `to`, with nobody else's write in
// between (the server's watcher of the knowledge refs asks).
bool swappedHere(git_repository* repo, const std::string& ref, const std::string& from, const std::string& to);

// A ref whose commit holds one file, `name` (a small document rewritten as a
// whole, like the private store's personal.json): its bytes, nullopt when the
// ref or the file does not exist.
std::optional<std::string> readRefFile(git_repository* repo, const std::string& ref, const std::string& name);
// Rewrites it by compare-and-swap: `change` gets the current bytes (nullopt
// at first) and returns the new ones (nullopt: write nothing); retried like
// EventLog::append when another writer moved the ref. Each write is a commit
// whose parent is the previous one. Returns the bytes written (or the
// current ones when nothing was).
std::optional<std::string> swapRefFile(
    git_repository* repo, const std::string& ref, const std::string& name,
    const std::function<std::optional<std::string>(const std::optional<std::string>& current)>& change,
    const std::string& message, const Author& committer);

class EventLog {
 public:
  // Borrows `repo` (a work tree's repository, or the private bare one).
  // Turns libgit2's fsync of the git dir on, once per process. Like the
  // repository it borrows, an EventLog is used by one thread at a time;
  // concurrent writers use their own handles and meet at the ref's CAS.
  explicit EventLog(git_repository* repo);

  static std::string replicaRef(std::string_view replica);

  // Appends one commit to the replica's ref by compare-and-swap
  // (git_reference_create_matching), retrying on GIT_EMODIFIED and
  // GIT_ELOCKED with jittered exponential backoff (bounded; StoreError when
  // exhausted). `prepare` is called on every attempt with the highest lamport
  // already in the ref's tip (0 for a new ref) and returns the events to
  // write (their lamports must exceed it); each is encoded with encodeEvent
  // and validated first. Returns the new commit id (40 hex). When `prepare`
  // returns nothing, nothing is written and the current tip is returned
  // ("" for a ref that does not exist).
  using Prepare = std::function<std::vector<Event>(uint64_t tipLamport)>;
  std::string append(std::string_view replica, const Prepare& prepare, const std::string& message,
                     const Author& committer);

  // Makes the replica's ref contain every event of commit `other` too: a
  // fast-forward when it can, else a merge commit whose tree is the union of
  // both logs (event names are unique, so the union is well defined). For two
  // clones that share a replica id (a copied clone), so their pushes stop
  // being rejected. Same compare-and-swap and retries as append. Returns the
  // new tip.
  std::string absorb(std::string_view replica, std::string_view other, const Author& committer);

  struct RefTip {
    std::string name;    // full ref name
    std::string commit;  // 40 hex
  };
  // Every replica ref and every fetched remote replica ref, sorted by name.
  std::vector<RefTip> refs() const;

  // The highest lamport in a log commit's tree (0 for an empty log), read
  // from the names of its last bucket: O(log), no blob is read.
  uint64_t maxLamport(std::string_view commit) const;

  struct RawEvent {
    std::string path;  // events/000000/000000000001-<id>.json
    std::string blob;  // 40 hex
    std::string bytes;
  };
  // Every event blob in `to`'s tree that is not in `from`'s (from empty = all),
  // by one tree-to-tree diff; bucket trees that did not change are skipped.
  // Entries that are not event blobs are reported through `onBadEntry` and
  // skipped. `to` must descend from `from` for the result to be the events
  // added in between; the caller checks ancestry with isAncestor.
  void readAdded(std::string_view from, std::string_view to,
                 const std::function<void(RawEvent)>& onEvent,
                 const std::function<void(std::string path, std::string why)>& onBadEntry) const;

  // The bytes of an event blob by its id (RawEvent::blob), as read by
  // readAdded. Throws StoreError when it is missing or not a blob.
  std::string readBlob(std::string_view blob) const;

  // A commit is its own ancestor; "" (the empty log) is everyone's.
  bool isAncestor(std::string_view ancestor, std::string_view descendant) const;

  // Calls `read` with an EventLog over a repository handle of its own (the
  // same git dir), for reading these logs on another thread while this one
  // goes on being used. Throws StoreError when the handle cannot be opened.
  void withOwnHandle(const std::function<void(const EventLog&)>& read) const;

 private:
  git_repository* repo_;
};

}  // namespace tacit::store
