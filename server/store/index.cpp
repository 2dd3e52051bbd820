#include "server/store/index.h"

#include <unistd.h>

#include <cctype>
#include <cerrno>


#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "server/log/log.h"
#include "server/store/event_log.h"
#include "server/store/file_lock.h"
#include "server/store/sqlite.h"

namespace tacit::store {
namespace {

// Bump when the tables or the stored thread JSON change: older files are
// rebuilt from git.
constexpr int kSchemaVersion = 7;  // 6: walkthroughs (kind, chapters); 7: refused events remembered
constexpr int kBusyTimeoutMs = 30'000;

// page_size applies to a new file only (set before its first table): 16 KB
// pages made a first index of 100,000 events 11% faster than SQLite's 4 KB
// (fewer, fuller pages for the ~1 KB thread rows; 8 KB gained half that,
// 32 and 64 KB no more).
constexpr std::string_view kPragmas = "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;";
// A first build, with no other connection (the open lock is held): a
// rollback journal only journals pages that existed when a transaction
// began, which for a new file is the schema, so every page is written once.
// WAL would write each twice (the log, then the checkpoint), and fsync both.
constexpr std::string_view kBuildPragmas =
    "PRAGMA page_size=16384; PRAGMA journal_mode=DELETE; PRAGMA synchronous=NORMAL;";

constexpr const char* kThreadIndex = "CREATE INDEX IF NOT EXISTS events_thread ON events(thread, source)";

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cursors(
  source TEXT NOT NULL, ref TEXT NOT NULL, commit_id TEXT NOT NULL,
  PRIMARY KEY(source, ref));
-- An event's bytes stay in git: `blob` names them in the source's log.
CREATE TABLE IF NOT EXISTS events(
  id TEXT PRIMARY KEY, source TEXT NOT NULL, thread TEXT NOT NULL,
  lamport INTEGER NOT NULL, blob TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS threads(
  id TEXT PRIMARY KEY, source TEXT NOT NULL, kind TEXT NOT NULL, state TEXT NOT NULL,
  deleted INTEGER NOT NULL, created_at INTEGER NOT NULL,
  data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS assignees(thread TEXT NOT NULL, email TEXT NOT NULL,
  PRIMARY KEY(thread, email));
CREATE INDEX IF NOT EXISTS assignees_email ON assignees(email);
-- Where a thread's lines are in a commit (server/anchor): a cache, dropped
-- whenever the thread is re-folded.
CREATE TABLE IF NOT EXISTS locations(
  thread TEXT NOT NULL, anchor TEXT NOT NULL, commit_id TEXT NOT NULL, path TEXT NOT NULL,
  start_line INTEGER NOT NULL, end_line INTEGER NOT NULL, status TEXT NOT NULL,
  confidence REAL NOT NULL, how TEXT NOT NULL, PRIMARY KEY(thread, anchor, commit_id));
-- rowid = threads.rowid: FTS5 finds rows by rowid only (a lookup by an
-- UNINDEXED column scans the whole table).
-- Events refused on the way in (invalid, misplaced, ...): the cursor moves
-- past them, so they are remembered for every later reader (tacit report).
CREATE TABLE IF NOT EXISTS refused(
  source TEXT NOT NULL, ref TEXT NOT NULL, path TEXT NOT NULL, why TEXT NOT NULL,
  PRIMARY KEY(source, ref, path));
CREATE VIRTUAL TABLE IF NOT EXISTS thread_text USING fts5(
  body, replies, tokenize = 'porter unicode61');
)sql";

// Objects are built by appending keys in sorted order (std::map's own
// order, so each insertion is at the end): the initializer-list form builds
// and converts arrays of pairs, a third of the cost of a first index's folds.
class ObjectBuilder {
 public:
  template <typename T>
  ObjectBuilder& add(const char* key, T&& value) {
    object_.emplace_hint(object_.end(), key, std::forward<T>(value));
    return *this;
  }
  json take() { return json(std::move(object_)); }

 private:
  json::object_t object_;
};

json authorJson(const Author& a) { return ObjectBuilder().add("email", a.email).add("name", a.name).take(); }
Author authorFrom(const json& j) { return {j.at("name").get<std::string>(), j.at("email").get<std::string>()}; }

void removeDatabaseFiles(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::remove((path + suffix).c_str());
}

// The replica a ref belongs to: the last component of
// refs/tacit/v1/replicas/<r> or refs/tacit/v1/remotes/<remote>/<r>.
std::string replicaOfRef(const std::string& ref) {
  auto slash = ref.rfind('/');
  return slash == std::string::npos ? ref : ref.substr(slash + 1);
}

}  // namespace

json threadToJson(const Thread& t) {
  json replies = json::array();
  for (const auto& r : t.replies) {
    ObjectBuilder reply;
    reply.add("author", authorJson(r.author)).add("body", r.body).add("created_at", formatTimestamp(r.createdAt));
    if (r.editedAt) reply.add("edited_at", formatTimestamp(r.editedAt));
    reply.add("id", r.id).add("kind", r.isAnswer ? "answer" : "reply");
    replies.push_back(reply.take());
  }
  json acks = json::array();
  for (const auto& a : t.acks)
    acks.push_back(ObjectBuilder().add("at", formatTimestamp(a.at)).add("author", authorJson(a.author)).take());
  ObjectBuilder out;
  out.add("acks", std::move(acks))
      .add("anchor", toJson(t.anchor))
      .add("assignees", t.assignees)
      .add("author", authorJson(t.author))
      .add("body", t.body);
  if (t.kind == ThreadKind::Walkthrough) out.add("chapters", t.chapters);
  out.add("context", t.context)
      .add("created_at", formatTimestamp(t.createdAt))
      .add("id", t.id)
      .add("kind", toString(t.kind))
      .add("plus_ones", t.plusOnes)
      .add("private", t.isPrivate)
      .add("replies", std::move(replies))
      .add("state", toString(t.state))
      .add("updated_at", formatTimestamp(t.updatedAt));
  return out.take();
}

Thread threadFromJson(const json& j) {
  Thread t;
  t.id = j.at("id");
  t.kind = parseThreadKind(j.at("kind").get<std::string>()).value();
  t.state = parseThreadState(j.at("state").get<std::string>()).value();
  t.isPrivate = j.at("private");
  t.body = j.at("body");
  t.author = authorFrom(j.at("author"));
  t.assignees = j.at("assignees").get<std::vector<std::string>>();
  t.createdAt = parseTimestamp(j.at("created_at").get<std::string>()).value();
  t.updatedAt = parseTimestamp(j.at("updated_at").get<std::string>()).value();
  for (const auto& r : j.at("replies")) {
    Reply reply;
    reply.id = r.at("id");
    reply.isAnswer = r.at("kind") == "answer";
    reply.author = authorFrom(r.at("author"));
    reply.createdAt = parseTimestamp(r.at("created_at").get<std::string>()).value();
    if (r.contains("edited_at")) reply.editedAt = parseTimestamp(r.at("edited_at").get<std::string>()).value();
    reply.body = r.at("body");
    t.replies.push_back(std::move(reply));
  }
  for (const auto& a : j.at("acks"))
    t.acks.push_back({authorFrom(a.at("author")), parseTimestamp(a.at("at").get<std::string>()).value()});
  t.plusOnes = j.at("plus_ones").get<std::vector<std::string>>();
  t.context = j.at("context");
  t.anchor = anchorFromJson(j.at("anchor"));
  if (j.contains("chapters")) t.chapters = j.at("chapters").get<std::vector<std::string>>();
  return t;
}

Index::Index(const std::string& path, size_t freshBudgetBytes, const Build& build)
    : path_(path), freshBudgetBytes_(freshBudgetBytes) {
  // "missing": a new file (or one another process is creating right now):
  // create the tables, idempotently, under the write lock. "stale": another
  // schema version, or not a database at all: delete and start again.
  enum class Found { Current, Missing, Stale };
  auto inspect = [&]() -> Found {
    db_ = std::make_unique<sql::Database>(path_, kBusyTimeoutMs);
    try {
      db_->exec(kPragmas);
      sql::Statement hasMeta(*db_, "SELECT count(*) FROM sqlite_master WHERE name = 'meta'");
      hasMeta.step();
      if (hasMeta.integer(0) == 0) return Found::Missing;
      sql::Statement version(*db_, "SELECT value FROM meta WHERE key = 'schema'");
      if (!version.step()) return Found::Missing;
      return version.text(0) == std::to_string(kSchemaVersion) ? Found::Current : Found::Stale;
    } catch (const StoreError& e) {
      TACIT_LOG(Debug) << "index check: " << e.what();
      return Found::Stale;
    }
  };
  // Opening is serialised between processes (flock on "<index>.open",
  // released by the kernel if we die): several commands starting at once on
  // a fresh clone otherwise saw each other's half-made file (a busy WAL
  // switch) as damaged and deleted it under the one still creating it.
  FileLock gate(path_ + ".open");
  Found found = inspect();
  if (found == Found::Current) return;
  if (found == Found::Stale) {
    TACIT_LOG(Info) << "the index " << path_ << " is from another version or damaged; rebuilding it";
    db_.reset();
    removeDatabaseFiles(path_);
    db_ = std::make_unique<sql::Database>(path_, kBusyTimeoutMs);
  }
  if (!build) {
    db_->exec(kPragmas);
    createSchema();
    return;
  }
  // Built whole before anyone else can open it: other processes wait on the
  // open lock, then find it current. A crash part way leaves a hot journal,
  // which SQLite rolls back at the next open, so the file is always whole.
  db_->exec(kBuildPragmas);
  createSchema();
  std::exception_ptr failure;
  try {
    build(*this);
  } catch (...) {
    failure = std::current_exception();  // what was committed stays, and is valid
  }
  for (auto& [sqlText, statement] : statements_) statement->reset();
  db_->exec(kPragmas);
  if (failure) std::rethrow_exception(failure);
}

Index::~Index() = default;

void Index::createSchema() {
  sql::Transaction tx(*db_);
  // Another process may have created it while we waited for the lock.
  db_->exec(kSchema);
  db_->exec(kThreadIndex);
  sql::Statement set(*db_, "INSERT OR REPLACE INTO meta(key, value) VALUES('schema', ?)");
  set.bind(1, std::to_string(kSchemaVersion)).run();
  tx.commit();
}

std::vector<std::string> Index::refused() {
  sql::Statement s(*db_, "SELECT ref, path, why FROM refused WHERE source = 'shared' ORDER BY ref, path");
  std::vector<std::string> out;
  while (s.step()) out.push_back("skipped " + s.text(1) + " in " + s.text(0) + ": " + s.text(2));
  return out;
}

uint64_t Index::maxLamport() {
  sql::Statement s(*db_, "SELECT coalesce(max(lamport), 0) FROM events");
  s.step();
  return static_cast<uint64_t>(s.integer(0));
}

namespace {

// One entry of a ref's walk, read and decoded.
struct Walked {
  size_t ref = 0;        // index into the refresh's plan
  std::string path;
  std::string blob;      // 40 hex; empty for an entry that is not an event blob
  size_t size = 0;
  DecodedEvent decoded;  // for a bad entry, only the reason in decoded.error
  std::optional<std::string> bytes;  // not decoded yet: the consumer decodes them
};

// A thread to fold: from its events decoded in this refresh (fresh), or from
// its blobs.
struct FoldJob {
  std::string thread;
  std::optional<std::vector<Event>> fresh;
  std::vector<std::string> blobs;
};

struct Folded {
  size_t job = 0;                // its place in the refresh's list of jobs
  std::string id;
  std::optional<Thread> thread;  // nullopt: its created event has not arrived
  std::string data;              // threadToJson, dumped
  std::string replies;           // reply bodies for the full-text index
};

// Runs `produce` on a second thread, with an EventLog over a repository
// handle of its own, and hands each item it emits to `consume` on this
// thread, in order, in batches (a bounded queue between the two). An
// exception on either side ends both and is rethrown here.
template <typename T>
void produceAside(const EventLog& log,
               const std::function<void(const EventLog&, const std::function<void(T&&)>&)>& produce,
               const std::function<void(T&)>& consume) {
  constexpr size_t kBatch = 256, kBatchesAhead = 8;
  struct Cancelled {};
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<std::vector<T>> ready;
  bool done = false, cancelled = false;
  std::exception_ptr failure;

  std::thread producer([&] {
    std::vector<T> batch;
    auto hand = [&](bool last) {
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return cancelled || ready.size() < kBatchesAhead; });
      if (cancelled) throw Cancelled{};
      if (!batch.empty()) ready.push_back(std::move(batch));
      batch = {};
      if (last) done = true;
      changed.notify_all();
    };
    try {
      log.withOwnHandle([&](const EventLog& own) {
        produce(own, [&](T&& item) {
          batch.push_back(std::move(item));
          if (batch.size() == kBatch) hand(false);
        });
      });
      hand(true);
    } catch (const Cancelled&) {
    } catch (...) {
      std::lock_guard lock(mutex);
      failure = std::current_exception();
      done = true;
      changed.notify_all();
    }
  });

  try {
    for (;;) {
      std::vector<T> batch;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return !ready.empty() || done; });
        if (ready.empty()) break;
        batch = std::move(ready.front());
        ready.pop_front();
        changed.notify_all();
      }
      for (T& item : batch) consume(item);
    }
  } catch (...) {
    {
      std::lock_guard lock(mutex);
      cancelled = true;
      changed.notify_all();
    }
    producer.join();
    throw;
  }
  producer.join();
  if (failure) std::rethrow_exception(failure);
}

// Below this many threads to fold, a second thread is not worth starting.
constexpr size_t kFoldAsideFrom = 256;
constexpr size_t kFoldHereEvery = 5;

Folded fold(FoldJob job, const EventLog& log, bool isPrivate, size_t index = 0) {
  std::vector<Event> events;
  if (job.fresh) {
    events = std::move(*job.fresh);
  } else {
    for (const auto& blob : job.blobs)
      if (auto d = decodeEvent(log.readBlob(blob)); d.event) events.push_back(std::move(*d.event));
  }
  Folded out;
  out.job = index;
  out.id = std::move(job.thread);
  out.thread = foldThread(std::move(events));
  if (!out.thread) return out;
  Thread& t = *out.thread;
  if (isPrivate) t.isPrivate = true;
  out.data = threadToJson(t).dump(-1, ' ', false, json::error_handler_t::replace);
  for (const auto& r : t.replies) out.replies += r.body + "\n";
  return out;
}

}  // namespace

Index::RefreshStats Index::refresh(const EventLog& log, std::string_view source, const Warn& warn) {
  RefreshStats stats;
  const std::string src(source);
  auto refs = log.refs();

  // Cheap check first, outside the write lock: nothing moved, nothing to do.
  std::map<std::string, std::string> cursors;
  {
    sql::Statement s(*db_, "SELECT ref, commit_id FROM cursors WHERE source = ?");
    s.bind(1, src);
    while (s.step()) cursors[s.text(0)] = s.text(1);
  }
  bool moved = std::any_of(refs.begin(), refs.end(),
                           [&](const EventLog::RefTip& r) { return cursors[r.name] != r.commit; });
  if (!moved) return stats;

  sql::Transaction tx(*db_);
  // Read again under the write lock: another process may have indexed newer
  // tips since, and comparing its cursors with our older tips would look
  // like a rewritten history.
  refs = log.refs();
  cursors.clear();
  {
    sql::Statement s(*db_, "SELECT ref, commit_id FROM cursors WHERE source = ?");
    s.bind(1, src);
    while (s.step()) cursors[s.text(0)] = s.text(1);
  }
  const uint64_t knownMax = maxLamport();
  bool sourceEmpty = true;  // a first index: no thread of this source had events
  {
    sql::Statement s(*db_, "SELECT 1 FROM events WHERE source = ? LIMIT 1");
    s.bind(1, src);
    sourceEmpty = !s.step();
  }

  // The plan: what each moved ref gained, from where.
  struct RefWork {
    EventLog::RefTip tip;
    std::string from;      // "" = the whole log
    uint64_t fromMax = 0;  // the highest lamport already read from this ref
    uint64_t others = 0;   // the highest lamport anywhere else
    std::string replica;
  };
  std::map<std::string, uint64_t> tipMax;
  for (const auto& r : refs) tipMax[r.name] = log.maxLamport(r.commit);
  std::vector<RefWork> plan;
  for (const auto& ref : refs) {
    const std::string& cursor = cursors[ref.name];
    if (cursor == ref.commit) continue;
    ++stats.refs;
    RefWork work{ref, cursor, 0, knownMax, replicaOfRef(ref.name)};
    if (!work.from.empty() && log.isAncestor(ref.commit, work.from)) continue;  // already past this tip
    if (!work.from.empty() && !log.isAncestor(work.from, ref.commit)) {
      // Logs are append-only; a rewritten ref is read whole again, and the
      // events it no longer has stay (they were shared once).
      warn(ref.name + " was rewritten (its old tip " + work.from.substr(0, 12) +
           " is not an ancestor); reading it again");
      work.from.clear();
    }
    work.fromMax = work.from.empty() ? 0 : log.maxLamport(work.from);
    for (const auto& [name, m] : tipMax)
      if (name != ref.name) work.others = std::max(work.others, m);
    plan.push_back(std::move(work));
  }

  sql::Statement findEvent(*db_, "SELECT blob, source FROM events WHERE id = ?");
  sql::Statement insertEvent(*db_, "INSERT OR IGNORE INTO events(id, source, thread, lamport, blob) VALUES(?,?,?,?,?)");
  sql::Statement replaceEvent(*db_, "UPDATE events SET blob = ?, thread = ?, lamport = ? WHERE id = ?");
  sql::Statement setCursor(*db_, "INSERT OR REPLACE INTO cursors(source, ref, commit_id) VALUES(?,?,?)");
  sql::Statement threadKnown(*db_, "SELECT 1 FROM events WHERE thread = ? AND source = ? LIMIT 1");
  sql::Statement remember(*db_, "INSERT OR REPLACE INTO refused(source, ref, path, why) VALUES(?,?,?,?)");
  std::unordered_set<std::string> affected;
  // Events decoded in this refresh, by thread, for threads that had none
  // before (bounded by freshBudgetBytes_).
  std::unordered_map<std::string, std::vector<Event>> fresh;
  size_t freshBytes = 0;
  std::unordered_set<std::string> hadEvents;
  // The blob and source already indexed under an id, if any.
  auto known = [&](const std::string& id) -> std::optional<std::pair<std::string, std::string>> {
    findEvent.bind(1, id);
    std::optional<std::pair<std::string, std::string>> out;
    if (findEvent.step()) out.emplace(findEvent.text(0), findEvent.text(1));
    findEvent.reset();
    return out;
  };

  size_t current = 0;
  uint64_t previous = plan.empty() ? 0 : plan[0].fromMax;  // the highest lamport read from the current ref
  auto finishRefsBefore = [&](size_t next) {
    for (; current < next; ++current) {
      setCursor.bind(1, src).bind(2, plan[current].tip.name).bind(3, plan[current].tip.commit).run();
      if (current + 1 < plan.size()) previous = plan[current + 1].fromMax;
    }
  };
  auto consume = [&](Walked& w) {
    finishRefsBefore(w.ref);
    const RefWork& ref = plan[w.ref];
    auto skip = [&](const std::string& why) {
      ++stats.skipped;
      warn("skipped " + w.path + " in " + ref.tip.name + ": " + why);
      remember.bind(1, src).bind(2, ref.tip.name).bind(3, w.path).bind(4, why).run();
    };
    if (!w.decoded.event) {
      skip(w.decoded.error);
      return;
    }
    Event& e = *w.decoded.event;
    if (w.path != eventPath(e.lamport, e.id)) {
      skip("its name does not match its lamport and id");
      return;
    }
    if (e.replica != ref.replica) {
      skip("written by replica " + e.replica + " into another replica's log");
      return;
    }
    if (e.lamport <= ref.fromMax) {
      // A merge of two copies of one replica's log (sync after a
      // rejected push) brings events already indexed from the other
      // copy; only an unknown one contradicts the log's history.
      auto k = known(e.id);
      if (!(k && k->first == w.blob))
        skip("its clock (" + std::to_string(e.lamport) + ") is not after the events already in this log (" +
             std::to_string(ref.fromMax) + ")");
      return;
    }
    if (e.lamport > std::max(ref.others, previous) + kMaxClockJump) {
      skip("its clock jumps to " + std::to_string(e.lamport) + ", far ahead of every other event");
      return;
    }
    previous = std::max(previous, e.lamport);
    // Known threads must be read back from git when folded.
    if (!sourceEmpty && !fresh.count(e.thread) && !hadEvents.count(e.thread)) {
      threadKnown.bind(1, e.thread).bind(2, src);
      bool had = threadKnown.step();
      threadKnown.reset();
      if (had) hadEvents.insert(e.thread);
    }
    insertEvent.bind(1, e.id).bind(2, src).bind(3, e.thread).bind(4, static_cast<int64_t>(e.lamport))
        .bind(5, w.blob).run();
    if (db_->changes() == 1) {
      affected.insert(e.thread);
      ++stats.events;
      if (hadEvents.count(e.thread)) return;
      freshBytes += w.size;
      fresh[e.thread].push_back(std::move(e));
      if (freshBytes > freshBudgetBytes_) {
        for (auto& [thread, events] : fresh) hadEvents.insert(thread);
        fresh.clear();
        freshBytes = 0;
      }
      return;
    }
    // The same bytes have the same blob id: seen before, idempotent.
    auto k = known(e.id);
    if (!k || k->first == w.blob) return;
    // Random 128-bit ids never collide: a reused id is a forgery or a
    // corruption. The event first in the fold's own order (lamport, then
    // replica) keeps the id, whatever order the refs arrive in, so every
    // replica and every rebuild agree; a forger must then also claim an
    // earlier clock than the original. (Binding ids to replicas, or
    // signing events, would close that too.)
    std::optional<Event> old;
    if (k->second == src) {
      try {
        old = decodeEvent(log.readBlob(k->first)).event;
      } catch (const StoreError& error) {
        TACIT_LOG(Warn) << "event " << e.id << ": " << error.what();
      }
    }
    bool newWins = old && (e.lamport < old->lamport || (e.lamport == old->lamport && e.replica < old->replica));
    if (!newWins) {
      skip("reuses the id of event " + e.id + ", already known with other content");
      return;
    }
    ++stats.skipped;
    warn("event " + e.id + " of replica " + old->replica + " is replaced by an earlier event with the same id in " +
         ref.tip.name);
    replaceEvent.bind(1, w.blob).bind(2, e.thread).bind(3, static_cast<int64_t>(e.lamport)).bind(4, e.id).run();
    for (const std::string* thread : {&e.thread, &old->thread}) {
      affected.insert(*thread);
      hadEvents.insert(*thread);
      fresh.erase(*thread);
    }
  };
  // A bulk load builds the thread index once at the end: sorting every key
  // at once beats inserting each in random order.
  if (sourceEmpty) db_->exec("DROP INDEX IF EXISTS events_thread");
  // Shared: every other event is handed over undecoded, for the consumer to
  // decode (it would otherwise wait on the producer half the time).
  bool shareDecoding = false;
  auto walk = [&](const EventLog& reader, const std::function<void(Walked&&)>& emit) {
    size_t count = 0;
    for (size_t i = 0; i < plan.size(); ++i) {
      reader.readAdded(
          plan[i].from, plan[i].tip.commit,
          [&](EventLog::RawEvent raw) {
            const size_t size = raw.bytes.size();
            if (shareDecoding && count++ % 2 == 1) {
              emit(Walked{i, std::move(raw.path), std::move(raw.blob), size, {}, std::move(raw.bytes)});
            } else {
              emit(Walked{i, std::move(raw.path), std::move(raw.blob), size, decodeEvent(raw.bytes), std::nullopt});
            }
          },
          [&](std::string path, std::string why) {
            emit(Walked{i, std::move(path), {}, 0, {std::nullopt, std::move(why)}, std::nullopt});
          });
    }
  };
  // A whole log (a first index, a rewritten ref) is read and decoded on a
  // second thread while this one checks and inserts; decoding being the
  // larger half of indexing, this one decodes every other event itself. A
  // few new events are not worth a thread.
  const bool wholeLog = std::any_of(plan.begin(), plan.end(), [](const RefWork& w) { return w.from.empty(); });
  if (wholeLog) {
    shareDecoding = true;
    produceAside<Walked>(log, walk, [&](Walked& w) {
      if (w.bytes) w.decoded = decodeEvent(*std::exchange(w.bytes, std::nullopt));
      consume(w);
    });
  } else {
    walk(log, [&](Walked&& w) { consume(w); });
  }
  finishRefsBefore(plan.size());
  if (sourceEmpty) db_->exec(kThreadIndex);

  // Threads whose events are all fresh fold from memory, the rest from
  // their blobs; in id order, so that their rows go into the tables' keys
  // in order, not at random places.
  std::vector<std::string> order(affected.begin(), affected.end());
  std::sort(order.begin(), order.end());
  std::vector<FoldJob> jobs;
  jobs.reserve(order.size());
  for (const auto& thread : order) {
    FoldJob& job = jobs.emplace_back(FoldJob{thread, std::nullopt, {}});
    if (auto it = fresh.find(thread); it != fresh.end()) {
      job.fresh = std::move(it->second);
    } else {
      auto& select = cached("SELECT blob FROM events WHERE thread = ? AND source = ?");
      select.bind(1, thread).bind(2, src);
      while (select.step()) job.blobs.push_back(select.text(0));
    }
  }
  fresh.clear();
  const bool isPrivate = src == "private";
  bool noThreads = false;  // nothing to replace: the threads' rows are all new
  {
    sql::Statement any(*db_, "SELECT 1 FROM threads LIMIT 1");
    noThreads = !any.step();
  }
  auto write = [&](Folded& f) { writeThread(f.id, src, f.thread, f.data, f.replies, !noThreads); };
  if (jobs.size() < kFoldAsideFrom) {
    for (FoldJob& job : jobs) {
      Folded f = fold(std::move(job), log, isPrivate);
      write(f);
    }
  } else {
    // Many threads fold (and turn into JSON) on a second thread while this
    // one writes them, and folds every kFoldHereEvery-th itself (folding
    // costs more than writing: this evens the two out). Written in the
    // jobs' order either way.
    auto mine = [](size_t job) { return job % kFoldHereEvery == 0; };
    size_t next = 0;  // the next job to write
    auto writeMineBefore = [&](size_t end) {
      for (; next < end; ++next) {
        if (!mine(next)) continue;
        Folded f = fold(std::move(jobs[next]), log, isPrivate);
        write(f);
      }
    };
    produceAside<Folded>(
        log,
        [&](const EventLog& reader, const std::function<void(Folded&&)>& emit) {
          for (size_t i = 0; i < jobs.size(); ++i)
            if (!mine(i)) emit(fold(std::move(jobs[i]), reader, isPrivate, i));
        },
        [&](Folded& f) {
          writeMineBefore(f.job);
          write(f);
          next = f.job + 1;
        });
    writeMineBefore(jobs.size());
  }

  // A cached statement left on a row would keep a read snapshot open after
  // the commit, and a later BEGIN IMMEDIATE on that snapshot fails at once
  // with "database is locked" instead of waiting.
  for (auto& [sqlText, statement] : statements_) statement->reset();
  stats.threads = affected.size();
  tx.commit();

  return stats;
}

sql::Statement& Index::cached(const char* text) {
  auto& slot = statements_[text];
  if (!slot) slot = std::make_unique<sql::Statement>(*db_, text);
  slot->reset();
  return *slot;
}

void Index::writeThread(const std::string& threadId, const std::string& source, const std::optional<Thread>& folded,
                        const std::string& data, const std::string& replies, bool mayExist) {
  std::optional<int64_t> rowid;
  if (mayExist) {
    auto& findRow = cached("SELECT rowid FROM threads WHERE id = ?");
    findRow.bind(1, threadId);
    if (findRow.step()) rowid = findRow.integer(0);
  }
  if (rowid) {  // a new thread (most of a first index) has nothing to clear
    cached("DELETE FROM thread_text WHERE rowid = ?").bind(1, *rowid).run();
    cached("DELETE FROM assignees WHERE thread = ?").bind(1, threadId).run();
    cached("DELETE FROM locations WHERE thread = ?").bind(1, threadId).run();
  }
  if (!folded) {
    if (rowid) cached("DELETE FROM threads WHERE id = ?").bind(1, threadId).run();
    return;  // its Created event has not arrived yet
  }
  const Thread& t = *folded;
  // An upsert keeps the rowid, which the full-text row shares.
  cached("INSERT INTO threads(id, source, kind, state, deleted, created_at, data) "
         "VALUES(?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET source = excluded.source, "
         "kind = excluded.kind, state = excluded.state, deleted = excluded.deleted, "
         "created_at = excluded.created_at, data = excluded.data")
      .bind(1, t.id).bind(2, source).bind(3, toString(t.kind)).bind(4, toString(t.state))
      .bind(5, int64_t{t.deleted}).bind(6, t.createdAt).bind(7, data)
      .run();
  if (t.deleted) return;
  if (!rowid) rowid = db_->lastInsertRowid();
  auto& assign = cached("INSERT OR IGNORE INTO assignees(thread, email) VALUES(?, ?)");
  for (const auto& email : t.assignees) assign.bind(1, t.id).bind(2, email).run();
  cached("INSERT INTO thread_text(rowid, body, replies) VALUES(?,?,?)")
      .bind(1, *rowid).bind(2, t.body).bind(3, replies).run();
}

std::vector<Thread> Index::list(const ThreadFilter& filter) {
  std::string query = "SELECT data FROM threads WHERE deleted = 0";
  std::vector<std::string> binds;
  if (filter.kind) {
    query += " AND kind = ?";
    binds.emplace_back(toString(*filter.kind));
  } else {
    query += " AND kind != 'walkthrough'";  // no lines of its own: only when asked for
  }
  if (filter.state) {
    query += " AND state = ?";
    binds.emplace_back(toString(*filter.state));
  }
  if (filter.assignee) {
    query += " AND id IN (SELECT thread FROM assignees WHERE email = ?)";
    binds.push_back(*filter.assignee);
  }
  query += " ORDER BY created_at, id";
  sql::Statement s(*db_, query);
  for (size_t i = 0; i < binds.size(); ++i) s.bind(static_cast<int>(i + 1), binds[i]);
  std::vector<Thread> out;
  while (s.step()) out.push_back(threadFromJson(json::parse(s.text(0))));
  return out;
}

std::optional<Thread> Index::get(std::string_view id) {
  sql::Statement s(*db_, "SELECT data FROM threads WHERE id = ? AND deleted = 0");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return threadFromJson(json::parse(s.text(0)));
}

std::string Index::resolve(std::string_view prefix) {
  std::string p(prefix);
  bool hex = !p.empty() && std::all_of(p.begin(), p.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
  if (!hex || p.size() > 32) throw StoreError("not a thread id: \"" + p + "\"");
  if (p.size() < 4) throw StoreError("id prefix \"" + p + "\" is too short (use at least 4 characters)");
  // Range scan on the primary key: ids with this prefix sort between p and p + "g".
  sql::Statement s(*db_, "SELECT id FROM threads WHERE id >= ? AND id < ? AND deleted = 0 ORDER BY id LIMIT 3");
  s.bind(1, p).bind(2, p + "g");
  std::vector<std::string> ids;
  while (s.step()) ids.push_back(s.text(0));
  if (ids.empty()) throw StoreError("unknown id " + p);
  if (ids.size() > 1) {
    std::string list = ids[0].substr(0, 12) + ", " + ids[1].substr(0, 12) + (ids.size() > 2 ? ", ..." : "");
    throw StoreError("ambiguous id prefix " + p + " (" + list + ")");
  }
  return ids[0];
}

std::vector<CachedLocation> Index::cachedLocations(std::string_view thread, std::string_view anchor) {
  auto& s = cached("SELECT commit_id, path, start_line, end_line, status, confidence, how FROM locations "
                   "WHERE thread = ? AND anchor = ?");
  s.bind(1, thread).bind(2, anchor);
  std::vector<CachedLocation> out;
  while (s.step())
    out.push_back({std::string(anchor), s.text(0), s.text(1), static_cast<uint32_t>(s.integer(2)), static_cast<uint32_t>(s.integer(3)),
                   s.text(4), s.real(5), s.text(6)});
  s.reset();
  return out;
}

std::vector<std::pair<std::string, CachedLocation>> Index::cachedLocationsAt(std::string_view commit) {
  auto& s = cached("SELECT thread, anchor, path, start_line, end_line, status, confidence, how FROM locations "
                   "WHERE commit_id = ?");
  s.bind(1, commit);
  std::vector<std::pair<std::string, CachedLocation>> out;
  while (s.step())
    out.emplace_back(s.text(0), CachedLocation{s.text(1), std::string(commit), s.text(2),
                                               static_cast<uint32_t>(s.integer(3)), static_cast<uint32_t>(s.integer(4)),
                                               s.text(5), s.real(6), s.text(7)});
  s.reset();
  return out;
}

void Index::cacheLocations(const std::vector<std::pair<std::string, CachedLocation>>& threadLocations) {
  sql::Transaction tx(*db_);
  auto& insert = cached("INSERT OR REPLACE INTO locations(thread, anchor, commit_id, path, start_line, end_line, "
                        "status, confidence, how) VALUES(?,?,?,?,?,?,?,?,?)");
  // Only for threads still there (another process may have deleted one).
  auto& exists = cached("SELECT 1 FROM threads WHERE id = ?");
  for (const auto& [thread, l] : threadLocations) {
    exists.bind(1, thread);
    bool there = exists.step();
    exists.reset();
    if (!there) continue;
    insert.bind(1, thread).bind(2, l.anchor).bind(3, l.commit).bind(4, l.path).bind(5, int64_t{l.startLine})
        .bind(6, int64_t{l.endLine}).bind(7, l.status).bind(8, l.confidence).bind(9, l.how)
        .run();
  }
  tx.commit();
}

namespace {

// The words of free text worth matching on: letters and digits (any UTF-8
// byte above ASCII counts as a letter), three or more, not a stop word.
std::vector<std::string> significantWords(std::string_view text) {
  static const std::set<std::string> kStop = {
      "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "has", "had", "her", "was", "one",
      "our", "out", "why", "how", "what", "when", "where", "who", "which", "this", "that", "with", "from",
      "does", "did", "doe", "is", "it", "its", "into", "than", "then", "them", "they", "there", "here", "have",
      "will", "would", "should", "could", "about", "ever", "every", "some", "such", "only", "also", "been"};
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    if (word.size() >= 3 && !kStop.count(word) && words.size() < 32 &&
        std::find(words.begin(), words.end(), word) == words.end())
      words.push_back(word);
    word.clear();
  };
  for (unsigned char c : text) {
    if (std::isalnum(c) || c >= 0x80) word += static_cast<char>(std::tolower(c));
    else flush();
  }
  flush();
  return words;
}

}  // namespace

// Rows of (thread data, bm25, snippet).
static std::vector<SearchHit> readHits(sql::Statement& s) {
  std::vector<SearchHit> out;
  while (s.step()) {
    SearchHit hit;
    hit.thread = threadFromJson(json::parse(s.text(0)));
    hit.score = s.real(1);
    hit.snippet = s.text(2);
    out.push_back(std::move(hit));
  }
  return out;
}

std::vector<SearchHit> Index::similarAnswered(std::string_view text, size_t limit) {
  std::string match;
  for (const auto& w : significantWords(text)) match += (match.empty() ? "\"" : " OR \"") + w + "\"";
  if (match.empty()) return {};
  sql::Statement s(*db_,
                   "SELECT t.data, bm25(thread_text), snippet(thread_text, -1, '[', ']', '...', 12) "
                   "FROM thread_text JOIN threads t ON t.rowid = thread_text.rowid "
                   "WHERE thread_text MATCH ? AND t.deleted = 0 AND t.kind = 'question' AND t.state != 'open' "
                   "ORDER BY bm25(thread_text), t.id LIMIT ?");
  s.bind(1, match).bind(2, static_cast<int64_t>(limit));
  return readHits(s);
}

std::vector<SearchHit> Index::search(std::string_view query, size_t limit) {
  // Each word is quoted, so user text is never FTS5 syntax.
  std::string match;
  std::string word;
  auto flush = [&] {
    if (word.empty()) return;
    std::string quoted = "\"";
    for (char c : word) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    match += (match.empty() ? "" : " ") + quoted + "\"";
    word.clear();
  };
  for (char c : query) {
    if (c == ' ' || c == '\t' || c == '\n') flush();
    else word += c;
  }
  flush();
  if (match.empty()) return {};
  sql::Statement s(*db_,
                   "SELECT t.data, bm25(thread_text), snippet(thread_text, -1, '[', ']', '...', 12) "
                   "FROM thread_text JOIN threads t ON t.rowid = thread_text.rowid "
                   "WHERE thread_text MATCH ? AND t.deleted = 0 AND t.kind != 'walkthrough' "
                   "ORDER BY bm25(thread_text), t.id LIMIT ?");
  s.bind(1, match).bind(2, static_cast<int64_t>(limit));
  return readHits(s);
}

}  // namespace tacit::store
