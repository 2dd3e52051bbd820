// Walkthroughs in a real repository: each command one commit (a chapter is
// its note and the new order, together or not at all), the order through
// add, move and remove, refusals that write nothing, walkthroughs kept out of
// the lists of anchored threads, and the export with the code as it is now.
#include "server/store/walkthroughs.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "server/store/event_log.h"
#include "server/store/locations.h"
#include "server/store/store.h"
#include "tests/unit/temp_repo.h"

namespace {

using namespace tacit::store;
namespace anchor = tacit::anchor;

using Repo = tacit::test::GitRepo;

const std::string kCode =
    "int parse(const char* s) {\n"
    "  return atoi(s);\n"
    "}\n"
    "\n"
    "int total(int a, int b) {\n"
    "  return a + b;\n"
    "}\n";

struct Fixture {
  Fixture() {
    repo.write("calc.cpp", kCode);
    head = repo.commit("one");
    store = Store::open(repo.dir());
    store->refresh();
  }
  Anchor on(uint32_t start, uint32_t end) {
    return fromRecorded(*anchor::record("calc.cpp", head, kCode, start, end));
  }
  // Commits on this clone's replica ref.
  int commits() {
    const std::string out = repo.output("rev-list --count refs/tacit/v1/replicas/" + store->replica() + " 2>/dev/null");
    return out.empty() ? 0 : std::stoi(out);
  }
  void write(const WalkthroughPlan& plan) { store->write(plan.created, plan.events); }

  Repo repo;
  std::string head;
  std::unique_ptr<Store> store;
};

}  // namespace

TEST_CASE("a walkthrough's chapters: each command one commit, in order", "[store][walkthroughs]") {
  Fixture f;
  Walkthroughs wts(*f.store);
  const auto created = Walkthroughs::create("  How totals work ", "From the parser\nto the sum.\n\n");
  f.write(created);
  CHECK(f.commits() == 1);
  Walkthrough w = wts.get(created.subject.substr(0, 6));
  CHECK(w.title == "How totals work");
  CHECK(w.description == "From the parser\nto the sum.");
  CHECK(w.thread.anchor == Anchor{});

  const auto sum = Walkthroughs::addChapter(w, f.on(5, 7), "The sum", std::nullopt);
  f.write(sum);
  CHECK(f.commits() == 2);  // the note and the order together
  w = wts.get(w.thread.id);
  const auto parse = Walkthroughs::addChapter(w, f.on(1, 3), "First, parsing", 1);
  f.write(parse);
  CHECK(f.commits() == 3);
  w = wts.get(w.thread.id);
  REQUIRE(w.chapters.size() == 2);
  CHECK(w.chapters[0].id == parse.subject);
  CHECK(w.chapters[1].id == sum.subject);
  CHECK(w.chapters[0].context == nlohmann::json{{"walkthrough", w.thread.id}});
  CHECK(wts.position(w, "2") == 2);
  CHECK(wts.position(w, sum.subject.substr(0, 6)) == 2);

  // Walkthroughs have no lines: only listed when asked for by kind.
  CHECK(f.store->index().list({}).size() == 2);
  ThreadFilter kind;
  kind.kind = ThreadKind::Walkthrough;
  CHECK(f.store->index().list(kind).size() == 1);
  CHECK(f.store->index().search("totals", 10).empty());
  {
    Locations locations(*f.store);
    const anchor::Location nowhere = locations.inWorkTree(w.thread);
    CHECK(nowhere.path.empty());
    CHECK(nowhere.status == anchor::Status::Orphaned);
  }

  f.write(Walkthroughs::move(w, 2, 1));
  w = wts.get(w.thread.id);
  CHECK(w.chapters[0].id == sum.subject);
  CHECK(f.commits() == 4);
  CHECK(Walkthroughs::move(w, 1, 1).events.empty());  // nothing to write

  f.write(Walkthroughs::remove(w, 2, false));  // the note stays, out of the order
  w = wts.get(w.thread.id);
  CHECK(w.chapters.size() == 1);
  REQUIRE(f.store->index().get(parse.subject));
  REQUIRE(wts.unordered(w).size() == 1);
  CHECK(wts.unordered(w)[0].id == parse.subject);
  f.write(wts.addNote(w, parse.subject, 1));
  w = wts.get(w.thread.id);
  CHECK(w.chapters[0].id == parse.subject);
  CHECK(wts.unordered(w).empty());

  f.write(Walkthroughs::remove(w, 1, true));  // and its note deleted, in the same commit
  CHECK(f.commits() == 7);
  w = wts.get(w.thread.id);
  CHECK(w.chapters.size() == 1);
  CHECK_FALSE(f.store->index().get(parse.subject));

  // The index is a cache: rebuilt from git, the same walkthrough.
  const Thread before = wts.get(w.thread.id).thread;
  f.store.reset();
  std::filesystem::remove(f.repo.dir() + "/.git/tacit/index.sqlite");
  f.store = Store::open(f.repo.dir());
  f.store->refresh();
  CHECK(Walkthroughs(*f.store).get(w.thread.id).thread == before);
}

TEST_CASE("walkthrough refusals write nothing", "[store][walkthroughs]") {
  Fixture f;
  Walkthroughs wts(*f.store);
  const auto created = Walkthroughs::create("Tour", "");
  f.write(created);
  Walkthrough w = wts.get(created.subject);
  const int commits = f.commits();

  CHECK_THROWS_WITH(Walkthroughs::create(" \n", ""), "a walkthrough needs a title");
  CHECK_THROWS_WITH(Walkthroughs::create("two\nlines", ""), "a title is one line; put the rest in the description");
  CHECK_THROWS_WITH(Walkthroughs::addChapter(w, f.on(1, 1), "x", 3),
                    "position 3 is out of range: \"Tour\" has 0 chapters (a new one can be 1-1)");
  CHECK_THROWS_WITH(Walkthroughs::addChapter(w, f.on(1, 1), "x", 0), "position 0: chapters are numbered from 1");
  CHECK_THROWS_WITH(Walkthroughs::addChapter(w, f.on(1, 1), "  ", std::nullopt), "a chapter needs its text");
  CHECK_THROWS_WITH(Walkthroughs::move(w, 1, 1), "chapter 1 is out of range: \"Tour\" has 0 chapters");
  CHECK_THROWS_WITH(wts.position(w, "zz"), "expected a chapter's position or its note's id, got \"zz\"");
  CHECK_THROWS_WITH(wts.position(w, "abcd"), "no chapter of \"Tour\" has the id abcd");
  CHECK_THROWS_WITH(wts.get("ffffffff"), "unknown id ffffffff");

  // A note whose order the store refuses (a duplicate) is not written either.
  auto plan = Walkthroughs::addChapter(w, f.on(1, 3), "Parsing", std::nullopt);
  plan.events[0].payload["chapters"].push_back(plan.subject);
  CHECK_THROWS_WITH(f.write(plan), Catch::Contains("duplicate"));
  CHECK_FALSE(f.store->index().get(plan.subject));

  // The kinds decide what applies.
  CHECK_THROWS_WITH(f.store->addEvent(w.thread.id, EventType::Reanchor, {{"anchor", toJson(f.on(1, 1))}}),
                    Catch::Contains("a walkthrough has no lines of its own to move"));
  f.write(Walkthroughs::addChapter(w, f.on(1, 3), "Parsing", std::nullopt));
  const std::string note = wts.get(w.thread.id).chapters[0].id;
  CHECK_THROWS_WITH(f.store->addEvent(note, EventType::Chapters, {{"chapters", nlohmann::json::array()}}),
                    Catch::Contains("not a walkthrough"));
  CHECK_THROWS_WITH(wts.addNote(wts.get(w.thread.id), note, std::nullopt), Catch::Contains("is already chapter 1"));
  CHECK_THROWS_WITH(wts.get(note), Catch::Contains("not a walkthrough"));
  CHECK(f.commits() == commits + 1);
}

TEST_CASE("the export shows each chapter's code as it is now, or where it was last seen", "[store][walkthroughs]") {
  Fixture f;
  Walkthroughs wts(*f.store);
  const auto created = Walkthroughs::create("Calc", "Two steps.");
  f.write(created);
  f.write(Walkthroughs::addChapter(wts.get(created.subject), f.on(1, 3), "Parsing\n\nOne `atoi`.", std::nullopt));
  f.write(Walkthroughs::addChapter(wts.get(created.subject), f.on(5, 7), "The sum", std::nullopt));
  // Lines inserted above the first chapter; the second chapter's code deleted
  // from the work tree (saved, not committed).
  f.repo.write("calc.cpp", "#include <cstdlib>\n\n" + kCode.substr(0, kCode.find("int total")));
  const std::string md = wts.exportMarkdown(wts.get(created.subject));
  CHECK(md ==
        "# Calc\n\nTwo steps.\n\n"
        "## 1. Parsing\n\nOne `atoi`.\n\n`calc.cpp:3-5`\n\n```cpp\nint parse(const char* s) {\n  return atoi(s);\n}\n```\n\n"
        "## 2. The sum\n\n> The code of this chapter was not found now (orphaned); last seen at `calc.cpp:5-7`. "
        "The code it was written on:\n\n```cpp\nint total(int a, int b) {\n  return a + b;\n}\n```\n");
  // An editor's unsaved text wins over the file.
  const std::string buffer = "// one line above\n" + kCode;
  const std::string fromBuffer = wts.exportMarkdown(wts.get(created.subject), [&](const std::string& path) {
    return path == "calc.cpp" ? std::optional<std::string>(buffer) : std::nullopt;
  });
  CHECK(fromBuffer.find("`calc.cpp:2-4`") != std::string::npos);
  CHECK(fromBuffer.find("`calc.cpp:6-8`") != std::string::npos);
}
