// The knowledge store at team scale: 100,000 events from 20 replicas.
//
// Data is generated in-process through the real EventLog (batches of events
// per commit, so generation is quick); every figure is then measured on the
// real `tacit` binary as a child process, against a baseline run in the same
// invocation: `git cat-file --batch` reading the same event blobs, the raw
// cost of reading the data.
//
//   first command `tacit show ID` in the fresh clone: creates the private
//                 store, then as below
//   cold index    `tacit show ID` with no index: read every ref, decode,
//                 validate, insert, fold, FTS, then locate and print one
//                 thread — the median of 5 runs, each beside a baseline run,
//                 compared with the median baseline
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

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/bench/child.h"
#include "tests/bench/store_fixture.h"

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

std::string hex(uint64_t a, uint64_t b) { return tacit::bench::hexId(a, b); }

// One replica's activity (tests/bench/store_fixture.h), with placeholder anchors.
void generate(tacit::bench::Generator& generator, const std::string& replica, size_t count, size_t batch,
              uint64_t seed, uint64_t lamportBase) {
  tacit::bench::generateTeamEvents(generator, replica, count, batch, seed, lamportBase);
}

constexpr int kRounds = 5;

// The run of median time; sorts `runs` by time.
Run median(std::vector<Run>& runs) {
  std::sort(runs.begin(), runs.end(), [](const Run& a, const Run& b) { return a.seconds < b.seconds; });
  return runs[runs.size() / 2];
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
  {
    tacit::bench::Generator generator(repo);
    for (size_t r = 0; r < replicas; ++r)
      generate(generator, hex(0xbe4c400000000000ull + r, r + 1), events / replicas, 500, 0x1000 + r, 0);
  }
  // A clone receives one pack, with deltas; the generator wrote one without.
  sh("git -C " + repo.string() + " repack -q -a -d");
  double genSeconds = std::chrono::duration<double>(Clock::now() - genStart).count();

  // Baseline: every event blob through `git cat-file --batch`.
  fs::path blobs = root / "blobs.txt";
  sh("git -C " + repo.string() + " for-each-ref --format='%(objectname)' refs/tacit | while read c; do git -C " +
     repo.string() + " ls-tree -r $c; done | awk '{print $3}' > " + blobs.string());
  // The first thread replica 0 created (its first event).
  const std::string firstThread = hex(0x1000, 1);
  // The first command in the clone also creates the private store: timed
  // apart from the cold index, which is then the median of kRounds runs,
  // each with the index deleted, interleaved with as many baseline runs
  // (one noisy moment on a shared machine moves a single run by 10%).
  Run first = run({tacit, "show", firstThread}, repo);
  std::vector<Run> baselines, colds;
  for (int i = 0; i < kRounds; ++i) {
    baselines.push_back(run({"git", "-C", repo.string(), "cat-file", "--batch"}, repo, "/dev/null", blobs.string()));
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(repo / (".git/tacit/index.sqlite" + std::string(suffix)));
    colds.push_back(run({tacit, "show", firstThread}, repo));
  }
  const Run baseline = median(baselines), cold = median(colds);
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
  {
    tacit::bench::Generator generator(other);
    generate(generator, hex(0x07e4000000000000ull, 99), merged, 500, 0x9999, events + 1);
  }
  sh("git -C " + other.string() + " push -q origin 'refs/tacit/v1/replicas/*:refs/tacit/v1/replicas/*'");
  Run merge = run({tacit, "sync"}, repo);

  std::printf("store benchmark: %zu events from %zu replicas (generated in %.1f s), %zu merged\n", events,
              replicas, genSeconds, merged);
  std::printf("%-34s %10s %10s\n", "measure", "seconds", "ratio");
  std::printf("%-34s %10.3f %10s\n", "baseline: git cat-file --batch", baseline.seconds, "1.00");
  std::printf("%-34s %10.3f %10.2f\n", "first command (+ private store)", first.seconds, first.seconds / baseline.seconds);
  std::printf("%-34s %10.3f %10.2f\n", "cold index (tacit show)", cold.seconds, cold.seconds / baseline.seconds);
  std::printf("%-34s %10.3f %10.2f\n", "warm start (tacit show)", warm.seconds, warm.seconds / baseline.seconds);
  std::printf("%-34s %10.3f %10.2f\n", "tacit list --json (all threads)", list.seconds, list.seconds / baseline.seconds);
  std::printf("%-34s %10.3f %10.2f\n", "no-op tacit sync", noop.seconds, noop.seconds / baseline.seconds);
  std::printf("%-34s %10.3f %10.2f\n", "tacit sync merging new events", merge.seconds, merge.seconds / baseline.seconds);
  std::printf("baseline and cold index: medians of %d interleaved runs (cold index: min %.3f, max %.3f s)\n",
              kRounds, colds.front().seconds, colds.back().seconds);
  std::printf("peak RSS of the cold index: %.1f MB (first command: %.1f MB)\n", cold.maxRssKb / 1024.0,
              first.maxRssKb / 1024.0);
  std::printf("goals: cold index <= 3x baseline, warm start < 0.100 s, RSS < 150 MB\n");
  if (flag(argc, argv, "--keep", 0)) std::printf("kept %s\n", root.c_str());
  else fs::remove_all(root);
  return 0;
}
