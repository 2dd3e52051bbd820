// The knowledge store at team scale: 100,000 events from 20 replicas.
//
// Data is generated in-process through the real EventLog (batches of events
// per commit, so generation is quick); every figure is then measured on the
// real `tacit` binary as a child process, against a baseline run in the same
// invocation: `git cat-file --batch` reading the same event blobs, the raw
// cost of reading the data.
//
//   cold index    `tacit show ID` with no index: read every ref, decode,
//                 validate, insert, fold, FTS, then locate and print one
//                 thread — compared with the baseline
//   warm start    the same command with the index up to date (`list --path`
//                 would locate every thread to learn where it is now)
//   list --json   every thread printed as JSON
//   peak RSS      of the cold index run (wait4's ru_maxrss)
//   no-op sync    `tacit sync` against a bare remote that has everything
//   merge         `tacit sync` that fetches 10,000 new events from another clone
//
// Usage: tacit-bench-store <path/to/tacit> [--events N] [--replicas R] [--merge N] [--keep 1]
#include <git2.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "server/store/event.h"
#include "server/store/event_log.h"
#include "tests/bench/child.h"

namespace {

namespace fs = std::filesystem;
using namespace tacit::store;
using Clock = std::chrono::steady_clock;

using Run = tacit::bench::ChildRun;

// Runs argv in `dir` with stdout to `out` (or /dev/null), measuring wall time
// and peak RSS of the child; a failing child ends the benchmark.
Run run(const std::vector<std::string>& argv, const fs::path& dir, const std::string& out = "/dev/null",
        const std::string& in = "/dev/null") {
  Run r = tacit::bench::runChild(argv, dir, out, in);
  if (r.status != 0) {
    std::fprintf(stderr, "command failed (%d):", r.status);
    for (const auto& a : argv) std::fprintf(stderr, " %s", a.c_str());
    std::fprintf(stderr, "\n");
    std::exit(1);
  }
  return r;
}

void sh(const std::string& command) {
  if (std::system(command.c_str()) != 0) {
    std::fprintf(stderr, "failed: %s\n", command.c_str());
    std::exit(1);
  }
}

std::string hex(uint64_t a, uint64_t b) {
  char buffer[33];
  std::snprintf(buffer, sizeof buffer, "%016llx%016llx", static_cast<unsigned long long>(a),
                static_cast<unsigned long long>(b));
  return buffer;
}

// Appends `count` events to `replica`'s log in `repoPath`, in commits of
// `batch`: one thread created for every 5 events, the rest replies, acks,
// answers and state changes on the threads this replica created.
void generate(const fs::path& repoPath, const std::string& replica, size_t count, size_t batch,
              uint64_t seed, uint64_t lamportBase) {
  git_repository* repo = nullptr;
  if (git_repository_open(&repo, repoPath.c_str()) != 0) std::exit(1);
  EventLog log(repo);
  // The log turns fsync on for every write (durability for real use); the
  // generated data needs none, and fsync would make generating it take minutes.
  git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 0);
  Author author{"Bench " + replica.substr(0, 4), "bench-" + replica.substr(0, 4) + "@example.com"};
  std::vector<std::string> threads;
  uint64_t n = 0;
  for (size_t written = 0; written < count;) {
    size_t take = std::min(batch, count - written);
    log.append(
        replica,
        [&](uint64_t tip) {
          std::vector<Event> events;
          uint64_t lamport = std::max(tip, lamportBase);
          for (size_t i = 0; i < take; ++i) {
            Event e;
            e.id = hex(seed, ++n);
            e.replica = replica;
            e.lamport = ++lamport;
            e.ts = 1'790'000'000'000 + static_cast<int64_t>(lamport) * 1000;
            e.author = author;
            if (threads.empty() || n % 5 == 1) {
              e.type = EventType::Created;
              e.thread = e.id;
              e.payload = {{"kind", n % 3 == 0 ? "question" : "note"},
                           {"body", "Thread " + std::to_string(n) + " about the cache invalidation in module " +
                                        std::to_string(n % 97)},
                           {"private", false},
                           {"assignees", json::array({"owner@example.com"})},
                           {"context", json::object()},
                           {"anchor",
                            {{"path", "src/file" + std::to_string(n % 200) + ".cpp"},
                             {"commit", std::string(40, 'a')},
                             {"blob", std::string(40, 'b')},
                             {"start_line", 10},
                             {"end_line", 12},
                             {"text", "int cache = compute();\nif (cache) flush();\nreturn cache;\n"},
                             {"before", "// context\n"},
                             {"after", "}\n"}}}};
              threads.push_back(e.id);
            } else {
              e.thread = threads[(n * 7) % threads.size()];
              switch (n % 4) {
                case 0: e.type = EventType::Reply; e.payload = {{"body", "A reply, number " + std::to_string(n)}}; break;
                case 1: e.type = EventType::Reaction; e.payload = {{"reaction", "ack"}}; break;
                case 2: e.type = EventType::Answer; e.payload = {{"body", "The answer is " + std::to_string(n)}}; break;
                default: e.type = EventType::State; e.payload = {{"state", n % 8 == 3 ? "resolved" : "open"}}; break;
              }
            }
            events.push_back(std::move(e));
          }
          return events;
        },
        "bench", author);
    written += take;
  }
  git_repository_free(repo);
}

size_t flag(int argc, char** argv, const char* name, size_t fallback) {
  for (int i = 2; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return std::strtoull(argv[i + 1], nullptr, 10);
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: tacit-bench-store <tacit> [--events N] [--replicas R]\n");
    return 2;
  }
  const std::string tacit = fs::absolute(argv[1]).string();
  const size_t events = flag(argc, argv, "--events", 100000);
  const size_t replicas = flag(argc, argv, "--replicas", 20);
  const size_t merged = flag(argc, argv, "--merge", 10000);
  git_libgit2_init();

  fs::path root = fs::temp_directory_path() / ("tacit-bench-store-" + std::to_string(getpid()));
  fs::create_directories(root);
  fs::path repo = root / "repo", remote = root / "remote.git", other = root / "other";
  setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
  setenv("HOME", root.c_str(), 1);
  sh("git init -q " + repo.string() + " && git -C " + repo.string() +
     " config user.name Bench && git -C " + repo.string() + " config user.email bench@example.com");

  auto genStart = Clock::now();
  for (size_t r = 0; r < replicas; ++r)
    generate(repo, hex(0xbe4c400000000000ull + r, r + 1), events / replicas, 500, 0x1000 + r, 0);
  // A clone receives refs as packs; pack the generated loose objects alike.
  sh("git -C " + repo.string() + " repack -q -a -d");
  double genSeconds = std::chrono::duration<double>(Clock::now() - genStart).count();

  // Baseline: every event blob through `git cat-file --batch`.
  fs::path blobs = root / "blobs.txt";
  sh("git -C " + repo.string() + " for-each-ref --format='%(objectname)' refs/tacit | while read c; do git -C " +
     repo.string() + " ls-tree -r $c; done | awk '{print $3}' > " + blobs.string());
  Run baseline = run({"git", "-C", repo.string(), "cat-file", "--batch"}, repo, "/dev/null", blobs.string());

  // The first thread replica 0 created (its first event).
  const std::string firstThread = hex(0x1000, 1);
  Run cold = run({tacit, "show", firstThread}, repo);
  Run warm = run({tacit, "show", firstThread}, repo);
  Run list = run({tacit, "list", "--json"}, repo);

  // Sync: a bare remote with everything, then a sync that has nothing to do.
  sh("git init -q --bare " + remote.string() + " && git -C " + repo.string() + " remote add origin " +
     remote.string() + " && git -C " + repo.string() + " push -q origin 'refs/tacit/v1/replicas/*:refs/tacit/v1/replicas/*'");
  run({tacit, "sync"}, repo);  // first sync: fetches its own refs back under remotes/
  Run noop = run({tacit, "sync"}, repo);

  // Merge: another clone writes `merged` events; this clone syncs them in.
  sh("git clone -q " + remote.string() + " " + other.string() + " 2>/dev/null; git -C " + other.string() +
     " config user.name Other && git -C " + other.string() + " config user.email other@example.com");
  generate(other, hex(0x07e4000000000000ull, 99), merged, 500, 0x9999, events + 1);
  sh("git -C " + other.string() + " push -q origin 'refs/tacit/v1/replicas/*:refs/tacit/v1/replicas/*'");
  Run merge = run({tacit, "sync"}, repo);

  std::printf("store benchmark: %zu events from %zu replicas (generated in %.1f s), %zu merged\n", events,
              replicas, genSeconds, merged);
  std::printf("%-34s %10s %10s\n", "measure", "seconds", "ratio");
  std::printf("%-34s %10.3f %10s\n", "baseline: git cat-file --batch", baseline.seconds, "1.00");
  std::printf("%-34s %10.3f %10.2f\n", "cold index (tacit show)", cold.seconds, cold.seconds / baseline.seconds);
  std::printf("%-34s %10.3f %10.2f\n", "warm start (tacit show)", warm.seconds, warm.seconds / baseline.seconds);
  std::printf("%-34s %10.3f %10.2f\n", "tacit list --json (all threads)", list.seconds, list.seconds / baseline.seconds);
  std::printf("%-34s %10.3f %10.2f\n", "no-op tacit sync", noop.seconds, noop.seconds / baseline.seconds);
  std::printf("%-34s %10.3f %10.2f\n", "tacit sync merging new events", merge.seconds, merge.seconds / baseline.seconds);
  std::printf("peak RSS of the cold index: %.1f MB\n", cold.maxRssKb / 1024.0);
  std::printf("goals: cold index <= 3x baseline, warm start < 0.100 s, RSS < 150 MB\n");
  if (flag(argc, argv, "--keep", 0)) std::printf("kept %s\n", root.c_str());
  else fs::remove_all(root);
  return 0;
}
