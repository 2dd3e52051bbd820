// The SQLite index of the event logs (.git/tacit/index.sqlite): a cache that
// can always be deleted and rebuilt from git with the same result. A cursor
// per (source, ref) remembers the last commit indexed; a refresh reads only
// what the refs gained since, inserts events idempotently, re-folds the
// threads they touch and updates the full-text index, in one transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/store/thread.h"

namespace tacit::store {

class EventLog;
namespace sql {
class Database;
class Statement;
}

// A clock more than this far ahead of everything else known is refused: it
// would make every later event look older than it.
inline constexpr uint64_t kMaxClockJump = 1'000'000;

// Event bytes a refresh keeps decoded for folding: threads whose events all
// arrive in one refresh fold from memory; past this budget they are dropped
// and read back from git, so a first index of any size stays within bounded
// memory. Decoded, an event takes about 2.7 times its bytes: 48 MB of events
// (about 130,000 of a team's usual size) hold about 130 MB, and re-reading
// costs a second decode, the most expensive step of indexing.
inline constexpr size_t kDefaultFreshBudgetBytes = 48 * 1024 * 1024;

// Where a thread is depends on the commit (server/anchor), so a path is not
// a filter here: callers locate threads and select by where they are.
struct ThreadFilter {
  // Without a kind, the anchored threads: walkthroughs (no lines of their
  // own) are listed only when asked for by kind.
  std::optional<ThreadKind> kind;
  std::optional<ThreadState> state;
  std::optional<std::string> assignee;   // email
};

struct SearchHit {
  Thread thread;
  double score = 0;  // bm25: lower is better
  std::string snippet;
};

// A thread's place in one commit, as server/anchor located it from one
// anchor (`anchor` identifies it: an answer about an anchor since replaced
// by a move is never used, even if written after the move by a slower
// process).
struct CachedLocation {
  std::string anchor;
  std::string commit;
  std::string path;
  uint32_t startLine = 0, endLine = 0;
  std::string status;  // exact | moved | changed | orphaned
  double confidence = 0;
  std::string how;
};

class Index {
 public:
  using Warn = std::function<void(const std::string&)>;

  // Opens or creates the index. A file from another schema version, or one
  // SQLite cannot read, is deleted and created again (then refreshed by the
  // caller from git).
  //
  // A new file (none, or a rebuilt one) is given to `build`, which should
  // refresh it from every log: it runs before any other process can open the
  // file, which lets the first index write each page once (see index.cpp).
  using Build = std::function<void(Index&)>;
  explicit Index(const std::string& path, size_t freshBudgetBytes = kDefaultFreshBudgetBytes,
                 const Build& build = {});
  ~Index();
  Index(const Index&) = delete;
  Index& operator=(const Index&) = delete;

  struct RefreshStats {
    size_t refs = 0;     // refs that had moved
    size_t events = 0;   // events newly indexed
    size_t skipped = 0;  // events refused (each also reported through warn)
    size_t threads = 0;  // threads re-folded
  };
  // Indexes what every ref of `log` gained. `source` names the log
  // ("shared" or "private"); threads from "private" are marked private.
  RefreshStats refresh(const EventLog& log, std::string_view source, const Warn& warn);

  uint64_t maxLamport();
  // The events of the shared log refused so far, one line each ("skipped
  // PATH in REF: why"), remembered across refreshes.
  std::vector<std::string> refused();

  // Not deleted threads, oldest first (created_at, id).
  std::vector<Thread> list(const ThreadFilter& filter);
  std::optional<Thread> get(std::string_view id);
  // The one thread id starting with `prefix` (at least 4 hex digits), or a
  // StoreError: "unknown id", "ambiguous id prefix ... (a, b)".
  std::string resolve(std::string_view prefix);
  // FTS5 over bodies and replies of anchored threads, best first.
  std::vector<SearchHit> search(std::string_view query, size_t limit);
  // "Asked before?": questions already answered or resolved whose text shares
  // words with `text` (any of them, stop words left out), best (bm25) first.
  std::vector<SearchHit> similarAnswered(std::string_view text, size_t limit);

  // The location cache: every commit a thread's anchor was located at.
  // Emptied for a thread whenever it is re-folded.
  std::vector<CachedLocation> cachedLocations(std::string_view thread, std::string_view anchor);
  // Every answer cached at `commit`, as (thread, location): one query for a
  // request that asks about every thread at HEAD.
  std::vector<std::pair<std::string, CachedLocation>> cachedLocationsAt(std::string_view commit);
  void cacheLocations(const std::vector<std::pair<std::string, CachedLocation>>& threadLocations);

  const std::string& path() const { return path_; }

 private:
  void createSchema();
  // Replaces a thread's rows (threads, assignees, full text) with its new
  // fold; `folded` empty removes them. `mayExist` false: it has no rows yet.
  void writeThread(const std::string& threadId, const std::string& source, const std::optional<Thread>& folded,
                   const std::string& data, const std::string& replies, bool mayExist);
  // A statement prepared once per Index, reset and ready to bind.
  sql::Statement& cached(const char* sql);

  std::string path_;
  size_t freshBudgetBytes_;
  std::unique_ptr<sql::Database> db_;
  std::unordered_map<const char*, std::unique_ptr<sql::Statement>> statements_;
};

// The thread as stable JSON, the schema of `tacit list --json` (docs/cli.md),
// minus `location`, which the caller adds. Also the index's stored form.
nlohmann::json threadToJson(const Thread&);
Thread threadFromJson(const nlohmann::json&);

}  // namespace tacit::store
