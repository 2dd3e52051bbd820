// `tacit report --format sarif` at team scale (docs/ci.md): wall time and
// peak RSS on a repository of 100,000 events, measured beside `tacit list
// --json` in the same invocation (runs interleaved, so both see the same
// machine). Goal: the report under 1 s.
//
// Data: 200 files of 200 lines committed at HEAD; 20 replicas (one person
// each) of 5,000 events: 1,000 threads anchored on lines of those files as
// recorded at HEAD (6 in 10 questions, 3 notes, 1 lesson; asked over the
// last 120 days, each question assigned to one or two team members), then
// 4 events on each thread by the person it was assigned to, written in their
// own replica: acknowledged, answered and resolved; acknowledged and
// answered; acknowledged only; or replies without an answer. Written
// through the real EventLog (tests/bench/store_fixture.h).
//
// Figures, each from the real `tacit` as a child process (wall time from
// fork to wait4, peak RSS from its ru_maxrss), with TACIT_NOW fixed so that
// ages, and so stale questions, are the same on every run:
//   cold report   `tacit report --format sarif --state all --output FILE`
//                 with no index, as in a fresh CI clone: builds the index
//                 and locates every question; the file checked: JSON, one
//                 result per question, each rule's count as generated,
//                 every anchor exact; a wrong report exits 1
//   cold list     then, the index deleted again, the first `tacit list
//                 --json`: builds the index and locates every thread
//                 (printed for information, not compared)
//   measured      5 runs each, interleaved, of `tacit report --format sarif
//                 --state all --output /dev/null` and `tacit list --json`:
//                 median and min seconds, peak RSS, the ratio report/list
//
// Usage: tacit-bench-report path/to/tacit
#include <git2.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/anchor/anchor.h"
#include "server/store/event.h"
#include "server/store/locations.h"
#include "tests/bench/child.h"
#include "tests/bench/store_fixture.h"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using tacit::bench::ChildRun;
using tacit::bench::hexId;
namespace store = tacit::store;
namespace anchor = tacit::anchor;

constexpr size_t kReplicas = 20;
constexpr size_t kThreadsPerReplica = 1'000;
constexpr size_t kFollowUps = 4;  // events on each thread after it is created
constexpr size_t kFiles = 200;
constexpr uint32_t kFileLines = 200;
constexpr int kRuns = 5;
constexpr double kGoalSeconds = 1.0;
constexpr const char* kNow = "2026-12-01T09:00:00Z";  // TACIT_NOW for every child
constexpr int64_t kMinute = 60'000, kHour = 60 * kMinute, kDay = 24 * kHour;
constexpr int64_t kStaleAfter = 7 * kDay;  // tacit report's default --stale-after

fs::path scratch;  // removed on the way out, failure included

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "tacit-bench-report: %s\n", why.c_str());
  std::error_code ignored;
  if (!scratch.empty()) fs::remove_all(scratch, ignored);
  std::exit(1);
}

void sh(const std::string& command) {
  if (std::system(command.c_str()) != 0) fail("failed: " + command);
}


// splitmix64: reproducible, well-spread numbers for ages and delays.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// The team: member m writes in replica m.
store::Author member(size_t m) {
  static const char* names[kReplicas] = {"Ada",   "Grace",  "Linus",  "Barbara", "Ken",   "Dennis", "Margaret",
                                         "Edsger", "Donald", "Frances", "John",   "Radia", "Leslie", "Tim",
                                         "Niklaus", "Alan",  "Karen",  "Bjarne",  "Guido", "Sophie"};
  std::string email = names[m];
  std::transform(email.begin(), email.end(), email.begin(), [](unsigned char c) { return std::tolower(c); });
  return {names[m], email + "@example.com"};
}

std::string replicaId(size_t m) { return hexId(0xbe4c500000000000ull + m, m + 1); }

std::string filePath(size_t k) {
  char name[32];
  std::snprintf(name, sizeof name, "src/mod%03zu.cpp", k);
  return name;
}

// Lines that are all different, so that every anchor has one exact place.
std::string fileText(size_t k) {
  std::string out;
  for (uint32_t i = 1; i <= kFileLines; ++i)
    out += "int mod" + std::to_string(k) + "_line" + std::to_string(i) + " = cache.lookup(" +
           std::to_string(i * 7 % 31) + ");\n";
  return out;
}

// What the follow-up events make of a question, and so its SARIF rule.
enum class Fate { Resolved, Answered, AckedOnly, RepliesOnly };

// What a generated question must be reported as ("tacit/" + rule id).
const char* expectedRule(Fate fate, int64_t age) {
  switch (fate) {
    case Fate::Resolved: return "tacit/resolved-question";
    case Fate::Answered: return "tacit/answered-question";
    default: return age >= kStaleAfter ? "tacit/stale-question" : "tacit/unanswered-question";
  }
}

struct Team {
  std::string head;
  std::vector<std::string> files;
  std::vector<std::vector<store::Event>> created{kReplicas}, followUps{kReplicas};  // by replica
  std::map<std::string, size_t> expected;  // SARIF rule id → questions
  size_t questions = 0, notes = 0, lessons = 0, acknowledged = 0;
};

// Thread t of member r and the 4 events the person it is assigned to writes
// on it (in their own replica, after every thread is created: see generate).
void makeThread(Team& team, size_t r, size_t t, int64_t now) {
  const uint64_t h = mix(r * kThreadsPerReplica + t);
  const size_t helper = (r + 1 + t % 5) % kReplicas;  // each replica answers 1,000 threads: 5 x 200
  const std::string id = hexId(0xc0de000000000000ull + r, t + 1);
  const int64_t createdAt = now - kHour - static_cast<int64_t>(h % static_cast<uint64_t>(120 * kDay / kMinute)) * kMinute;
  const char* kind = t % 10 < 6 ? "question" : t % 10 < 9 ? "note" : "lesson";
  const bool question = t % 10 < 6;

  const size_t k = (t * 7 + r * 13) % kFiles;
  const uint32_t start = 5 + static_cast<uint32_t>((t * 13 + r * 31) % 180), end = start + static_cast<uint32_t>(t % 3);
  auto recorded = anchor::record(filePath(k), team.head, team.files[k], start, end);
  if (!recorded) fail("cannot record " + filePath(k) + ":" + std::to_string(start));

  json assignees = json::array();
  json context = json::object();
  if (question) {
    assignees.push_back(member(helper).email);
    if (t % 4 == 0) assignees.push_back(member((helper + 7) % kReplicas).email);
    context = {{"commit", team.head}, {"branch", "main"}};
  }
  store::Event e;
  e.id = id;
  e.type = store::EventType::Created;
  e.thread = id;
  e.author = member(r);
  e.ts = createdAt;
  // Quotes, angle brackets, an ampersand, backticks and a non-ASCII dash: each format escapes them.
  e.payload = {{"kind", kind},
               {"body", "Why does `mod" + std::to_string(k) + "` look the cache up twice (\"shard " +
                            std::to_string(h % 37) + "\")?\n\nSee <notes> & measure first \xe2\x80\x94 " +
                            std::to_string(t) + "."},
               {"private", false},
               {"assignees", assignees},
               {"context", context},
               {"anchor", store::toJson(store::fromRecorded(*recorded))}};
  team.created[r].push_back(std::move(e));

  // The follow-ups, later than the question by growing delays (never after now).
  std::vector<std::pair<store::EventType, json>> steps;
  if (question) {
    const size_t share = (t / 10 + r * 3) % 10;  // in 10 questions: 3 resolved, 3 answered, 2 acked, 2 not
    const Fate fate = share < 3 ? Fate::Resolved : share < 6 ? Fate::Answered : share < 8 ? Fate::AckedOnly
                                                                                       : Fate::RepliesOnly;
    switch (fate) {
      case Fate::Resolved:
        steps = {{store::EventType::Reaction, {{"reaction", "ack"}}},
                 {store::EventType::Reply, {{"body", "Looking at it."}}},
                 {store::EventType::Answer, {{"body", "Because the shard may move in between."}}},
                 {store::EventType::State, {{"state", "resolved"}}}};
        break;
      case Fate::Answered:
        steps = {{store::EventType::Reaction, {{"reaction", "ack"}}},
                 {store::EventType::Reply, {{"body", "Looking at it."}}},
                 {store::EventType::Answer, {{"body", "The second lookup refreshes the entry."}}},
                 {store::EventType::Reply, {{"body", "Measured: it matters."}}}};
        break;
      case Fate::AckedOnly:
        steps = {{store::EventType::Reaction, {{"reaction", "ack"}}},
                 {store::EventType::Reply, {{"body", "Looking at it."}}},
                 {store::EventType::Reply, {{"body", "Still digging."}}},
                 {store::EventType::Reply, {{"body", "Not yet, sorry."}}}};
        break;
      case Fate::RepliesOnly:
        steps = {{store::EventType::Reply, {{"body", "Which build?"}}},
                 {store::EventType::Reply, {{"body", "Any build."}}},
                 {store::EventType::Reply, {{"body", "I will look."}}},
                 {store::EventType::Reply, {{"body", "Not yet."}}}};
        break;
    }
    ++team.questions;
    if (fate != Fate::RepliesOnly) ++team.acknowledged;
    ++team.expected[expectedRule(fate, now - createdAt)];
  } else {
    steps = {{store::EventType::Reply, {{"body", "Good to know."}}},
             {store::EventType::Reaction, {{"reaction", "+1"}}},
             {store::EventType::Reply, {{"body", "Also true in mod" + std::to_string((k + 1) % kFiles) + "."}}},
             {store::EventType::Reply, {{"body", "Thanks."}}}};
    ++(t % 10 < 9 ? team.notes : team.lessons);
  }
  int64_t at = createdAt;
  for (size_t i = 0; i < steps.size(); ++i) {
    at = std::min(at + kMinute + static_cast<int64_t>(mix(h + i) % static_cast<uint64_t>(2 * kDay)), now - kMinute);
    store::Event f;
    f.id = hexId(0xf011000000000000ull + r, t * kFollowUps + i + 1);
    f.type = steps[i].first;
    f.thread = id;
    f.author = member(helper);
    f.ts = at;
    f.payload = std::move(steps[i].second);
    team.followUps[helper].push_back(std::move(f));
  }
}

// The repository: files committed at HEAD, then the team's 100,000 events.
void generate(Team& team, const fs::path& dir, int64_t now) {
  fs::create_directories(dir / "src");
  for (size_t k = 0; k < kFiles; ++k) {
    team.files.push_back(fileText(k));
    std::ofstream(dir / filePath(k), std::ios::binary) << team.files.back();
  }
  const std::string g = "git -C '" + dir.string() + "' ";
  sh("git init -q '" + dir.string() + "' && " + g + "config user.name Ada && " + g +
     "config user.email ada@example.com && " + g + "add -A && " + g + "commit -qm init");
  git_repository* repo = nullptr;
  git_oid oid;
  if (git_repository_open(&repo, dir.c_str()) != 0 || git_reference_name_to_id(&oid, repo, "HEAD") != 0)
    fail("cannot read HEAD of " + dir.string());
  team.head = git_oid_tostr_s(&oid);
  git_repository_free(repo);

  for (size_t r = 0; r < kReplicas; ++r)
    for (size_t t = 0; t < kThreadsPerReplica; ++t) makeThread(team, r, t, now);

  // Every replica's threads first (clocks 1 to 1,000), then the follow-ups
  // (from 1,001): each event on a thread folds after the thread's creation,
  // whichever replica wrote it.
  tacit::bench::Generator generator(dir);
  for (auto* phase : {&team.created, &team.followUps})
    for (size_t r = 0; r < kReplicas; ++r) {
      auto& events = (*phase)[r];
      generator.append(replicaId(r), events.size(), 500, 0, [&](uint64_t n) { return std::move(events[n - 1]); });
      events.clear();
    }
}  // the generator writes its pack

ChildRun run(const std::vector<std::string>& argv, const fs::path& dir, const std::string& what) {
  ChildRun r = tacit::bench::runChild(argv, dir);
  if (r.status != 0) fail(what + " exited with status " + std::to_string(r.status));
  return r;
}

// The SARIF file of the first report: JSON, one result per question, as many
// of each rule as generated, every anchor found exactly where it was made.
size_t checkSarif(const fs::path& file, const Team& team) {
  std::ifstream in(file, std::ios::binary);
  if (!in) fail("tacit report --output " + file.string() + " wrote no file");
  json sarif = json::parse(in, nullptr, false);
  if (sarif.is_discarded()) fail("the SARIF report " + file.string() + " is not JSON");
  const json* results = nullptr;
  if (sarif.contains("runs") && sarif["runs"].is_array() && !sarif["runs"].empty() && sarif["runs"][0].is_object() &&
      sarif["runs"][0].contains("results"))
    results = &sarif["runs"][0]["results"];
  if (!results || !results->is_array() || results->empty()) fail("the SARIF report has no runs[0].results");
  std::map<std::string, size_t> rules;
  for (const auto& r : *results) {
    std::string rule, status;
    try {  // a result that is not an object, or fields of the wrong type
      rule = r.value("ruleId", "(none)");
      status = r.contains("properties") ? r["properties"].value("anchorStatus", "(none)") : "(none)";
    } catch (const json::exception& e) {
      fail("a SARIF result is malformed (" + std::string(e.what()) + "): " + r.dump().substr(0, 300));
    }
    ++rules[rule];
    if (status != "exact") fail("a SARIF result's anchor is " + status + ", expected exact: " + r.dump().substr(0, 300));
  }
  if (rules != team.expected) {
    std::string got, want;
    for (const auto& [rule, n] : rules) got += " " + rule + "=" + std::to_string(n);
    for (const auto& [rule, n] : team.expected) want += " " + rule + "=" + std::to_string(n);
    fail("the SARIF report's results by rule are" + got + "; generated:" + want);
  }
  return results->size();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct Series {
  std::vector<double> seconds;
  long maxRssKb = 0;
  void add(const ChildRun& r) {
    seconds.push_back(r.seconds);
    maxRssKb = std::max(maxRssKb, r.maxRssKb);
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: tacit-bench-report path/to/tacit\n");
    return 2;
  }
  const std::string tacit = fs::absolute(argv[1]).string();
  git_libgit2_init();

  const fs::path root = fs::temp_directory_path() / ("tacit-bench-report-" + std::to_string(getpid()));
  fs::remove_all(root);
  scratch = root;
  const fs::path repo = root / "repo", sarifFile = root / "report.sarif";
  fs::create_directories(root);
  setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
  setenv("HOME", root.c_str(), 1);
  setenv("TACIT_NOW", kNow, 1);  // inherited by every child: ages and staleness are reproducible
  const auto now = store::parseTimestamp(kNow);
  if (!now) fail(std::string("cannot parse ") + kNow);

  Team team;
  const auto genStart = Clock::now();
  generate(team, repo, *now);
  const double genSeconds = std::chrono::duration<double>(Clock::now() - genStart).count();
  const size_t events = kReplicas * kThreadsPerReplica * (1 + kFollowUps);

  const std::vector<std::string> list = {tacit, "list", "--json"};
  const std::vector<std::string> report = {tacit, "report", "--format", "sarif", "--state", "all", "--output", "/dev/null"};
  std::vector<std::string> reportToFile = report;
  reportToFile.back() = sarifFile.string();
  const ChildRun first = run(reportToFile, repo, "tacit report --output " + sarifFile.string());
  const size_t results = checkSarif(sarifFile, team);
  const auto sarifBytes = fs::file_size(sarifFile);
  for (const char* file : {"index.sqlite", "index.sqlite-wal", "index.sqlite-shm"})
    fs::remove(repo / ".git" / "tacit" / file);
  const ChildRun cold = run(list, repo, "the first tacit list --json");

  const std::string loadBefore = tacit::bench::loadAverage();
  Series reports, lists;
  for (int i = 0; i < kRuns; ++i) {  // interleaved: both see the same machine
    reports.add(run(report, repo, "tacit report"));
    lists.add(run(list, repo, "tacit list --json"));
  }
  const std::string loadAfter = tacit::bench::loadAverage();
  fs::remove_all(root);

  const double reportMedian = median(reports.seconds), listMedian = median(lists.seconds);
  std::printf("tacit report beside tacit list --json: %zu events from %zu replicas, %zu threads on %zu files at HEAD "
              "(generated in %.1f s); TACIT_NOW=%s; load average %s before, %s after, on %u cores\n",
              events, kReplicas, kReplicas * kThreadsPerReplica, kFiles, genSeconds, kNow, loadBefore.c_str(),
              loadAfter.c_str(), std::thread::hardware_concurrency());
  std::printf("  %zu questions (%zu acknowledged), %zu notes, %zu lessons; expected findings:", team.questions,
              team.acknowledged, team.notes, team.lessons);
  for (const auto& [rule, n] : team.expected) std::printf(" %s %zu", rule.c_str() + 6, n);
  std::printf("\n");
  std::printf("  cold: first tacit report with no index, as in a fresh CI clone (builds the index, locates every "
              "question), to a file: %.3f s, %.1f MB; SARIF checked: %zu results, %.1f MB\n",
              first.seconds, first.maxRssKb / 1024.0, results, static_cast<double>(sarifBytes) / (1024.0 * 1024.0));
  std::printf("  cold: first tacit list --json with no index (builds it, locates every thread): %.3f s, %.1f MB\n",
              cold.seconds, cold.maxRssKb / 1024.0);
  std::printf("%-58s %9s %9s %12s\n", "command (warm index, 5 runs each, interleaved)", "median s", "min s",
              "peak RSS MB");
  auto row = [](const char* name, const Series& s) {
    std::printf("%-58s %9.3f %9.3f %12.1f\n", name, median(s.seconds),
                *std::min_element(s.seconds.begin(), s.seconds.end()), s.maxRssKb / 1024.0);
  };
  row("tacit list --json > /dev/null", lists);
  row("tacit report --format sarif --state all --output /dev/null", reports);
  std::printf("ratio report/list (medians): %.2f\n", reportMedian / listMedian);
  std::printf("goal: report under %.0f s: %s\n", kGoalSeconds, reportMedian < kGoalSeconds ? "met" : "NOT met");
  return 0;
}
