// What the store refuses whoever asks (write_rules.h): the whole table of
// events by kind of thread, blank texts, reminders about walkthroughs — and,
// in a real repository, that a refusal writes nothing.
#include "server/store/write_rules.h"

#include <catch2/catch.hpp>

#include <string>

#include "server/anchor/anchor.h"
#include "server/store/clock.h"
#include "server/store/event_log.h"
#include "server/store/locations.h"
#include "server/store/personal.h"
#include "server/store/store.h"
#include "server/store/walkthroughs.h"
#include "tests/unit/temp_repo.h"

namespace {

using namespace tacit::store;
using tacit::test::GitRepo;

const json kAck = {{"reaction", "ack"}};
const json kPlusOne = {{"reaction", "+1"}};
const json kResolve = {{"state", "resolved"}};
const json kReopen = {{"state", "open"}};

bool allowed(ThreadKind kind, EventType type, const json& payload = json::object()) {
  return !refusal(kind, type, payload);
}

}  // namespace

TEST_CASE("which events go on which kind of thread", "[store][rules]") {
  struct Row {
    EventType type;
    json payload;
    bool note, question, walkthrough;  // a lesson is as a note
  };
  const Row rows[] = {
      {EventType::Reply, json::object(), true, true, false},
      {EventType::Answer, json::object(), false, true, false},
      {EventType::Reaction, kAck, false, true, false},
      {EventType::Reaction, kPlusOne, true, true, false},
      {EventType::State, kResolve, true, true, false},
      {EventType::State, kReopen, true, true, false},
      {EventType::Assign, json::object(), false, true, false},
      {EventType::Reanchor, json::object(), true, true, false},
      {EventType::Chapters, json::object(), false, false, true},
      {EventType::Edit, json::object(), true, true, true},
      {EventType::Tombstone, json::object(), true, true, true},
  };
  for (const auto& row : rows) {
    INFO(toString(row.type) << " " << row.payload.dump());
    CHECK(allowed(ThreadKind::Note, row.type, row.payload) == row.note);
    CHECK(allowed(ThreadKind::Lesson, row.type, row.payload) == row.note);
    CHECK(allowed(ThreadKind::Question, row.type, row.payload) == row.question);
    CHECK(allowed(ThreadKind::Walkthrough, row.type, row.payload) == row.walkthrough);
  }
  CHECK(refusal(ThreadKind::Note, EventType::Answer, json::object()) == "only a question can be answered");
  CHECK(refusal(ThreadKind::Lesson, EventType::Reaction, kAck) == "only a question can be acknowledged");
  CHECK(refusal(ThreadKind::Walkthrough, EventType::State, kReopen) ==
        "only a note, a lesson or a question can be reopened");
}

TEST_CASE("blank texts", "[store][rules]") {
  CHECK(isBlank(""));
  CHECK(isBlank(" \t\r\n "));
  CHECK_FALSE(isBlank(" x "));
  CHECK_THROWS_WITH(checkNewThread(ThreadKind::Note, "  "), "a note cannot be blank");
  CHECK_THROWS_WITH(checkNewThread(ThreadKind::Question, "\n"), "a question cannot be blank");
  CHECK_THROWS_WITH(checkNewThread(ThreadKind::Walkthrough, ""), "a walkthrough needs a title");
  CHECK_NOTHROW(checkNewThread(ThreadKind::Lesson, "x"));
  Thread question;
  question.id = std::string(32, 'a');
  question.kind = ThreadKind::Question;
  CHECK_THROWS_WITH(checkEvent(question, EventType::Reply, {{"body", " "}}), "a reply cannot be blank");
  CHECK_THROWS_WITH(checkEvent(question, EventType::Answer, {{"body", ""}}), "an answer cannot be blank");
  CHECK_THROWS_WITH(checkEvent(question, EventType::Edit, {{"body", "\t"}}), "an edit cannot be blank");
  CHECK_NOTHROW(checkEvent(question, EventType::Answer, {{"body", "Net."}}));
}

TEST_CASE("the store refuses what the rules refuse and writes nothing", "[store][rules]") {
  GitRepo repo;
  repo.write("a.txt", "one\ntwo\n");
  const std::string head = repo.commit("one");
  auto store = Store::open(repo.dir());
  Store::NewThread n;
  n.body = "A note";
  n.anchor = fromRecorded(*tacit::anchor::record("a.txt", head, "one\ntwo\n", 1, 1));
  const std::string note = store->createThread(n);
  const auto plan = Walkthroughs::create("Tour", "");
  store->write(plan.created, plan.events);
  const std::string walkthrough = plan.subject;
  const auto before = store->refsFingerprint();
  const auto personal = readPersonal(*store).reminders.size();

  CHECK_THROWS_WITH(store->addEvent(note, EventType::Answer, {{"body", "x"}}),
                    "only a question can be answered: " + note.substr(0, 12) + " is a note");
  CHECK_THROWS_WITH(store->addEvent(note, EventType::Reaction, kAck),
                    "only a question can be acknowledged: " + note.substr(0, 12) + " is a note");
  CHECK_THROWS_WITH(store->addEvent(walkthrough, EventType::Reply, {{"body", "x"}}),
                    "only a note, a lesson or a question can be replied to: " + walkthrough.substr(0, 12) +
                        " is a walkthrough");
  CHECK_THROWS_WITH(store->write(std::nullopt, {{walkthrough, EventType::State, kResolve}}),
                    Catch::StartsWith("only a note, a lesson or a question can be resolved"));
  CHECK_THROWS_WITH(store->addEvent(note, EventType::Reply, {{"body", "  "}}), "a reply cannot be blank");
  n.body = " \n";
  CHECK_THROWS_WITH(store->createThread(n), "a note cannot be blank");
  Reminder r;
  r.thread = walkthrough;
  r.dueAt = nowMillis() + 60'000;
  CHECK_THROWS_WITH(addReminder(*store, r), Catch::StartsWith("a reminder is about a note, a lesson, a question"));
  n.kind = ThreadKind::Question;
  CHECK_THROWS_WITH(scheduleQuestion(*store, n, nowMillis() + 60'000), "a question cannot be blank");

  CHECK(store->refsFingerprint() == before);
  CHECK(readPersonal(*store).reminders.size() == personal);
  // What is allowed still is.
  CHECK_NOTHROW(store->addEvent(note, EventType::Reply, {{"body", "ok"}}));
  CHECK_NOTHROW(store->addEvent(note, EventType::State, kResolve));
}
