// Locations: threads located through a real repository's history with the
// index's cache — answers reused per commit, later commits reached from the
// nearest cached one, and nothing reused across a re-anchor.
#include "server/store/locations.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <string>

#include "server/store/personal.h"
#include "server/store/store.h"
#include "tests/unit/temp_repo.h"

namespace {

using namespace tacit::store;
namespace anchor = tacit::anchor;

using Repo = tacit::test::GitRepo;

std::string numbered(int from, int to) {
  std::string out;
  for (int i = from; i <= to; ++i) out += "int value_" + std::to_string(i) + " = compute(" + std::to_string(i) + ");\n";
  return out;
}

// a.cpp of 40 lines committed, and a note on its lines 10-12.
struct NoteOnTen {
  explicit NoteOnTen(Repo& repo) {
    repo.write("a.cpp", numbered(1, 40));
    commit = repo.commit("one");
    store = Store::open(repo.dir());
    Store::NewThread t;
    t.body = "about ten";
    t.anchor = fromRecorded(*anchor::record("a.cpp", commit, numbered(1, 40), 10, 12));
    const std::string id = store->createThread(t);
    store->refresh();
    thread = *store->index().get(id);
  }
  std::unique_ptr<Store> store;
  std::string commit;
  Thread thread;
};

TEST_CASE("locations are cached per commit and reached forward from the nearest one", "[store][locations]") {
  Repo repo;
  NoteOnTen note(repo);
  Store& s = *note.store;
  const std::string& c1 = note.commit;
  const Thread& thread = note.thread;

  anchor::Location first;
  {
    Locations locations(s);
    first = locations.atCommit(thread, c1);
    CHECK(first.status == anchor::Status::Exact);
    CHECK(first.startLine == 10);
  }
  // Three lines above, then two more: each commit moves forward from the last.
  repo.write("a.cpp", "// a\n// b\n// c\n" + numbered(1, 40));
  const std::string c2 = repo.commit("two");
  repo.write("a.cpp", "// a\n// b\n// c\n// d\n// e\n" + numbered(1, 40));
  const std::string c3 = repo.commit("three");
  anchor::Location at2, at3;
  {
    Locations locations(s);
    at2 = locations.atCommit(thread, c2);
    at3 = locations.atCommit(thread, c3);
  }
  CHECK(at2.startLine == 13);
  CHECK(at2.how.find("(from " + c1.substr(0, 12) + ")") != std::string::npos);
  CHECK(at3.startLine == 15);
  CHECK(at3.status == anchor::Status::Exact);
  CHECK(at3.how.find("(from " + c2.substr(0, 12) + ")") != std::string::npos);
  {
    Locations locations(s);  // a new reader gets the cached answers
    CHECK(locations.atCommit(thread, c3) == at3);
    CHECK(locations.atCommit(thread, c1) == first);
  }

  // Re-anchored by hand: no answer about the old anchor is reused.
  auto moved = anchor::record("a.cpp", c3, "// a\n// b\n// c\n// d\n// e\n" + numbered(1, 40), 30, 30);
  s.addEvent(thread.id, EventType::Reanchor, {{"anchor", toJson(fromRecorded(*moved))}});
  s.refresh();
  const Thread after = *s.index().get(thread.id);
  Locations locations(s);
  anchor::Location now = locations.atCommit(after, c3);
  CHECK(now.startLine == 30);
  CHECK(now.endLine == 30);
  CHECK(now.status == anchor::Status::Exact);
}

TEST_CASE("a thread deleted from the code is orphaned where it was last seen", "[store][locations]") {
  Repo repo;
  NoteOnTen note(repo);
  Store& s = *note.store;
  const Thread& thread = note.thread;

  repo.write("a.cpp", numbered(1, 5) + "// moved down\n" + numbered(6, 40));  // lines 10-12 now at 11-13
  const std::string c2 = repo.commit("two");
  repo.write("a.cpp", numbered(1, 5) + "// moved down\n" + numbered(6, 9) + numbered(13, 40));
  const std::string c3 = repo.commit("three");
  Locations locations(s);
  CHECK(locations.atCommit(thread, c2).startLine == 11);
  anchor::Location gone = locations.atCommit(thread, c3);
  CHECK(gone.status == anchor::Status::Orphaned);
  CHECK(gone.startLine == 11);  // last seen at c2, not where it was made
  CHECK(gone.confidence < anchor::kFoundThreshold);
}

// Ground truth: a.cpp gains two lines at the top (10-12 → 12-14, 30-31 → 32-33, Exact);
// b.cpp loses its lines 20-22 (→ Orphaned) and keeps 5-6 (Exact).
TEST_CASE("threads never located are prepared at once, with the answers atCommit gives", "[store][locations]") {
  Repo repo;
  repo.write("a.cpp", numbered(1, 40));
  repo.write("b.cpp", numbered(101, 130));
  const std::string c1 = repo.commit("one");
  auto s = Store::open(repo.dir());
  std::vector<std::string> ids;
  const std::pair<const char*, std::pair<uint32_t, uint32_t>> places[] = {
      {"a.cpp", {10, 12}}, {"b.cpp", {5, 6}}, {"a.cpp", {30, 31}}, {"b.cpp", {20, 22}}};
  for (const auto& [path, lines] : places) {
    Store::NewThread t;
    t.body = "about " + std::string(path);
    const std::string content = std::string(path) == "a.cpp" ? numbered(1, 40) : numbered(101, 130);
    t.anchor = fromRecorded(*anchor::record(path, c1, content, lines.first, lines.second));
    ids.push_back(s->createThread(t));
  }
  repo.write("a.cpp", "// one\n// two\n" + numbered(1, 40));
  repo.write("b.cpp", numbered(101, 119) + numbered(123, 130));
  const std::string c2 = repo.commit("two");
  s->refresh();
  std::vector<Thread> threads;
  for (const auto& id : ids) threads.push_back(*s->index().get(id));

  // What the anchor engine says of each, one by one.
  std::vector<anchor::Location> expected;
  for (const auto& t : threads) expected.push_back(anchor::Locator(s->repository()).locate(toRecorded(t.anchor), c2));
  CHECK(expected[0].startLine == 12);
  CHECK(expected[0].status == anchor::Status::Exact);
  CHECK(expected[1].startLine == 5);
  CHECK(expected[2].startLine == 32);
  CHECK(expected[3].status == anchor::Status::Orphaned);

  {
    Locations locations(*s);
    locations.prepare(threads, c2);
    // Asked about right after: answered from what prepare found.
    for (size_t i = 0; i < 2; ++i) {
      INFO("thread " << i);
      CHECK(locations.atCommit(threads[i], c2) == expected[i]);
    }
  }
  // The two never asked about were located and cached too.
  CHECK(s->index().cachedLocationsAt(c2).size() == threads.size());
  Locations locations(*s);
  for (size_t i = 0; i < threads.size(); ++i) {
    INFO("thread " << i);
    CHECK(locations.atCommit(threads[i], c2) == expected[i]);
  }
}

}  // namespace

TEST_CASE("the refs watcher tells another process's writes from our own", "[store]") {
  Repo repo;
  NoteOnTen note(repo);  // one write of ours already
  Store& s = *note.store;
  const auto start = s.refsFingerprint();

  // Our own writes, shared and private (a reminder): no news.
  Store::NewThread t;
  t.body = "another";
  t.anchor = note.thread.anchor;
  s.createThread(t);
  Reminder r;
  r.text = "look again";
  r.thread = note.thread.id;
  r.dueAt = 1;
  addReminder(s, r);
  const auto ours = s.refsFingerprint();
  CHECK(ours != start);
  CHECK_FALSE(s.changedByOthers(start, ours));

  // Another process (the real git) moves a ref: news, also when our own
  // write follows it before the watcher looks.
  const std::string replica = "refs/tacit/v1/replicas/" + s.replica();
  std::string head = repo.output("rev-parse " + replica);
  head.erase(head.find_last_not_of("\n") + 1);
  repo.git("update-ref " + replica + " " + head + "~1");
  const auto theirs = s.refsFingerprint();
  CHECK(s.changedByOthers(ours, theirs));
  s.createThread(t);
  CHECK(s.changedByOthers(ours, s.refsFingerprint()));

  // A ref deleted, or created, by someone else: news.
  repo.git("--git-dir=.git/tacit/private.git update-ref -d " + std::string(kPersonalRef));
  CHECK(s.changedByOthers(ours, s.refsFingerprint()));
  repo.git("update-ref refs/tacit/v1/replicas/00000000000000000000000000000001 " + head);
  const auto created = s.refsFingerprint();
  CHECK(s.changedByOthers(ours, created));
  CHECK_FALSE(s.changedByOthers(created, created));
}
