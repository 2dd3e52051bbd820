// Index: the SQLite index over real event logs in a real repository. Every
// way of building it — in one refresh or many, from memory or read back
// from git — must give the same threads.
#include "server/store/index.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "server/store/event_log.h"
#include "server/store/sqlite.h"
#include "tests/unit/temp_repo.h"

namespace {

using namespace tacit::store;
using tacit::test::TempRepo;

const Author kCommitter{"Tacit Test", "tacit@example.com"};

// A team's worth of activity: `replicas` replicas each appending `commits`
// commits; each event creates a thread or replies, answers, acks, edits,
// resolves or deletes one of any replica's threads made so far.
class Activity {
 public:
  Activity(EventLog& log, int replicas) : log_(log) {
    for (int r = 0; r < replicas; ++r) replicas_.push_back(newId());
  }

  void commit(int replica, int events) {
    log_.append(
        replicas_[replica],
        [&](uint64_t tip) {
          std::vector<Event> out;
          uint64_t lamport = std::max(tip, clock_);
          for (int i = 0; i < events; ++i) out.push_back(next(replica, ++lamport));
          clock_ = lamport;
          return out;
        },
        "test", kCommitter);
  }

 private:
  Event next(int replica, uint64_t lamport) {
    Event e;
    e.id = newId();
    e.replica = replicas_[replica];
    e.lamport = lamport;
    e.ts = 1'790'000'000'000 + static_cast<int64_t>(lamport) * 1000;
    e.author = {"Member " + std::to_string(replica), "m" + std::to_string(replica) + "@example.com"};
    const int pick = static_cast<int>(rng_() % 10);
    if (threads_.empty() || pick < 3) {
      e.type = EventType::Created;
      e.thread = e.id;
      Anchor anchor{"src/f" + std::to_string(lamport % 7) + ".cpp", std::string(40, 'a'), std::string(40, 'b'),
                    1, 2, "line one\nline two\n", "", ""};
      e.payload = {{"kind", pick == 0 ? "question" : "note"},
                   {"body", "thread " + std::to_string(lamport) + " about caching"},
                   {"private", false},
                   {"assignees", json::array({"owner@example.com"})},
                   {"anchor", toJson(anchor)},
                   {"context", json::object()}};
      threads_.push_back(e.id);
      return e;
    }
    e.thread = threads_[rng_() % threads_.size()];
    switch (pick) {
      case 3: e.type = EventType::Reply; e.payload = {{"body", "reply " + std::to_string(lamport)}}; break;
      case 4: e.type = EventType::Answer; e.payload = {{"body", "answer " + std::to_string(lamport)}}; break;
      case 5: e.type = EventType::Reaction; e.payload = {{"reaction", "ack"}}; break;
      case 6: e.type = EventType::Edit; e.payload = {{"body", "edited at " + std::to_string(lamport)}}; break;
      case 7: e.type = EventType::State; e.payload = {{"state", "resolved"}}; break;
      case 8: e.type = EventType::Tombstone; e.payload = json::object(); break;
      default: e.type = EventType::State; e.payload = {{"state", "open"}}; break;
    }
    return e;
  }

  EventLog& log_;
  std::vector<std::string> replicas_;
  std::vector<std::string> threads_;
  uint64_t clock_ = 0;
  std::mt19937 rng_{7};
};

std::string journalMode(const std::string& path) {
  sql::Database db(path, 1000);
  sql::Statement mode(db, "PRAGMA journal_mode");
  REQUIRE(mode.step());
  return mode.text(0);
}

std::vector<Thread> indexed(const TempRepo& repo, const EventLog& log, const std::string& name, size_t budget) {
  Index index((repo.gitDir() / name).string(), budget);
  index.refresh(log, "shared", [](const std::string& w) { FAIL("unexpected warning: " << w); });
  return index.list({});
}

TEST_CASE("the index gives the same threads however it is built", "[store][index]") {
  TempRepo repo;
  EventLog log(repo.get());
  Activity team(log, 3);

  // Refreshed after every round of commits: threads fold from memory while
  // new, and from git once they have events in the table.
  Index incremental((repo.gitDir() / "incremental.sqlite").string());
  auto noWarning = [](const std::string& w) { FAIL("unexpected warning: " << w); };
  for (int round = 0; round < 8; ++round) {
    for (int r = 0; r < 3; ++r) team.commit(r, 40);
    incremental.refresh(log, "shared", noWarning);
  }
  const std::vector<Thread> expected = incremental.list({});
  REQUIRE(expected.size() > 50);

  // In one refresh, every thread folded from memory.
  CHECK(indexed(repo, log, "memory.sqlite", kDefaultFreshBudgetBytes) == expected);
  // In one refresh with no memory to spare: every thread read back from git.
  CHECK(indexed(repo, log, "spilled.sqlite", 0) == expected);
  // Spilling now and then, part from memory and part from git.
  CHECK(indexed(repo, log, "partly.sqlite", 8 * 1024) == expected);
  // As a first build: written once with a rollback journal, then in WAL
  // mode for everyone after.
  const std::string built = (repo.gitDir() / "built.sqlite").string();
  {
    Index index(built, kDefaultFreshBudgetBytes, [&](Index& i) { i.refresh(log, "shared", noWarning); });
    CHECK(index.list({}) == expected);
  }
  CHECK(journalMode(built) == "wal");
  // Opened again it is current: nothing is built twice.
  Index again(built, kDefaultFreshBudgetBytes, [](Index&) { FAIL("built again"); });
  CHECK(again.list({}) == expected);
}

}  // namespace

namespace {

TEST_CASE("a failure while reading on the second thread leaves the index as it was", "[store][index]") {
  TempRepo repo;
  EventLog log(repo.get());
  Activity team(log, 2);
  for (int round = 0; round < 4; ++round)
    for (int r = 0; r < 2; ++r) team.commit(r, 300);
  auto noWarning = [](const std::string& w) { FAIL("unexpected warning: " << w); };

  // One event blob goes missing from the object database (loose objects:
  // written by libgit2, never packed).
  const std::string tip = log.refs().front().commit;
  std::string blob;
  log.readAdded("", tip, [&](EventLog::RawEvent raw) { if (blob.empty()) blob = raw.blob; },
                [](std::string, std::string) {});
  REQUIRE(blob.size() == 40);
  const auto object = repo.gitDir() / "objects" / blob.substr(0, 2) / blob.substr(2);
  const auto kept = repo.gitDir() / "kept-object";
  std::filesystem::rename(object, kept);

  const std::string path = (repo.gitDir() / "index.sqlite").string();
  {
    Index index(path);
    CHECK_THROWS_AS(index.refresh(log, "shared", noWarning), StoreError);
    CHECK(index.list({}).empty());  // the transaction was rolled back
  }
  // The same failure in a first build: the open fails, and leaves a valid,
  // empty index in WAL mode, which the next open finds current.
  const std::string firstBuild = (repo.gitDir() / "first-build.sqlite").string();
  auto build = [&](Index& index) { index.refresh(log, "shared", noWarning); };
  CHECK_THROWS_AS(Index(firstBuild, kDefaultFreshBudgetBytes, build), StoreError);
  CHECK(journalMode(firstBuild) == "wal");
  {
    Index index(firstBuild, kDefaultFreshBudgetBytes, [](Index&) { FAIL("built again"); });
    CHECK(index.list({}).empty());
  }
  // With the object back, the same index files are built whole.
  std::filesystem::rename(kept, object);
  const auto reference = indexed(repo, log, "reference.sqlite", 0);
  for (const std::string& file : {path, firstBuild}) {
    Index index(file);
    const auto stats = index.refresh(log, "shared", noWarning);
    CHECK(stats.events == 2400);
    CHECK(index.list({}) == reference);
  }
}

}  // namespace
