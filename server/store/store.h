// The knowledge store of one repository: the shared event log in its refs,
// the private log in .git/tacit/private.git, and the SQLite index over both.
// Every command or LSP request that writes makes exactly one commit.
// Plain C++: no JSON-RPC, no command line.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/store/index.h"
#include "server/store/thread.h"

struct git_repository;

namespace tacit::store {

class EventLog;

class Store {
 public:
  // ReadOnly (`tacit report`): no private log (neither opened nor created),
  // no event can be written, and the index is .git/tacit/index.sqlite only
  // when .git/tacit can be written; otherwise (a read-only checkout) a
  // temporary one, built from git and deleted when the store closes.
  enum class Access { ReadWrite, ReadOnly };

  // Discovers the repository containing `path` (StoreError "not a git
  // repository" otherwise), opens the index and the private log.
  static std::unique_ptr<Store> open(const std::string& path, Access access = Access::ReadWrite);
  ~Store();

  const std::string& workdir() const { return workdir_; }  // with a trailing '/'
  const std::string& gitdir() const { return gitdir_; }
  git_repository* repository() const { return repo_; }
  // The private repository (.git/tacit/private.git): never given a remote.
  // Null when opened ReadOnly.
  git_repository* privateRepository() const { return private_; }

  // From git config user.name / user.email; StoreError when missing.
  Author identity() const;
  // tacit.replica from the repository's config, created on first use.
  std::string replica();

  // Brings the index up to date with both logs; warnings go to the log.
  Index::RefreshStats refresh();
  // The index, opened on first use (and then, when new, built from both
  // logs): a command that fetches first, such as `tacit report --fetch`,
  // builds it with what it fetched, and nothing is indexed before the
  // command's arguments are checked.
  Index& index();

  struct NewThread {
    ThreadKind kind = ThreadKind::Note;
    std::string body;
    bool isPrivate = false;
    std::vector<std::string> assignees;
    Anchor anchor;
    json context = json::object();
    std::string id;  // the thread's id; empty: a new random one
  };
  // Returns the new thread's id. StoreError for a blank text (write_rules.h).
  std::string createThread(const NewThread&);
  // What a question carries so its answerer needs no back-and-forth: the
  // snippet asked about, the commit and the branch ({snippet, commit, branch?}).
  json questionContext(const Anchor& anchor) const;
  // Appends one event of `type` with `payload` to the thread, in the log the
  // thread lives in (private threads stay private). Returns the event id.
  // StoreError for an unknown id or an event the rules of write_rules.h
  // refuse (an answer on a note, a reply on a walkthrough, a blank text...).
  std::string addEvent(const std::string& threadId, EventType type, json payload);

  // One event on a thread, for write().
  struct Append {
    std::string thread;  // full id
    EventType type = EventType::Reply;
    json payload = json::object();
  };
  // Several events in one commit, in this order: the thread `created` first
  // (when given; set its id to name it in `events`), then `events`. All are
  // validated before anything is written, so a refusal writes nothing: a
  // walkthrough's new chapter is its note and the new order, together or
  // not at all. Every thread must live in the same log (StoreError
  // otherwise), with addEvent's checks. Returns the event ids in order (a
  // created thread's event id is its id).
  std::vector<std::string> write(const std::optional<NewThread>& created, const std::vector<Append>& events);

  // Every knowledge ref's target (hex; "" for a symbolic ref), of the
  // shared repository [0] and the private one [1]: equal snapshots mean
  // nothing was written (cheap: a ref listing, no objects).
  using RefsSnapshot = std::array<std::map<std::string, std::string>, 2>;
  RefsSnapshot refsFingerprint() const;
  // Whether the refs went from `before` to `now` by another process's hand:
  // a ref created, moved or deleted other than by this process's own swaps
  // from where it was.
  bool changedByOthers(const RefsSnapshot& before, const RefsSnapshot& now) const;

  // The event log of a source ("shared" or "private"); StoreError for
  // "private" when opened ReadOnly.
  EventLog& log(std::string_view source);

 private:
  Store() = default;
  std::string append(std::string_view source, EventType type, const std::string& thread, json payload,
                     bool newThread);
  struct Draft {
    EventType type;
    std::string thread;
    json payload;
    bool newThread;
  };
  std::vector<std::string> appendAll(std::string_view source, std::vector<Draft> drafts);
  Index::RefreshStats refresh(Index& index);  // also the first build of a new index

  git_repository* repo_ = nullptr;
  git_repository* private_ = nullptr;
  std::unique_ptr<EventLog> shared_;
  std::unique_ptr<EventLog> privateLog_;
  std::string indexPath_;
  std::once_flag indexOpened_;  // a failed open (it throws) is tried again at the next use
  std::unique_ptr<Index> index_;
  std::string workdir_, gitdir_;
  std::string replica_;
  Access access_ = Access::ReadWrite;
  std::string temporaryDir_;  // the temporary index's folder, removed on close
};

}  // namespace tacit::store
