// The fold of a thread's events: every rule, and the same state from any
// arrival order.
#include "server/store/thread.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace {

using tacit::store::Anchor;
using tacit::store::Author;
using tacit::store::decodeEvent;
using tacit::store::encodeEvent;
using tacit::store::Event;
using tacit::store::EventType;
using tacit::store::foldThread;
using tacit::store::json;
using tacit::store::Thread;
using tacit::store::ThreadKind;
using tacit::store::ThreadState;

const std::string kReplicaA(32, 'a');
const std::string kReplicaB(32, 'b');
const std::string kReplicaC(32, 'c');
const Author kAda{"Ada", "ada@example.com"};
const Author kBob{"Bob", "bob@example.com"};
const Author kCy{"Cy", "cy@example.org"};
constexpr int64_t kT0 = 1795813200000;

// Readable, valid ids: 1 -> "000...001".
std::string idOf(unsigned n) {
  char out[33];
  std::snprintf(out, sizeof out, "%032x", n);
  return out;
}

const std::string kThread = idOf(1);

Anchor anchorAt(uint32_t line) {
  Anchor a;
  a.path = "src/lib.cpp";
  a.commit = std::string(40, '1');
  a.blob = std::string(40, '2');
  a.startLine = line;
  a.endLine = line + 1;
  a.text = "x\ny\n";
  return a;
}

// Events of one thread; each gets a fresh id unless one is given.
class Events {
 public:
  explicit Events(std::string thread = kThread) : thread_(std::move(thread)) {}

  Event created(ThreadKind kind, uint64_t lamport = 1, const std::string& replica = kReplicaA) {
    return make(EventType::Created, lamport, replica, kAda,
                json{{"kind", std::string(toString(kind))},
                     {"body", "original"},
                     {"private", false},
                     {"assignees", json::array({"bob@example.com"})},
                     {"anchor", toJson(anchorAt(10))},
                     {"context", json{{"branch", "main"}}}},
                thread_);
  }
  Event reply(uint64_t lamport, const std::string& replica, const std::string& body,
              const Author& author = kBob) {
    return make(EventType::Reply, lamport, replica, author, json{{"body", body}});
  }
  Event answer(uint64_t lamport, const std::string& replica, const std::string& body,
               const Author& author = kBob) {
    return make(EventType::Answer, lamport, replica, author, json{{"body", body}});
  }
  Event edit(uint64_t lamport, const std::string& replica, const std::string& body,
             const std::string& target = {}) {
    json payload{{"body", body}};
    if (!target.empty()) payload["target"] = target;
    return make(EventType::Edit, lamport, replica, kAda, payload);
  }
  Event state(uint64_t lamport, const std::string& replica, const std::string& state) {
    return make(EventType::State, lamport, replica, kAda, json{{"state", state}});
  }
  Event reaction(uint64_t lamport, const std::string& replica, const std::string& reaction,
                 const Author& author) {
    return make(EventType::Reaction, lamport, replica, author, json{{"reaction", reaction}});
  }
  Event assign(uint64_t lamport, const std::string& replica, std::vector<std::string> emails) {
    return make(EventType::Assign, lamport, replica, kAda, json{{"assignees", emails}});
  }
  Event reanchor(uint64_t lamport, const std::string& replica, uint32_t line) {
    return make(EventType::Reanchor, lamport, replica, kAda,
                json{{"anchor", toJson(anchorAt(line))}});
  }
  // A walkthrough: no anchor, nobody assigned.
  Event walkthrough(uint64_t lamport = 1, const std::string& replica = kReplicaA) {
    return make(EventType::Created, lamport, replica, kAda,
                json{{"kind", "walkthrough"},
                     {"body", "How it works"},
                     {"private", false},
                     {"assignees", json::array()},
                     {"context", json::object()}},
                thread_);
  }
  Event chapters(uint64_t lamport, const std::string& replica, std::vector<std::string> ids) {
    return make(EventType::Chapters, lamport, replica, kAda, json{{"chapters", ids}});
  }
  Event tombstone(uint64_t lamport, const std::string& replica, const std::string& target = {}) {
    json payload = json::object();
    if (!target.empty()) payload["target"] = target;
    return make(EventType::Tombstone, lamport, replica, kAda, payload);
  }

 private:
  Event make(EventType type, uint64_t lamport, const std::string& replica, const Author& author,
             json payload, const std::string& id = {}) {
    Event e;
    e.id = id.empty() ? idOf(nextId_++) : id;
    e.type = type;
    e.thread = thread_;
    e.replica = replica;
    e.lamport = lamport;
    e.ts = kT0 + static_cast<int64_t>(lamport) * 1000;
    e.author = author;
    e.payload = std::move(payload);
    // The fold is tested on events the codec accepts.
    REQUIRE(validateEvent(e).value_or("valid") == "valid");
    return e;
  }

  std::string thread_;
  // Shared by every Events, so two threads' events never share an id by accident.
  static inline unsigned nextId_ = 0x100;
};

Thread fold(std::vector<Event> events) {
  auto thread = foldThread(std::move(events));
  REQUIRE(thread);
  return *thread;
}

}  // namespace

TEST_CASE("a thread needs its created event", "[store]") {
  Events ev;
  CHECK_FALSE(foldThread({}));
  CHECK_FALSE(foldThread({ev.reply(2, kReplicaA, "early"), ev.state(3, kReplicaB, "resolved")}));
  CHECK(foldThread({ev.reply(2, kReplicaA, "early"), ev.created(ThreadKind::Note)}));
}

TEST_CASE("the created event sets up the thread", "[store]") {
  Events ev;
  const Event created = ev.created(ThreadKind::Question, 4);
  const Thread t = fold({created});
  CHECK(t.id == kThread);
  CHECK(t.kind == ThreadKind::Question);
  CHECK(t.state == ThreadState::Open);
  CHECK_FALSE(t.isPrivate);
  CHECK(t.body == "original");
  CHECK(t.author == kAda);
  CHECK(t.assignees == std::vector<std::string>{"bob@example.com"});
  CHECK(t.createdAt == created.ts);
  CHECK(t.updatedAt == created.ts);
  CHECK(t.anchor == anchorAt(10));
  CHECK(t.context == json{{"branch", "main"}});
  CHECK(t.replies.empty());
  CHECK(t.acks.empty());
  CHECK(t.plusOnes.empty());
  CHECK_FALSE(t.deleted);
  CHECK(t.maxLamport == 4);
  CHECK(t.eventCount == 1);

  Event secret = ev.created(ThreadKind::Lesson);
  secret.payload["private"] = true;
  const Thread p = fold({secret});
  CHECK(p.isPrivate);
  CHECK(p.kind == ThreadKind::Lesson);
}

TEST_CASE("replies grow in fold order and bookkeeping follows every event", "[store]") {
  Events ev;
  const Event r1 = ev.reply(3, kReplicaB, "second");
  const Event r2 = ev.reply(2, kReplicaC, "first", kCy);
  const Event r3 = ev.reply(3, kReplicaA, "between");  // same lamport, smaller replica
  const Thread t = fold({r1, ev.created(ThreadKind::Note), r2, r3});
  REQUIRE(t.replies.size() == 3);
  CHECK(t.replies[0].body == "first");
  CHECK(t.replies[0].author == kCy);
  CHECK(t.replies[0].createdAt == r2.ts);
  CHECK(t.replies[0].editedAt == 0);
  CHECK_FALSE(t.replies[0].isAnswer);
  CHECK(t.replies[1].body == "between");
  CHECK(t.replies[2].body == "second");
  CHECK(t.replies[2].id == r1.id);
  CHECK(t.maxLamport == 3);
  CHECK(t.updatedAt == kT0 + 3000);
  CHECK(t.eventCount == 4);
}

TEST_CASE("updatedAt is the latest ts, whatever the order", "[store]") {
  Events ev;
  Event late = ev.reply(2, kReplicaA, "written with a fast clock");
  late.ts = kT0 + 999999;
  const Event later = ev.reply(5, kReplicaB, "later in fold order");
  const Thread t = fold({ev.created(ThreadKind::Note), late, later});
  CHECK(t.updatedAt == kT0 + 999999);
  CHECK(t.maxLamport == 5);
}

TEST_CASE("body edits are last-writer-wins in fold order, not by ts", "[store]") {
  Events ev;
  Event v2 = ev.edit(3, kReplicaB, "v2");
  Event v3 = ev.edit(5, kReplicaA, "v3");
  v3.ts = kT0;  // an older wall clock does not matter
  CHECK(fold({v3, ev.created(ThreadKind::Note), v2}).body == "v3");

  // Equal lamports: the larger replica id sorts later and wins.
  const Event fromA = ev.edit(4, kReplicaA, "from A");
  const Event fromB = ev.edit(4, kReplicaB, "from B");
  CHECK(fold({ev.created(ThreadKind::Note), fromB, fromA}).body == "from B");
  CHECK(fold({ev.created(ThreadKind::Note), fromA, fromB}).body == "from B");
}

TEST_CASE("edits with a target edit that reply", "[store]") {
  Events ev;
  const Event reply = ev.reply(2, kReplicaB, "typo");
  const Event fix = ev.edit(3, kReplicaC, "fixed", reply.id);  // anyone may edit
  const Event fixAgain = ev.edit(6, kReplicaA, "fixed again", reply.id);
  const Event stray = ev.edit(4, kReplicaA, "nobody", idOf(0xdead));
  const Thread t = fold({fixAgain, stray, ev.created(ThreadKind::Note), fix, reply});
  REQUIRE(t.replies.size() == 1);
  CHECK(t.replies[0].body == "fixed again");
  CHECK(t.replies[0].editedAt == fixAgain.ts);
  CHECK(t.replies[0].createdAt == reply.ts);
  CHECK(t.body == "original");  // untouched by reply edits
  CHECK(t.eventCount == 5);     // the stray edit is folded, as a no-op
}

TEST_CASE("questions: answer, resolve and reopen", "[store]") {
  Events ev;
  const Event created = ev.created(ThreadKind::Question);
  std::vector<Event> events{created};
  const auto stateAfter = [&](const Event& e) {
    events.push_back(e);
    return fold(events).state;
  };
  CHECK(fold(events).state == ThreadState::Open);
  CHECK(stateAfter(ev.reply(2, kReplicaB, "a reply is not an answer")) == ThreadState::Open);
  CHECK(stateAfter(ev.answer(3, kReplicaB, "42")) == ThreadState::Answered);
  CHECK(stateAfter(ev.answer(4, kReplicaC, "43")) == ThreadState::Answered);
  CHECK(stateAfter(ev.state(5, kReplicaA, "resolved")) == ThreadState::Resolved);
  CHECK(stateAfter(ev.answer(6, kReplicaB, "late answer")) == ThreadState::Resolved);
  CHECK(stateAfter(ev.state(7, kReplicaA, "open")) == ThreadState::Open);  // answers present
  CHECK(stateAfter(ev.answer(8, kReplicaB, "try this")) == ThreadState::Answered);
  CHECK(stateAfter(ev.state(9, kReplicaB, "open")) == ThreadState::Open);
  CHECK(stateAfter(ev.state(10, kReplicaC, "resolved")) == ThreadState::Resolved);

  const Thread t = fold(events);
  REQUIRE(t.replies.size() == 5);
  CHECK_FALSE(t.replies[0].isAnswer);
  CHECK(t.replies[1].isAnswer);
  CHECK(t.replies[4].body == "try this");

  // A question resolved without any answer.
  CHECK(fold({created, ev.state(2, kReplicaA, "resolved")}).state == ThreadState::Resolved);
  // Concurrent resolve and reopen: fold order decides, the same everywhere.
  const Event resolveOnB = ev.state(4, kReplicaB, "resolved");
  const Event reopenOnA = ev.state(4, kReplicaA, "open");
  CHECK(fold({created, resolveOnB, reopenOnA}).state == ThreadState::Resolved);
  CHECK(fold({reopenOnA, resolveOnB, created}).state == ThreadState::Resolved);
}

TEST_CASE("notes and lessons are never Answered", "[store]") {
  for (ThreadKind kind : {ThreadKind::Note, ThreadKind::Lesson}) {
    Events ev;
    std::vector<Event> events{ev.created(kind), ev.answer(2, kReplicaB, "an answer anyway")};
    Thread t = fold(events);
    CHECK(t.state == ThreadState::Open);
    REQUIRE(t.replies.size() == 1);
    events.push_back(ev.state(3, kReplicaA, "resolved"));
    CHECK(fold(events).state == ThreadState::Resolved);
    events.push_back(ev.state(4, kReplicaA, "open"));
    CHECK(fold(events).state == ThreadState::Open);
  }
}

TEST_CASE("acks and +1s count once per author", "[store]") {
  Events ev;
  const Event adaFirst = ev.reaction(2, kReplicaA, "ack", kAda);
  const Event bob = ev.reaction(3, kReplicaB, "ack", kBob);
  const Event adaAgain = ev.reaction(4, kReplicaC, "ack", Author{"Ada L.", "ada@example.com"});
  const Event plusBob = ev.reaction(5, kReplicaB, "+1", kBob);
  const Event plusBobAgain = ev.reaction(6, kReplicaA, "+1", kBob);
  const Event plusCy = ev.reaction(7, kReplicaC, "+1", kCy);
  const Thread t =
      fold({plusCy, adaAgain, ev.created(ThreadKind::Note), plusBobAgain, bob, plusBob, adaFirst});
  REQUIRE(t.acks.size() == 2);
  CHECK(t.acks[0].author == kAda);  // the first ack, with its name and time
  CHECK(t.acks[0].at == adaFirst.ts);
  CHECK(t.acks[1].author == kBob);
  CHECK(t.plusOnes == std::vector<std::string>{"bob@example.com", "cy@example.org"});
  CHECK(t.eventCount == 7);
}

TEST_CASE("assignees and anchor are last-writer-wins", "[store]") {
  Events ev;
  const Thread t = fold({ev.assign(5, kReplicaB, {"cy@example.org"}),
                         ev.created(ThreadKind::Question), ev.reanchor(3, kReplicaA, 40),
                         ev.assign(2, kReplicaA, {"ada@example.com", "bob@example.com"}),
                         ev.reanchor(6, kReplicaC, 70), ev.reanchor(6, kReplicaB, 55)});
  CHECK(t.assignees == std::vector<std::string>{"cy@example.org"});
  CHECK(t.anchor == anchorAt(70));

  const Thread cleared = fold({ev.created(ThreadKind::Question), ev.assign(2, kReplicaA, {})});
  CHECK(cleared.assignees.empty());
}

TEST_CASE("tombstones hide a reply or the whole thread", "[store]") {
  Events ev;
  const Event created = ev.created(ThreadKind::Question);
  const Event keep = ev.reply(2, kReplicaB, "keep");
  const Event drop = ev.reply(3, kReplicaB, "drop");
  const Event dropIt = ev.tombstone(4, kReplicaA, drop.id);
  const Event editDropped = ev.edit(5, kReplicaC, "edited after deletion", drop.id);

  Thread t = fold({created, keep, drop, dropIt, editDropped});
  REQUIRE(t.replies.size() == 1);
  CHECK(t.replies[0].id == keep.id);
  CHECK_FALSE(t.deleted);
  CHECK(t.eventCount == 5);

  // A tombstone that sorts before its reply (a lagging clock) still hides it.
  const Event earlyTombstone = ev.tombstone(2, kReplicaC, idOf(0xbeef));
  Event lateReply = ev.reply(9, kReplicaB, "hidden");
  lateReply.id = idOf(0xbeef);
  t = fold({created, lateReply, earlyTombstone});
  CHECK(t.replies.empty());

  // A deleted answer does not answer the question.
  const Event answer = ev.answer(2, kReplicaB, "wrong");
  const Event deleteAnswer = ev.tombstone(3, kReplicaB, answer.id);
  CHECK(fold({created, answer, deleteAnswer}).state == ThreadState::Open);
  CHECK(fold({created, answer}).state == ThreadState::Answered);

  // A tombstone for nothing changes nothing but the bookkeeping.
  t = fold({created, keep, ev.tombstone(6, kReplicaA, idOf(0xf00d))});
  CHECK(t.replies.size() == 1);
  CHECK(t.maxLamport == 6);

  // The whole thread.
  t = fold({created, keep, ev.tombstone(7, kReplicaA), ev.reply(8, kReplicaC, "after")});
  CHECK(t.deleted);
  CHECK(t.body == "original");  // still folded: the store decides what to show
  CHECK(t.replies.size() == 2);
}

TEST_CASE("duplicate ids fold once, the same event wherever they arrive", "[store]") {
  Events ev;
  const Event created = ev.created(ThreadKind::Note);
  const Event reply = ev.reply(2, kReplicaB, "once");

  // Exact copies (the same event fetched from two remotes).
  Thread t = fold({created, reply, created, reply, reply});
  CHECK(t.replies.size() == 1);
  CHECK(t.eventCount == 2);

  // Same id, same place in the order, different content: the smaller
  // canonical encoding wins, on every replica.
  Event a = ev.reply(3, kReplicaC, "version a");
  Event b = a;
  b.payload["body"] = "version b";
  b.author = kCy;
  const std::string expected =
      encodeEvent(a) < encodeEvent(b) ? std::string("version a") : std::string("version b");
  const Thread ab = fold({created, a, b});
  const Thread ba = fold({b, created, a});
  REQUIRE(ab.replies.size() == 1);
  CHECK(ab.replies[0].body == expected);
  CHECK(ab == ba);
  CHECK(ab.eventCount == 2);

  // Same id at different places: the first in fold order wins.
  Event early = ev.reply(2, kReplicaB, "early");
  Event late = early;
  late.lamport = 7;
  late.payload["body"] = "late";
  CHECK(fold({created, late, early}).replies.at(0).body == "early");
  CHECK(fold({early, late, created}).replies.at(0).body == "early");
  CHECK(fold({created, late, early}).maxLamport == 2);

  // A created event duplicated with a conflicting body.
  Event created2 = created;
  created2.payload["body"] = "impostor";
  const std::string winner = encodeEvent(created) < encodeEvent(created2) ? std::string("original")
                                                                          : std::string("impostor");
  CHECK(fold({created, created2}).body == winner);
  CHECK(fold({created2, created}).body == winner);
}

TEST_CASE("events of other threads are ignored; early events still count", "[store]") {
  Events ev;
  Events other(idOf(2));
  const Event created = ev.created(ThreadKind::Note, 5);
  const Event lagging = ev.reply(3, kReplicaB, "my clock lagged");  // sorts before created
  const Event laggingEdit = ev.edit(4, kReplicaB, "edited before created");
  const Event foreignReply = other.reply(6, kReplicaB, "wrong thread");
  const Event foreignCreated = other.created(ThreadKind::Lesson, 9);
  const Thread t = fold({foreignReply, created, foreignCreated, lagging, laggingEdit});
  CHECK(t.id == kThread);
  CHECK(t.kind == ThreadKind::Note);
  REQUIRE(t.replies.size() == 1);
  CHECK(t.replies[0].body == "my clock lagged");
  // Created is folded first, so a lagging edit still replaces its body.
  CHECK(t.body == "edited before created");
  CHECK(t.eventCount == 3);
  CHECK(t.maxLamport == 5);
  CHECK(t.updatedAt == created.ts);

  // Given two threads' events, the first created in fold order founds the
  // thread and the other's are ignored: still one answer everywhere.
  const Event earlyForeign = other.created(ThreadKind::Lesson, 1);
  const Thread mixed = fold({created, foreignReply, earlyForeign, lagging});
  CHECK(mixed.id == idOf(2));
  CHECK(mixed.kind == ThreadKind::Lesson);
  REQUIRE(mixed.replies.size() == 1);
  CHECK(mixed.replies[0].body == "wrong thread");
  CHECK(mixed.eventCount == 2);
}

TEST_CASE("the fold is the same for every arrival order", "[store]") {
  Events ev;
  Events other(idOf(2));
  std::vector<Event> events;
  events.push_back(ev.created(ThreadKind::Question, 1, kReplicaA));
  const Event r1 = ev.reply(2, kReplicaB, "r1");
  const Event r2 = ev.answer(3, kReplicaC, "r2", kCy);
  const Event r3 = ev.reply(3, kReplicaB, "r3");
  const Event r4 = ev.answer(9, kReplicaA, "r4", kAda);
  for (const Event& e : {r1, r2, r3, r4}) events.push_back(e);
  events.push_back(ev.edit(4, kReplicaA, "body 1"));
  events.push_back(ev.edit(4, kReplicaC, "body 2"));
  events.push_back(ev.edit(8, kReplicaB, "body 3"));
  events.push_back(ev.edit(5, kReplicaB, "r1 edited", r1.id));
  events.push_back(ev.edit(5, kReplicaC, "r1 edited concurrently", r1.id));
  events.push_back(ev.state(6, kReplicaA, "resolved"));
  events.push_back(ev.state(6, kReplicaB, "open"));
  events.push_back(ev.state(10, kReplicaC, "resolved"));
  events.push_back(ev.state(11, kReplicaA, "open"));
  events.push_back(ev.reaction(4, kReplicaB, "ack", kBob));
  events.push_back(ev.reaction(5, kReplicaC, "ack", kBob));
  events.push_back(ev.reaction(5, kReplicaA, "ack", kAda));
  events.push_back(ev.reaction(6, kReplicaC, "+1", kCy));
  events.push_back(ev.reaction(7, kReplicaA, "+1", kCy));
  events.push_back(ev.assign(7, kReplicaB, {"ada@example.com"}));
  events.push_back(ev.assign(7, kReplicaC, {"cy@example.org", "bob@example.com"}));
  events.push_back(ev.reanchor(8, kReplicaA, 20));
  events.push_back(ev.reanchor(8, kReplicaC, 30));
  events.push_back(ev.tombstone(12, kReplicaB, r3.id));
  events.push_back(ev.tombstone(2, kReplicaC, r4.id));  // sorts before its target
  // Duplicates: exact, and one with conflicting content.
  events.push_back(r1);
  events.push_back(events[0]);
  Event conflicting = r2;
  conflicting.payload["body"] = "r2 rewritten";
  events.push_back(conflicting);
  // Strangers.
  events.push_back(other.created(ThreadKind::Lesson, 2));
  events.push_back(other.reply(3, kReplicaA, "elsewhere"));

  const Thread reference = fold(events);
  // Spot checks, so that "always the same" is not "always the same wrong".
  CHECK(reference.body == "body 3");
  CHECK(reference.state == ThreadState::Open);
  REQUIRE(reference.replies.size() == 2);
  CHECK(reference.replies[0].body == "r1 edited concurrently");
  CHECK(reference.replies[1].id == r2.id);
  CHECK(reference.acks.size() == 2);
  CHECK(reference.plusOnes == std::vector<std::string>{"cy@example.org"});
  CHECK(reference.assignees == std::vector<std::string>{"cy@example.org", "bob@example.com"});
  CHECK(reference.anchor == anchorAt(30));
  CHECK(reference.maxLamport == 12);
  CHECK(reference.eventCount == 25);  // 30 given, minus 3 duplicates, minus 2 strangers

  std::mt19937 rng(7);
  for (int round = 0; round < 100; ++round) {
    std::shuffle(events.begin(), events.end(), rng);
    INFO("round " << round);
    REQUIRE(fold(events) == reference);
  }

  // The same events after a trip through the codec, as another replica reads them.
  std::vector<Event> decoded;
  for (const Event& e : events) {
    auto d = decodeEvent(encodeEvent(e));
    REQUIRE(d.event);
    decoded.push_back(*d.event);
  }
  CHECK(fold(decoded) == reference);
}

TEST_CASE("a walkthrough's chapters are last-writer-wins, in fold order, from any arrival order", "[store]") {
  Events ev;
  const std::string a = idOf(0xa1), b = idOf(0xb1), c = idOf(0xc1);
  std::vector<Event> events = {ev.chapters(5, kReplicaB, {a, b}), ev.walkthrough(), ev.chapters(3, kReplicaA, {c}),
                               ev.chapters(5, kReplicaA, {b}), ev.chapters(2, kReplicaC, {})};
  const Thread reference = fold(events);
  CHECK(reference.kind == ThreadKind::Walkthrough);
  CHECK(reference.chapters == std::vector<std::string>{a, b});  // lamport 5, replica B sorts last
  CHECK(reference.anchor == Anchor{});                          // no lines of its own
  CHECK(reference.eventCount == 5);
  std::mt19937 rng(11);
  for (int round = 0; round < 50; ++round) {
    std::shuffle(events.begin(), events.end(), rng);
    REQUIRE(fold(events) == reference);
  }
  // A later, empty order empties it.
  events.push_back(ev.chapters(6, kReplicaA, {}));
  CHECK(fold(events).chapters.empty());
}

TEST_CASE("a walkthrough ignores re-anchoring; other kinds ignore chapters", "[store]") {
  Events wt;
  const Thread w = fold({wt.walkthrough(), wt.reanchor(2, kReplicaA, 40)});
  CHECK(w.anchor == Anchor{});
  CHECK(w.eventCount == 2);
  Events note(idOf(3));
  const Thread n = fold({note.created(ThreadKind::Note), note.chapters(2, kReplicaA, {idOf(0xa1)})});
  CHECK(n.chapters.empty());
  CHECK(n.anchor == anchorAt(10));
}

TEST_CASE("thread state names", "[store]") {
  for (ThreadState s : {ThreadState::Open, ThreadState::Answered, ThreadState::Resolved}) {
    CHECK(tacit::store::parseThreadState(toString(s)) == s);
  }
  CHECK(toString(ThreadState::Answered) == "answered");
  CHECK_FALSE(tacit::store::parseThreadState("closed"));
}
