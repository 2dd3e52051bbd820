// The inline knowledge features on the editor's hot path (issue 6): a file
// with 1,000 anchored threads in a repository with 100,000 events, and the
// server time of textDocument/codeLens, textDocument/hover,
// textDocument/inlayHint (the whole file, and a screenful of 60 lines, which
// is what editors ask for), and a didChange (a line inserted near the top)
// followed at once by codeLens — p50 / p99 over stdio against the real
// `tacit serve` (from writing the request to reading the whole reply; the
// client's JSON parsing is left out). Goal: p99 < 10 ms for each.
//
// Baseline, in the same invocation (two servers, requests interleaved, so both
// see the same machine): the same 5,000-line file with 10 threads in a
// repository of a few events. The ratio is the cost of the knowledge's scale.
//
// Data: big.cpp (5,000 lines) and 200 other files committed; 1,000 threads on
// big.cpp (notes, lessons, questions; 800 anchored lines, 1 to 3 lines each,
// some lines holding two threads; replies, answers, acks) recorded at HEAD
// as `tacit note add` records them; the rest of the 100,000 events from 19
// more replicas (tests/bench/store_fixture.h), threads on the other files and
// their replies. The index is built (`tacit show`) before any server starts.
// Every answer is checked (lens count, lines and titles, hover ids, hint
// count and lines); a wrong answer exits 1. No wall-clock limit is asserted.
//
// Also printed, single requests rather than percentiles: didOpen then the
// first codeLens (every thread of the repository is located in the buffer),
// the same in a restarted server (locations cached in the index), and didSave
// then codeLens (located again, in a buffer the edits made differ from HEAD).
//
// Usage: tacit-bench-features path/to/tacit [requests per kind and server]
#include <git2.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/anchor/anchor.h"
#include "server/store/event.h"
#include "server/store/locations.h"
#include "tests/bench/child.h"
#include "tests/bench/lsp_child.h"
#include "tests/bench/store_fixture.h"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using tacit::bench::hexId;
using tacit::bench::LspChild;
using tacit::bench::percentile;
namespace store = tacit::store;
namespace anchor = tacit::anchor;

constexpr size_t kEvents = 100'000;
constexpr size_t kReplicas = 20;  // the feature threads' replica and 19 others
constexpr uint32_t kBigLines = 5'000;
constexpr size_t kThreads = 1'000;
constexpr size_t kOtherFiles = 200;
constexpr uint32_t kOtherLines = 100;
constexpr uint32_t kScreen = 60;
constexpr double kGoalMs = 10.0;

fs::path scratch;  // removed on the way out, failure included

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "tacit-bench-features: %s\n", why.c_str());
  std::error_code ignored;
  if (!scratch.empty()) fs::remove_all(scratch, ignored);
  std::exit(1);
}

void sh(const std::string& command) {
  if (std::system(command.c_str()) != 0) fail("failed: " + command);
}


double msSince(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }
double msBetween(Clock::time_point t0, Clock::time_point t1) {
  return std::chrono::duration<double, std::milli>(t1 - t0).count();
}

// A 5,000-line C++ file whose lines are all different (but for braces).
std::string bigFile() {
  std::string out;
  for (uint32_t i = 1; i <= kBigLines; ++i) {
    const uint32_t block = (i - 1) / 10;
    switch (i % 10) {
      case 1: out += "// Block " + std::to_string(block) + ": the cache of shard " + std::to_string(block % 37) + ".\n"; break;
      case 2: out += "int block" + std::to_string(block) + "(int key, Cache& cache) {\n"; break;
      case 0: out += "}\n"; break;
      default:
        out += "  int v" + std::to_string(i) + " = cache.lookup(key * " + std::to_string(i % 113) + " + " +
               std::to_string(block) + ");\n";
    }
  }
  return out;
}

std::string otherFile(size_t k) {
  std::string out;
  for (uint32_t i = 1; i <= kOtherLines; ++i)
    out += "int mod" + std::to_string(k) + "_line" + std::to_string(i) + " = flush(" + std::to_string(i * 7 % 31) + ");\n";
  return out;
}

std::string otherPath(size_t k) {
  char name[32];
  std::snprintf(name, sizeof name, "src/mod%03zu.cpp", k);
  return name;
}

// What a thread on big.cpp is, for checking the answers.
struct Spec {
  std::string id;
  uint32_t start = 0, end = 0;  // 1-based, inclusive, as recorded
  std::string kind;
};

// Thread i of the 1,000 (the baseline takes every 100th): 800 anchored
// lines six apart from line 10, every fifth thread on the line of the one
// before it; 1 to 3 lines each; note, lesson, question in turn.
Spec specOf(size_t i, uint64_t seed) {
  const uint32_t slot = static_cast<uint32_t>(i - (i + 1) / 5);  // repeats on i % 5 == 4
  Spec s;
  s.id = hexId(seed, i + 1);
  s.start = 10 + 6 * slot;
  s.end = s.start + static_cast<uint32_t>(i % 3);
  static const char* kinds[] = {"note", "lesson", "question"};
  s.kind = kinds[i % 3];
  return s;
}

struct Repo {
  std::string name;
  fs::path dir;
  std::string head;
  std::vector<Spec> threads;
  size_t events = 0;
  std::map<uint32_t, std::vector<const Spec*>> byLine;  // recorded start line → threads
  std::vector<uint32_t> lines;                          // the keys of byLine
  void index() {
    for (const auto& t : threads) byLine[t.start].push_back(&t);
    for (const auto& [line, list] : byLine) lines.push_back(line);
  }
};

void makeRepo(Repo& r, const std::string& big, const std::vector<std::string>& others) {
  fs::create_directories(r.dir / "src");
  std::ofstream(r.dir / "big.cpp", std::ios::binary) << big;
  for (size_t k = 0; k < others.size(); ++k) std::ofstream(r.dir / otherPath(k), std::ios::binary) << others[k];
  const std::string g = "git -C '" + r.dir.string() + "' ";
  sh("git init -q '" + r.dir.string() + "' && " + g + "config user.name Ada && " + g +
     "config user.email ada@example.com && " + g + "add -A && " + g + "commit -qm init");
  git_repository* repo = nullptr;
  git_oid oid;
  if (git_repository_open(&repo, r.dir.c_str()) != 0 || git_reference_name_to_id(&oid, repo, "HEAD") != 0)
    fail("cannot read HEAD of " + r.dir.string());
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &oid);
  r.head = hex;
  git_repository_free(repo);
}

json recordedAnchor(const std::string& path, const std::string& head, const std::string& content, uint32_t start,
                    uint32_t end) {
  auto recorded = anchor::record(path, head, content, start, end);
  if (!recorded) fail("cannot record " + path + ":" + std::to_string(start));
  return store::toJson(store::fromRecorded(*recorded));
}

// The threads on big.cpp and what happens to them, in one replica's log.
std::vector<store::Event> featureEvents(Repo& r, const std::string& big, const std::vector<size_t>& which,
                                        uint64_t seed) {
  const store::Author authors[] = {{"Ada", "ada@example.com"}, {"Grace", "grace@example.com"}, {"Linus", "linus@example.com"}};
  std::vector<store::Event> out;
  uint64_t next = 0x100000;
  auto event = [&](store::EventType type, const std::string& thread, const store::Author& who, json payload) {
    store::Event e;
    e.id = type == store::EventType::Created ? thread : hexId(seed, ++next);
    e.type = type;
    e.thread = thread;
    e.author = who;
    e.payload = std::move(payload);
    out.push_back(std::move(e));
  };
  for (size_t i : which) {
    Spec s = specOf(i, seed);
    r.threads.push_back(s);
    const bool question = s.kind == "question";
    json assignees = question ? json::array({i % 2 ? "grace@example.com" : "ada@example.com"}) : json::array();
    json context = json::object();
    if (question) context = {{"snippet", "..."}, {"commit", r.head}, {"branch", "master"}};
    event(store::EventType::Created, s.id, authors[i % 3],
          {{"kind", s.kind},
           {"body", "Thread " + std::to_string(i) + ": why block " + std::to_string(s.start / 10) +
                        " looks the cache up twice.\n\nSee the <shard> notes; **measure** before changing it."},
           {"private", false},
           {"assignees", assignees},
           {"context", context},
           {"anchor", recordedAnchor("big.cpp", r.head, big, s.start, s.end)}});
  }
  for (size_t i : which) {
    const Spec s = specOf(i, seed);
    const auto& other = authors[(i + 1) % 3];
    if (i % 4 == 0) event(store::EventType::Reply, s.id, other, {{"body", "A reply to thread " + std::to_string(i)}});
    if (i % 8 == 0) event(store::EventType::Reply, s.id, authors[i % 3], {{"body", "And a second one."}});
    if (s.kind == "question" && i % 2 == 0) event(store::EventType::Reaction, s.id, other, {{"reaction", "ack"}});
    if (s.kind == "question" && i % 4 == 1)
      event(store::EventType::Answer, s.id, other, {{"body", "Because the shard may move in between."}});
    if (s.kind == "question" && i % 8 == 1) event(store::EventType::State, s.id, authors[i % 3], {{"state", "resolved"}});
  }
  return out;
}

void writeEvents(tacit::bench::Generator& generator, const std::string& replica, std::vector<store::Event> events) {
  generator.append(replica, events.size(), 500, 0, [&](uint64_t n) { return std::move(events[n - 1]); });
}

// One `tacit serve` on a repository with big.cpp open.
struct Server {
  const Repo* repo = nullptr;
  std::unique_ptr<LspChild> child;
  std::string uri;
  int version = 1;
  uint32_t shift = 0;        // lines inserted above every thread so far
  uint32_t lineCount = kBigLines;
  double openToFirstLensMs = 0;
};

json textDocument(const Server& s) { return {{"textDocument", {{"uri", s.uri}}}}; }

// Where the lens/hint of a recorded start line is now (0-based).
uint32_t nowAt(const Server& s, uint32_t recordedStart) { return recordedStart - 1 + s.shift; }

const json& resultOf(const json& reply, const std::string& what) {
  if (!reply.contains("result")) fail(what + " failed: " + reply.dump().substr(0, 300));
  return reply["result"];
}

// Lenses: one per anchored line, on that line, titled with the counts by kind.
void checkLenses(const Server& s, const json& reply) {
  const json& lenses = resultOf(reply, "codeLens");
  const Repo& r = *s.repo;
  if (!lenses.is_array() || lenses.size() != r.lines.size())
    fail(r.name + ": codeLens gave " + std::to_string(lenses.size()) + " lenses, expected " +
         std::to_string(r.lines.size()));
  std::set<uint32_t> expected;
  for (uint32_t line : r.lines) expected.insert(nowAt(s, line));
  size_t total = 0;
  for (const auto& lens : lenses) {
    const uint32_t line = lens["range"]["start"]["line"];
    if (!expected.count(line)) fail(r.name + ": a lens on line " + std::to_string(line) + " where no thread starts");
    const std::string title = lens["command"]["title"];
    size_t counted = 0;
    for (size_t at = 0; at < title.size();) {  // "2 notes · 1 lesson"
      size_t used = 0;
      counted += std::stoul(title.substr(at), &used);
      at = title.find("· ", at + used);
      at = at == std::string::npos ? title.size() : at + 3;  // "·" is two bytes
    }
    const size_t want = r.byLine.at(line + 1 - s.shift).size();
    if (counted != want)
      fail(r.name + ": lens \"" + title + "\" on line " + std::to_string(line) + ", expected " + std::to_string(want) +
           " threads");
    total += counted;
  }
  if (total != r.threads.size()) fail(r.name + ": lenses count " + std::to_string(total) + " threads");
}

// A hover on an anchored line names every thread there.
void checkHover(const Server& s, const json& reply, uint32_t recordedLine) {
  const json& hover = resultOf(reply, "hover");
  if (hover.is_null()) fail(s.repo->name + ": no hover on line " + std::to_string(nowAt(s, recordedLine)));
  const std::string text = hover["contents"]["value"];
  for (const Spec* t : s.repo->byLine.at(recordedLine))
    if (text.find(t->id.substr(0, 8)) == std::string::npos)
      fail(s.repo->name + ": the hover on line " + std::to_string(nowAt(s, recordedLine)) + " lacks thread " + t->id);
}

// Hints: one per anchored first line in [from, to] (0-based lines, as the
// server compares them), each on such a line.
void checkHints(const Server& s, const json& reply, uint32_t from, uint32_t to) {
  const json& hints = resultOf(reply, "inlayHint");
  std::set<uint32_t> expected;
  for (uint32_t line : s.repo->lines)
    if (nowAt(s, line) >= from && nowAt(s, line) <= to) expected.insert(nowAt(s, line));
  if (!hints.is_array() || hints.size() != expected.size())
    fail(s.repo->name + ": inlayHint on lines " + std::to_string(from) + "-" + std::to_string(to) + " gave " +
         std::to_string(hints.size()) + " hints, expected " + std::to_string(expected.size()));
  for (const auto& h : hints)
    if (!expected.count(h["position"]["line"].get<uint32_t>()))
      fail(s.repo->name + ": a hint on line " + h["position"]["line"].dump() + " where no thread starts");
}

std::unique_ptr<Server> start(const std::string& tacit, const Repo& r, const fs::path& configHome,
                              const std::string& text) {
  auto s = std::make_unique<Server>();
  s->repo = &r;
  s->uri = "file://" + (r.dir / "big.cpp").string();
  s->child = std::make_unique<LspChild>(tacit, r.dir, configHome);
  resultOf(s->child->request("initialize", {{"processId", nullptr},
                                            {"rootUri", "file://" + r.dir.string()},
                                            {"capabilities", json::object()}}),
           "initialize");
  s->child->send({{"jsonrpc", "2.0"}, {"method", "initialized"}, {"params", json::object()}});
  // Opening locates every thread of the repository in the buffer (the index
  // is built, its location cache is not): the first lens waits for that.
  const auto t0 = Clock::now();
  s->child->send({{"jsonrpc", "2.0"},
                  {"method", "textDocument/didOpen"},
                  {"params", {{"textDocument", {{"uri", s->uri}, {"languageId", "cpp"}, {"version", 1}, {"text", text}}}}}});
  json first = s->child->request("textDocument/codeLens", textDocument(*s));
  s->openToFirstLensMs = msSince(t0);
  checkLenses(*s, first);
  return s;
}

void stop(std::unique_ptr<Server>& s) {
  s->child->request("shutdown", nullptr);
  s->child->send({{"jsonrpc", "2.0"}, {"method", "exit"}});
  s->child.reset();
  s.reset();
}

// The requests measured, each checked after its clock stops (the didOpen,
// didSave and restart figures are single requests, not percentiles).
using Kind = std::function<double(Server&, int i)>;

double codeLens(Server& s, int) {
  const auto t0 = Clock::now();
  json reply = s.child->request("textDocument/codeLens", textDocument(s));
  const double ms = msBetween(t0, s.child->receivedAt());
  checkLenses(s, reply);
  return ms;
}

double hover(Server& s, int i) {
  const auto& lines = s.repo->lines;
  const uint32_t recorded = lines[(static_cast<size_t>(i) * 7) % lines.size()];
  json params = textDocument(s);
  params["position"] = {{"line", nowAt(s, recorded)}, {"character", 4}};
  const auto t0 = Clock::now();
  json reply = s.child->request("textDocument/hover", params);
  const double ms = msBetween(t0, s.child->receivedAt());
  checkHover(s, reply, recorded);
  return ms;
}

double hintsIn(Server& s, uint32_t from, uint32_t to) {
  json params = textDocument(s);
  params["range"] = {{"start", {{"line", from}, {"character", 0}}}, {"end", {{"line", to}, {"character", 0}}}};
  const auto t0 = Clock::now();
  json reply = s.child->request("textDocument/inlayHint", params);
  const double ms = msBetween(t0, s.child->receivedAt());
  checkHints(s, reply, from, to);
  return ms;
}

double inlayWhole(Server& s, int) { return hintsIn(s, 0, s.lineCount); }

// A screenful (60 lines, as an editor's visible range), somewhere else each time.
double inlayScreen(Server& s, int i) {
  const uint32_t from = static_cast<uint32_t>((static_cast<size_t>(i) * 997) % (s.lineCount - kScreen));
  return hintsIn(s, from, from + kScreen);
}

// Typing: a line inserted near the top (above every thread), then the lenses.
double editThenLens(Server& s, int) {
  json change = {{"jsonrpc", "2.0"},
                 {"method", "textDocument/didChange"},
                 {"params",
                  {{"textDocument", {{"uri", s.uri}, {"version", ++s.version}}},
                   {"contentChanges",
                    {{{"range", {{"start", {{"line", 1}, {"character", 0}}}, {"end", {{"line", 1}, {"character", 0}}}}},
                      {"text", "// edited " + std::to_string(s.version) + "\n"}}}}}}};
  const auto t0 = Clock::now();
  s.child->send(change);
  json reply = s.child->request("textDocument/codeLens", textDocument(s));
  const double ms = msBetween(t0, s.child->receivedAt());
  ++s.shift;
  ++s.lineCount;
  checkLenses(s, reply);
  return ms;
}

// A save: every thread is located again (in the buffer, which the edits made
// differ from HEAD's file), and the lenses wait for it.
double saveThenLens(Server& s) {
  const auto t0 = Clock::now();
  s.child->send({{"jsonrpc", "2.0"}, {"method", "textDocument/didSave"}, {"params", textDocument(s)}});
  json reply = s.child->request("textDocument/codeLens", textDocument(s));
  const double ms = msBetween(t0, s.child->receivedAt());
  checkLenses(s, reply);
  return ms;
}

int run(int argc, char** argv);

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {  // a server that went away, a reply that is not JSON
    fail(e.what());
  }
}

namespace {

int run(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: tacit-bench-features path/to/tacit [requests]\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  const std::string tacit = fs::absolute(argv[1]).string();
  const int requests = argc > 2 ? std::max(1, std::atoi(argv[2])) : 1000;
  git_libgit2_init();

  const fs::path root = fs::temp_directory_path() / ("tacit-bench-features-" + std::to_string(getpid()));
  fs::remove_all(root);
  scratch = root;
  fs::create_directories(root / "config/tacit");
  std::ofstream(root / "config/tacit/config.json") << "{}";
  setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
  setenv("HOME", root.c_str(), 1);

  const std::string big = bigFile();
  std::vector<std::string> others;
  for (size_t k = 0; k < kOtherFiles; ++k) others.push_back(otherFile(k));

  // The repository at scale, and the baseline.
  Repo large, small;
  large.name = "1,000 threads";
  large.dir = root / "large";
  small.name = "baseline";
  small.dir = root / "small";
  const auto genStart = Clock::now();
  makeRepo(large, big, others);
  makeRepo(small, big, others);
  {
    std::vector<size_t> all, tenth;
    for (size_t i = 0; i < kThreads; ++i) {
      all.push_back(i);
      if (i % 100 == 0) tenth.push_back(i);
    }
    tacit::bench::Generator generator(large.dir), baselineGenerator(small.dir);
    auto events = featureEvents(large, big, all, 0xfea7);
    large.events = events.size();
    writeEvents(generator, hexId(0xfea7000000000000ull, 1), std::move(events));
    events = featureEvents(small, big, tenth, 0x5a11);
    small.events = events.size();
    writeEvents(baselineGenerator, hexId(0x5a11000000000000ull, 1), std::move(events));
    // The rest of the team: threads on the other files, recorded at HEAD.
    const size_t rest = kEvents - large.events, perReplica = rest / (kReplicas - 1);
    for (size_t r = 0; r + 1 < kReplicas; ++r) {
      const size_t count = r + 2 == kReplicas ? rest - perReplica * r : perReplica;
      tacit::bench::generateTeamEvents(generator, hexId(0xbe4c400000000000ull + r, r + 1), count, 500, 0x1000 + r, 0,
                                       [&](uint64_t n) {
                                         const size_t k = n % kOtherFiles;
                                         const uint32_t line = 5 + static_cast<uint32_t>((n * 13) % 90);
                                         return recordedAnchor(otherPath(k), large.head, others[k], line, line + 2);
                                       });
    }
  }  // the generators write their packs
  large.events = kEvents;
  const double genSeconds = std::chrono::duration<double>(Clock::now() - genStart).count();
  large.index();
  small.index();

  // The index, built before any server starts (`tacit show` locates one thread).
  double indexSeconds = 0;
  for (Repo* r : {&large, &small}) {
    auto run = tacit::bench::runChild({tacit, "show", r->threads.front().id}, r->dir);
    if (run.status != 0) fail("tacit show failed in " + r->dir.string());
    if (r == &large) indexSeconds = run.seconds;
  }

  const std::string loadBefore = tacit::bench::loadAverage();
  auto baseline = start(tacit, small, root / "config", big);
  auto scaled = start(tacit, large, root / "config", big);
  const double firstBaseline = baseline->openToFirstLensMs, firstScaled = scaled->openToFirstLensMs;

  struct Measure {
    const char* name;
    Kind kind;
    std::vector<double> a, b;  // baseline, scaled
  };
  std::vector<Measure> measures = {{"codeLens", codeLens, {}, {}},
                                   {"hover (anchored line)", hover, {}, {}},
                                   {"inlayHint (whole file)", inlayWhole, {}, {}},
                                   {"inlayHint (60 lines)", inlayScreen, {}, {}},
                                   {"didChange + codeLens", editThenLens, {}, {}}};
  for (auto& m : measures) {
    for (int i = 0; i < 20; ++i) {  // warm-up, checked too
      m.kind(*baseline, i);
      m.kind(*scaled, i);
    }
    for (int i = 0; i < requests; ++i) {  // interleaved: both see the same machine
      m.a.push_back(m.kind(*baseline, i));
      m.b.push_back(m.kind(*scaled, i));
    }
  }
  const std::string loadAfter = tacit::bench::loadAverage();
  const double savedBaseline = saveThenLens(*baseline), savedScaled = saveThenLens(*scaled);
  const uint32_t edits = scaled->shift;
  stop(baseline);
  stop(scaled);

  // A restarted server: the index's location cache now knows every thread at HEAD.
  auto again = start(tacit, large, root / "config", big);
  const double firstRestarted = again->openToFirstLensMs;
  stop(again);
  fs::remove_all(root);

  std::printf("inline knowledge features over stdio, %d requests of each kind per server (after 20 warm-up); "
              "load average %s before, %s after, on %u cores\n",
              requests, loadBefore.c_str(), loadAfter.c_str(), std::thread::hardware_concurrency());
  std::printf("  scaled:   big.cpp (%u lines) with %zu threads on %zu lines, in a repository of %zu events from %zu "
              "replicas (generated in %.1f s; index built in %.1f s)\n",
              kBigLines, large.threads.size(), large.lines.size(), large.events, kReplicas, genSeconds, indexSeconds);
  std::printf("  baseline: the same file with %zu threads, in a repository of %zu events\n", small.threads.size(),
              small.events);
  std::printf("  didOpen -> first codeLens (locates every thread of the repository; the index is built):\n");
  std::printf("    baseline %.1f ms, scaled %.1f ms; scaled in a restarted server (locations cached) %.1f ms\n",
              firstBaseline, firstScaled, firstRestarted);
  std::printf("  didSave -> codeLens (locates every thread again, in a buffer %u lines longer than HEAD's file):\n",
              edits);
  std::printf("    baseline %.1f ms, scaled %.1f ms\n", savedBaseline, savedScaled);
  std::printf("%-24s %10s %10s   %10s %10s   %9s %9s\n", "request", "base p50", "base p99", "p50 ms", "p99 ms",
              "ratio p50", "ratio p99");
  for (const auto& m : measures) {
    const double a50 = percentile(m.a, 0.5), a99 = percentile(m.a, 0.99);
    const double b50 = percentile(m.b, 0.5), b99 = percentile(m.b, 0.99);
    std::printf("%-24s %10.3f %10.3f   %10.3f %10.3f   %8.2fx %8.2fx\n", m.name, a50, a99, b50, b99, b50 / a50,
                b99 / a99);
  }
  for (const auto& m : measures)
    std::printf("  %-24s goal: p99 < %.0f ms: %s\n", m.name, kGoalMs,
                percentile(m.b, 0.99) < kGoalMs ? "met" : "NOT met");
  return 0;
}

}  // namespace
