// Anchors through a long history, against git's own line tracking.
//
// A history of --commits commits on --files files of 1,000-10,000 lines of
// C++-looking code is generated with `git fast-import` from a deterministic
// simulation: every file is a vector of lines, every line has a lineage (an
// id kept through edits of its text) and a version (bumped by each edit), so
// where any line went is known without asking git. Commits touch 1-3 hunks in
// 1-2 files (insert, delete or edit a few lines; files edited more often than
// others, as in real code); 20 commits instead cut a block of 10-30 lines from
// one file and paste it into another (code moved, which `git log -L` does not
// follow). The simulation is checked against git before anything is measured:
// the blob of every anchored file at its anchor's commit, and of every file at
// five checkpoints (HEAD among them), must hash to what the simulation holds.
//
// --anchors ranges of 1-20 lines are recorded (anchor::record) at commits of
// the first half of history, 2 of them on each moved block before its move;
// all are located at HEAD. The truth for an anchor at HEAD is: intact (every
// lineage present, unedited, consecutive; in its file or moved to another),
// changed (some lines survive, edited or split; the expected place spans the
// survivors) or deleted (none survive: the only right answer is Orphaned).
// Each answer of tacit is then: right (intact: Exact or Moved at those very
// lines; changed: found overlapping the survivors; deleted: Orphaned), right
// place with another status, next to it (changed: within kContextLines of the
// survivors, where the edited-away lines were), same text elsewhere (the
// anchored text byte for byte at another place: duplicate lines make that
// ambiguous, not wrong), orphaned (a miss; acceptable for changed), or a wrong
// place reported as found, which the engine promises never to give.
//
//   tacit, all anchors       every anchor through one Locator on one open
//                            repository, at once (Locator::locateAll, which
//                            takes them file by file): no location cached, as
//                            when a listing or a file's threads meet a new HEAD
//   tacit, one at a time     the same, one locate() call per anchor in the
//                            order they were made (the time by truth); the
//                            answers must be locateAll's
//   tacit, cold              each sampled anchor with a freshly opened repository
//                            and a new Locator: nothing cached, like a git process
//   git log -L               `git log -L S,E:PATH OLD..HEAD`, one process per
//                            sampled anchor: the baseline of the goal
//   git blame --reverse      `git blame --reverse OLD..HEAD -L S,E -- PATH`, one
//                            process per sampled anchor (git's answer, see below)
//
// Why two git commands: `git log -L` walks from the tip backwards and reads
// S,E in the starting revision (HEAD), so it cannot say where lines S,E of OLD
// went; it can only show how a range known at HEAD got there. git's forward
// answer comes from the same line-diff machinery run the other way, `git blame
// --reverse`: for each line of OLD, the last commit it exists in and its line
// number there. Where every line of the range still exists at HEAD, git follows
// the range and its answer is [first, last] of those line numbers; tacit agrees
// when it reports that range in that file. `git log -L` is then run on git's
// range at HEAD (on the anchor's own numbers, clamped to the file, where git
// does not follow), which is the same walk and the same diffs; its output must
// show no commit touching a range git found intact, a check of the agreement
// by `git log -L` itself. Both git commands are timed; the goal's ratio is
// against `git log -L` alone, which favours git (it needs both to answer).
//
// "Cold" is per process or per Locator: the generated pack stays in the OS
// page cache for both sides (dropping it would slow every other process on
// the machine).
//
// Usage: tacit-bench-anchor [--commits N=5000] [--files F=20] [--anchors A=1000] [--git-sample S=40]
//                           [--seed X=1] [--keep 1] [--answers FILE]
// --answers writes every anchor's answer, a line each, to compare two builds.
#include <git2.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/anchor/anchor.h"
#include "tests/bench/child.h"

namespace {

namespace fs = std::filesystem;
using namespace tacit::anchor;
using Clock = std::chrono::steady_clock;

double since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "generation failed: %s\n", message.c_str());
  std::exit(1);
}

// Runs argv in `dir` with stdout to `out`, timing the child; a failing child
// ends the benchmark, since every command run here must succeed.
double run(const std::vector<std::string>& argv, const fs::path& dir, const std::string& out = "/dev/null") {
  tacit::bench::ChildRun r = tacit::bench::runChild(argv, dir, out);
  if (r.status != 0) {
    std::string command;
    for (const auto& a : argv) command += " " + a;
    fail("command failed:" + command);
  }
  return r.seconds;
}

void sh(const std::string& command) {
  if (std::system(command.c_str()) != 0) fail(command);
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

uint64_t mix(uint64_t x) {  // splitmix64: line text from (lineage, version) without storing a table
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// ---------------------------------------------------------------------------
// The simulated history.

enum Kind : uint8_t { Header, Body, Return, Close, Blank };

struct Line {
  uint32_t lineage = 0;  // kept when the line's text is edited
  uint32_t version = 0;  // bumped by each edit
  Kind kind = Body;
  std::string text;      // without its '\n'
};

const char* const kWords[] = {"request", "buffer", "cache",  "index", "offset", "limit",  "total", "value",
                              "count",   "state",  "handle", "token", "entry",  "budget", "queue", "frame"};
const char* word(uint64_t h) { return kWords[h % (sizeof kWords / sizeof *kWords)]; }

// Text that reads like code: braces, blank lines and `return total;` repeat
// (as in real files, and they make diffs ambiguous the way real ones are);
// every other line names its lineage, and an edit changes one number in it,
// so an edited line stays similar to what it was.
std::string textOf(Kind kind, uint32_t lineage, uint32_t version) {
  const uint64_t h = mix(lineage), n = mix((uint64_t{lineage} << 20) ^ version) % 1000;
  char b[200];
  switch (kind) {
    case Header:
      std::snprintf(b, sizeof b, "int %s_%s_%u(const Request& %s, int limit%s) {", word(h), word(h >> 8),
                    lineage, word(h >> 16), version ? (", int v" + std::to_string(n)).c_str() : "");
      return b;
    case Return: return "  return total;";
    case Close: return "}";
    case Blank: return "";
    case Body: break;
  }
  switch ((h >> 24) % 7) {
    case 0: std::snprintf(b, sizeof b, "  int %s_%u = compute_%s(%s, %llu);", word(h), lineage, word(h >> 8),
                          word(h >> 16), (unsigned long long)n); break;
    case 1:
      std::snprintf(b, sizeof b, "  if (%s_%u > %llu) return %s;", word(h), lineage, (unsigned long long)n,
                    word(h >> 8));
      break;
    case 2: std::snprintf(b, sizeof b, "  total += lookup_%s[%u] * %s.weight(%llu);", word(h), lineage,
                          word(h >> 8), (unsigned long long)n); break;
    case 3:
      std::snprintf(b, sizeof b, "  // Keep the %s in step with %s entry %u before the next flush (%llu).",
                    word(h), word(h >> 8), lineage, (unsigned long long)n);
      break;
    case 4:
      std::snprintf(b, sizeof b, "  logger.debug(\"%s %u took {} ms\", elapsed_%llu);", word(h), lineage,
                    (unsigned long long)n);
      break;
    case 5:
      std::snprintf(b, sizeof b, "  for (int i = 0; i < %llu; ++i) %s[i] ^= mask_%u;", (unsigned long long)n,
                    word(h), lineage);
      break;
    default: std::snprintf(b, sizeof b, "    %s.push_back(make_%s(%llu, %s_%u));", word(h), word(h >> 8),
                           (unsigned long long)n, word(h >> 16), lineage); break;
  }
  return b;
}

struct File {
  std::string path;
  double weight = 1;  // how often commits touch it
  std::vector<Line> lines;
};

std::string render(const File& f) {
  std::string out;
  out.reserve(f.lines.size() * 48);
  for (const auto& l : f.lines) (out += l.text) += '\n';
  return out;
}

std::string renderRange(const File& f, size_t begin, size_t end) {  // 0-based, half-open
  std::string out;
  for (size_t i = begin; i < end && i < f.lines.size(); ++i) (out += f.lines[i].text) += '\n';
  return out;
}

std::string blobId(const std::string& content) {
  git_oid oid;
  if (git_odb_hash(&oid, content.data(), content.size(), GIT_OBJECT_BLOB) != 0) fail("git_odb_hash");
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &oid);
  return hex;
}

class Simulation {
 public:
  explicit Simulation(uint64_t seed) : rng_(seed) {}

  uint64_t pick(uint64_t lo, uint64_t hi) { return lo + rng_() % (hi - lo + 1); }  // inclusive
  bool chance(double p) { return (rng_() % 1'000'000) < p * 1'000'000; }

  Line newLine(Kind kind) {
    Line l{++lastLineage_, 0, kind, {}};
    l.text = textOf(kind, l.lineage, 0);
    return l;
  }
  void edit(Line& l) {
    ++l.version;
    l.text = textOf(l.kind, l.lineage, l.version);
  }
  // A function: header, 2..max body lines, return, brace, blank.
  void appendFunction(std::vector<Line>& out, size_t maxBody) {
    out.push_back(newLine(Header));
    for (size_t n = pick(2, maxBody); n > 0; --n) out.push_back(newLine(Body));
    out.push_back(newLine(Return));
    out.push_back(newLine(Close));
    out.push_back(newLine(Blank));
  }

  std::vector<File> files;

  void createFiles(size_t count) {
    const char* const dirs[] = {"src/core", "src/net", "src/storage", "src/ui", "lib/util"};
    for (size_t i = 0; i < count; ++i) {
      File f;
      f.path = std::string(dirs[i % 5]) + "/" + word(mix(i * 7 + 1)) + "_" + word(mix(i * 7 + 2)) + "_" +
               std::to_string(i) + ".cpp";
      f.weight = 1.0 / std::pow(double(i + 1), 0.8);  // a few hot files, a long tail
      const size_t target = pick(1000, 10000);
      while (f.lines.size() < target) appendFunction(f.lines, 25);
      files.push_back(std::move(f));
    }
  }

  size_t pickFile() {
    double total = 0;
    for (const auto& f : files) total += f.weight;
    double r = double(rng_() % 1'000'000) / 1'000'000 * total;
    for (size_t i = 0; i < files.size(); ++i)
      if ((r -= files[i].weight) < 0) return i;
    return files.size() - 1;
  }

  // One hunk: insert, delete or edit a few lines; the mix keeps files in
  // 1,000-10,000 lines.
  void hunk(File& f) {
    auto& lines = f.lines;
    double pInsert = 0.35, pDelete = 0.25;
    if (lines.size() > 9500) pInsert = 0.1, pDelete = 0.6;
    if (lines.size() < 1500) pInsert = 0.6, pDelete = 0.1;
    const double r = double(rng_() % 1'000'000) / 1'000'000;
    if (r < pInsert) {
      std::vector<Line> block;
      if (chance(0.2)) {
        appendFunction(block, 8);
      } else {
        for (size_t n = pick(1, 6); n > 0; --n) block.push_back(newLine(Body));
      }
      const size_t at = pick(0, lines.size());
      lines.insert(lines.begin() + long(at), std::make_move_iterator(block.begin()),
                   std::make_move_iterator(block.end()));
    } else if (r < pInsert + pDelete) {
      const size_t n = pick(1, 6), at = pick(0, lines.size() - n);
      lines.erase(lines.begin() + long(at), lines.begin() + long(at + n));
    } else {
      // Edit lines that say something (a brace has nothing to edit).
      size_t at = pick(0, lines.size() - 1);
      for (int tries = 0; tries < 20 && lines[at].kind != Body && lines[at].kind != Header; ++tries)
        at = pick(0, lines.size() - 1);
      for (size_t n = pick(1, 4); n > 0 && at < lines.size(); --n, ++at)
        if (lines[at].kind == Body || lines[at].kind == Header) edit(lines[at]);
    }
  }

 private:
  std::mt19937_64 rng_;
  uint32_t lastLineage_ = 0;
};

// ---------------------------------------------------------------------------
// Anchors and what should become of them.

enum class Truth { Intact, IntactMoved, Changed, Deleted };

struct Anchor {
  size_t commit = 0;  // index in history
  size_t file = 0;
  uint32_t start = 0, end = 0;  // 1-based, inclusive
  std::vector<uint32_t> lineages, versions;
  std::string blob;   // what the simulation says the blob is; checked against git
  bool onMovedBlock = false;
  bool generic = false;  // only braces, blank lines and `return total;`: text found in many places
  Recorded recorded;
  bool recordedOk = false;
  // Truth at HEAD: file and lines (intact), or the span of what survives (changed).
  Truth truth = Truth::Deleted;
  size_t truthFile = 0;
  uint32_t truthStart = 0, truthEnd = 0;
};

struct MovePlan {
  size_t at = 0, moveAt = 0, from = 0;
  std::vector<uint32_t> lineages;
  bool done = false;
};

struct Checkpoint {
  size_t commit;
  std::vector<std::string> blobs;  // per file
};

void makeAnchor(Simulation& sim, std::vector<Anchor>& anchors, size_t commit, size_t file, size_t begin,
                size_t count, bool moved, std::map<size_t, std::string>& blobCache) {
  const File& f = sim.files[file];
  Anchor a;
  a.commit = commit;
  a.file = file;
  a.start = uint32_t(begin + 1);
  a.end = uint32_t(begin + count);
  for (size_t i = begin; i < begin + count; ++i) {
    a.lineages.push_back(f.lines[i].lineage);
    a.versions.push_back(f.lines[i].version);
  }
  a.generic = std::all_of(f.lines.begin() + long(begin), f.lines.begin() + long(begin + count),
                          [](const Line& l) { return l.kind >= Return; });  // Return, Close, Blank
  auto it = blobCache.find(file);
  if (it == blobCache.end()) it = blobCache.emplace(file, blobId(render(f))).first;
  a.blob = it->second;
  a.onMovedBlock = moved;
  anchors.push_back(std::move(a));
}

struct Where {
  size_t file;
  uint32_t pos;  // 0-based
  uint32_t version;
};

void judge(Anchor& a, const std::unordered_map<uint32_t, Where>& head) {
  std::vector<const Where*> found;
  bool unedited = true;
  for (size_t i = 0; i < a.lineages.size(); ++i) {
    auto it = head.find(a.lineages[i]);
    if (it == head.end()) {
      unedited = false;
      continue;
    }
    found.push_back(&it->second);
    if (it->second.version != a.versions[i]) unedited = false;
  }
  if (found.empty()) {
    a.truth = Truth::Deleted;
    a.truthFile = a.file;
    return;
  }
  bool consecutive = unedited;
  for (size_t i = 1; consecutive && i < found.size(); ++i)
    consecutive = found[i]->file == found[0]->file && found[i]->pos == found[i - 1]->pos + 1;
  if (consecutive) {
    a.truth = found[0]->file == a.file ? Truth::Intact : Truth::IntactMoved;
    a.truthFile = found[0]->file;
    a.truthStart = found[0]->pos + 1;
    a.truthEnd = found.back()->pos + 1;
    return;
  }
  // Changed: the file holding most survivors, and their span there.
  std::map<size_t, size_t> perFile;
  for (auto* w : found) ++perFile[w->file];
  a.truthFile = std::max_element(perFile.begin(), perFile.end(),
                                 [](auto& x, auto& y) { return x.second < y.second; })->first;
  a.truthStart = UINT32_MAX;
  for (auto* w : found)
    if (w->file == a.truthFile) {
      a.truthStart = std::min(a.truthStart, w->pos + 1);
      a.truthEnd = std::max(a.truthEnd, w->pos + 1);
    }
  a.truth = Truth::Changed;
}

const char* option(int argc, char** argv, const char* name) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  return nullptr;
}

size_t flag(int argc, char** argv, const char* name, size_t fallback) {
  const char* value = option(argc, argv, name);
  return value ? std::strtoull(value, nullptr, 10) : fallback;
}

std::string readBlob(git_repository* repo, const std::string& spec, std::string* id = nullptr) {
  git_object* obj = nullptr;
  if (git_revparse_single(&obj, repo, spec.c_str()) != 0 || git_object_type(obj) != GIT_OBJECT_BLOB)
    fail("no blob " + spec);
  auto* blob = reinterpret_cast<git_blob*>(obj);
  std::string content(static_cast<const char*>(git_blob_rawcontent(blob)), size_t(git_blob_rawsize(blob)));
  if (id) {
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof hex, git_object_id(obj));
    *id = hex;
  }
  git_object_free(obj);
  return content;
}

std::string describe(const Location& l) {
  char b[512];
  std::snprintf(b, sizeof b, "%s %s:%u-%u (%.2f, %s)", std::string(toString(l.status)).c_str(),
                l.path.c_str(), l.startLine, l.endLine, l.confidence, l.how.c_str());
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  const size_t commits = std::max<size_t>(flag(argc, argv, "--commits", 5000), 10);
  const size_t fileCount = std::max<size_t>(flag(argc, argv, "--files", 20), 2);
  const size_t anchorCount = std::max<size_t>(flag(argc, argv, "--anchors", 1000), 1);
  const size_t gitSample = flag(argc, argv, "--git-sample", 40);
  const uint64_t seed = flag(argc, argv, "--seed", 1);
  const size_t moveCount = std::min<size_t>(20, anchorCount / 2);
  git_libgit2_init();

  char rootTemplate[] = "/tmp/tacit-bench-anchor-XXXXXX";
  if (!mkdtemp(rootTemplate)) fail("mkdtemp");
  const fs::path root = rootTemplate, repoPath = root / "repo";
  setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
  setenv("HOME", root.c_str(), 1);
  sh("git init -q -b main " + repoPath.string());

  // ---- Plan: when anchors are made, which blocks move and when.
  Simulation sim(seed);
  const size_t oldHalf = commits / 2;
  std::vector<MovePlan> moves(moveCount);
  for (auto& m : moves) {
    m.at = sim.pick(0, oldHalf - 1);
    m.moveAt = sim.pick(m.at + 1, commits - 1);
  }
  std::vector<size_t> anchorCommits(anchorCount - 2 * moveCount);
  for (auto& c : anchorCommits) c = sim.pick(0, oldHalf - 1);
  std::sort(anchorCommits.begin(), anchorCommits.end());
  std::vector<size_t> checkpointAt = {0, commits / 4, commits / 2, 3 * commits / 4, commits - 1};

  // ---- Generate: the simulation and the fast-import stream in one pass.
  auto genStart = Clock::now();
  // No deltas and light compression while importing (fast-import would delta
  // each blob against the last one written, whatever its path): the repack
  // below makes the deltas a maintained repository has.
  const std::string importCommand = "git -C " + repoPath.string() +
                                    " -c pack.compression=1 fast-import --quiet --big-file-threshold=1k"
                                    " --export-marks=" + (root / "marks").string();
  std::signal(SIGPIPE, SIG_IGN);  // a fast-import that dies shows in pclose, not as our death
  FILE* import = popen(importCommand.c_str(), "w");
  if (!import) fail("popen git fast-import");
  std::vector<Anchor> anchors;
  std::vector<Checkpoint> checkpoints;
  size_t nextAnchor = 0, movedBlocks = 0;
  uint64_t bytesWritten = 0;
  for (size_t i = 0; i < commits; ++i) {
    std::vector<bool> touched(fileCount, false);
    std::string message;
    if (i == 0) {
      sim.createFiles(fileCount);
      touched.assign(fileCount, true);
      message = "Initial import";
    } else {
      for (auto& m : moves) {
        if (m.moveAt != i) continue;
        // Cut whatever now spans the block's surviving lines (edits may have
        // grown or shrunk it) and paste it at a random place in another file.
        auto& from = sim.files[m.from].lines;
        size_t lo = SIZE_MAX, hi = 0;
        for (size_t p = 0; p < from.size(); ++p)
          if (std::find(m.lineages.begin(), m.lineages.end(), from[p].lineage) != m.lineages.end())
            lo = std::min(lo, p), hi = p;
        if (lo == SIZE_MAX) continue;
        size_t to = sim.pick(0, fileCount - 2);
        if (to >= m.from) ++to;
        std::vector<Line> block(std::make_move_iterator(from.begin() + long(lo)),
                                std::make_move_iterator(from.begin() + long(hi + 1)));
        from.erase(from.begin() + long(lo), from.begin() + long(hi + 1));
        auto& dest = sim.files[to].lines;
        dest.insert(dest.begin() + long(sim.pick(0, dest.size())), std::make_move_iterator(block.begin()),
                    std::make_move_iterator(block.end()));
        touched[m.from] = touched[to] = true;
        m.done = true;
        ++movedBlocks;
        message += "Move a block of " + std::to_string(block.size()) + " lines from " +
                   sim.files[m.from].path + " to " + sim.files[to].path + "\n";
      }
      if (message.empty()) {
        const size_t nFiles = sim.chance(0.3) ? 2 : 1;
        for (size_t k = 0; k < nFiles; ++k) {
          const size_t f = sim.pickFile();
          const size_t hunks = sim.chance(0.5) ? 1 : sim.chance(0.7) ? 2 : 3;
          for (size_t h = 0; h < hunks; ++h) sim.hunk(sim.files[f]);
          touched[f] = true;
        }
        message = "Change " + std::to_string(i);
      }
    }
    std::string stream = "commit refs/heads/main\nmark :" + std::to_string(i + 1) +
                         "\ncommitter Bench <bench@example.com> " + std::to_string(1'700'000'000 + i * 600) +
                         " +0000\ndata " + std::to_string(message.size()) + "\n" + message + "\n";
    std::fwrite(stream.data(), 1, stream.size(), import);
    for (size_t f = 0; f < fileCount; ++f) {
      if (!touched[f]) continue;
      const std::string content = render(sim.files[f]);
      const std::string head =
          "M 100644 inline " + sim.files[f].path + "\ndata " + std::to_string(content.size()) + "\n";
      std::fwrite(head.data(), 1, head.size(), import);
      std::fwrite(content.data(), 1, content.size(), import);
      std::fputc('\n', import);
      bytesWritten += content.size();
    }
    std::fputc('\n', import);

    // Anchors made at this commit, on the content just committed.
    std::map<size_t, std::string> blobCache;
    for (; nextAnchor < anchorCommits.size() && anchorCommits[nextAnchor] == i; ++nextAnchor) {
      const size_t f = sim.pick(0, fileCount - 1);
      const size_t n = sim.chance(0.5) ? sim.pick(1, 5) : sim.pick(1, 20);
      makeAnchor(sim, anchors, i, f, sim.pick(0, sim.files[f].lines.size() - n), n, false, blobCache);
    }
    for (auto& m : moves) {
      if (m.at != i) continue;
      m.from = sim.pick(0, fileCount - 1);
      const auto& lines = sim.files[m.from].lines;
      const size_t len = sim.pick(10, 30), begin = sim.pick(0, lines.size() - len);
      for (size_t p = begin; p < begin + len; ++p) m.lineages.push_back(lines[p].lineage);
      for (int k = 0; k < 2; ++k) {
        const size_t n = sim.pick(1, std::min<size_t>(20, len));
        makeAnchor(sim, anchors, i, m.from, begin + sim.pick(0, len - n), n, true, blobCache);
      }
    }
    if (std::find(checkpointAt.begin(), checkpointAt.end(), i) != checkpointAt.end()) {
      Checkpoint c{i, {}};
      for (const auto& f : sim.files) c.blobs.push_back(blobId(render(f)));
      checkpoints.push_back(std::move(c));
    }
  }
  if (pclose(import) != 0) fail("git fast-import");
  const double importSeconds = since(genStart);
  // What a maintained clone has: a pack with deltas along each file's
  // history, as gc makes, and a commit-graph (git log walks faster with it:
  // fair to the baseline).
  auto repackStart = Clock::now();
  sh("git -C " + repoPath.string() + " repack -q -a -d -f --window=10 --depth=50");
  const double repackSeconds = since(repackStart);
  sh("git -C " + repoPath.string() + " commit-graph write --reachable 2>/dev/null");
  uintmax_t packBytes = 0;
  for (const auto& e : fs::directory_iterator(repoPath / ".git" / "objects" / "pack"))
    if (e.path().extension() == ".pack") packBytes += e.file_size();

  std::vector<std::string> shas(commits);
  {
    std::istringstream marks(slurp(root / "marks"));
    std::string mark, sha;
    while (marks >> mark >> sha) {
      const size_t n = std::strtoull(mark.c_str() + 1, nullptr, 10);
      if (n >= 1 && n <= commits) shas[n - 1] = sha;
    }
    for (const auto& s : shas)
      if (s.size() != 40) fail("marks file incomplete");
  }
  const std::string headSha = shas.back();
  const double genSeconds = since(genStart);

  // ---- Check the simulation against git, then record the anchors from git's blobs.
  git_repository* repo = nullptr;
  if (git_repository_open(&repo, repoPath.c_str()) != 0) fail("git_repository_open");
  size_t blobsChecked = 0;
  for (const auto& c : checkpoints)
    for (size_t f = 0; f < fileCount; ++f) {
      std::string id;
      readBlob(repo, shas[c.commit] + ":" + sim.files[f].path, &id);
      if (id != c.blobs[f])
        fail("simulation differs from git: " + sim.files[f].path + " at commit " + std::to_string(c.commit));
      ++blobsChecked;
    }
  size_t recordFailures = 0;
  for (auto& a : anchors) {
    std::string id;
    const std::string content = readBlob(repo, shas[a.commit] + ":" + sim.files[a.file].path, &id);
    if (id != a.blob)
      fail("simulation differs from git: " + sim.files[a.file].path + " at commit " +
           std::to_string(a.commit));
    ++blobsChecked;
    auto r = record(sim.files[a.file].path, shas[a.commit], content, a.start, a.end);
    if (r) a.recorded = std::move(*r), a.recordedOk = true;
    else ++recordFailures;
  }

  // ---- The truth at HEAD.
  std::unordered_map<uint32_t, Where> head;
  size_t headLines = 0;
  for (size_t f = 0; f < fileCount; ++f) {
    const auto& lines = sim.files[f].lines;
    headLines += lines.size();
    for (size_t p = 0; p < lines.size(); ++p) head[lines[p].lineage] = {f, uint32_t(p), lines[p].version};
  }
  const char* truthLabels[] = {"intact", "intact, moved", "changed", "deleted"};
  size_t truthCount[4] = {0, 0, 0, 0};
  for (auto& a : anchors) judge(a, head), ++truthCount[int(a.truth)];
  std::unordered_map<std::string, size_t> fileByPath;
  for (size_t f = 0; f < fileCount; ++f) fileByPath[sim.files[f].path] = f;

  std::printf(
      "anchor benchmark: %zu commits on %zu files (%zu lines at HEAD; %.0f MB of blobs, a %.0f MB pack), "
      "generated in %.1f s (import %.1f s, repack %.1f s), seed %llu\n",
      commits, fileCount, headLines, bytesWritten / 1e6, packBytes / 1e6, genSeconds, importSeconds,
      repackSeconds, (unsigned long long)seed);
  std::printf("simulation checked against git: %zu blobs equal; %zu blocks moved between files\n",
              blobsChecked, movedBlocks);
  std::printf("%zu anchors (%zu on moved blocks); truth at HEAD: %zu intact in place, %zu intact in another "
              "file, %zu changed, %zu deleted\n",
              anchors.size(), 2 * moveCount, truthCount[0], truthCount[1], truthCount[2], truthCount[3]);
  if (recordFailures)
    std::printf("PROBLEM: anchor::record returned nothing for %zu anchors\n", recordFailures);
  std::fflush(stdout);

  // ---- tacit: every anchor through one Locator, all at once (locateAll,
  // as a file's or a listing's threads are located), then one at a time in
  // the order made (where the time goes, by truth; the answers must match).
  std::vector<Location> got(anchors.size());
  std::vector<std::string> errors(anchors.size());
  double tacitAll = 0, tacitEach = 0, byTruth[4] = {0, 0, 0, 0}, slowest[4] = {0, 0, 0, 0};
  size_t located = 0, batchDiffers = 0;
  bool batchFailed = false;
  {
    std::vector<Recorded> recorded;
    for (const Anchor& a : anchors)
      if (a.recordedOk) recorded.push_back(a.recorded);
    Locator locator(repo);
    auto start = Clock::now();
    try {
      std::vector<Location> all = locator.locateAll(recorded, headSha);
      for (size_t i = 0, k = 0; i < anchors.size(); ++i)
        if (anchors[i].recordedOk) got[i] = std::move(all[k++]);
    } catch (const std::exception& e) {
      std::printf("PROBLEM: locateAll threw (the answers below are locate()'s): %s\n", e.what());
      batchFailed = true;
    }
    tacitAll = since(start);
  }
  {
    Locator locator(repo);
    auto start = Clock::now();
    for (size_t i = 0; i < anchors.size(); ++i) {
      if (!anchors[i].recordedOk) continue;
      auto one = Clock::now();
      Location each;
      try {
        each = locator.locate(anchors[i].recorded, headSha);
        ++located;
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
      const double seconds = since(one);
      byTruth[int(anchors[i].truth)] += seconds;
      slowest[int(anchors[i].truth)] = std::max(slowest[int(anchors[i].truth)], seconds);
      if (batchFailed) got[i] = each;
      else if (errors[i].empty() && !(each == got[i])) ++batchDiffers;
    }
    tacitEach = since(start);
  }

  // ---- The sample: tacit cold, git blame --reverse, git log -L.
  std::vector<size_t> sample;
  for (size_t k = 0; k < std::min(gitSample, anchors.size()); ++k)
    sample.push_back(k * anchors.size() / std::min(gitSample, anchors.size()));
  double tacitCold = 0, gitLog = 0, gitBlame = 0;
  size_t coldRuns = 0, gitFollows = 0, gitAgrees = 0, gitAgreesIntact = 0, gitIntact = 0, logLQuiet = 0,
         gitVsTruth = 0;
  std::vector<std::string> disagreements;
  const fs::path out = root / "git.out";
  for (size_t idx : sample) {
    const Anchor& a = anchors[idx];
    const std::string& path = sim.files[a.file].path;
    if (a.recordedOk) {
      auto start = Clock::now();
      git_repository* cold = nullptr;
      if (git_repository_open(&cold, repoPath.c_str()) != 0) fail("git_repository_open");
      try {
        Locator locator(cold);
        locator.locate(a.recorded, headSha);
        ++coldRuns;
      } catch (const std::exception&) {
      }
      git_repository_free(cold);
      tacitCold += since(start);
    }

    const std::string range = std::to_string(a.start) + "," + std::to_string(a.end);
    gitBlame += run({"git", "blame", "--reverse", shas[a.commit] + "..HEAD", "--porcelain", "-L", range, "--",
                     path},
                    repoPath, out.string());
    // Porcelain: "<sha> <line in sha> <line in OLD> [<count>]" for every line.
    std::istringstream blame(slurp(out));
    std::string line;
    bool follows = true;
    uint32_t lo = UINT32_MAX, hi = 0;
    while (std::getline(blame, line)) {
      if (line.size() < 42 || line[40] != ' ' || line.find_first_not_of("0123456789abcdef") != 40) continue;
      if (line.compare(0, 40, headSha) != 0) follows = false;
      const uint32_t at = uint32_t(std::strtoul(line.c_str() + 41, nullptr, 10));
      lo = std::min(lo, at), hi = std::max(hi, at);
    }

    std::string logRange;
    if (follows) {
      logRange = std::to_string(lo) + "," + std::to_string(hi);
    } else {
      const uint32_t size = uint32_t(sim.files[a.file].lines.size());
      logRange = std::to_string(std::min(a.start, size)) + "," + std::to_string(std::min(a.end, size));
    }
    gitLog +=
        run({"git", "log", "-L", logRange + ":" + path, shas[a.commit] + "..HEAD", "--format=COMMIT %H"},
            repoPath, out.string());
    if (!follows) continue;
    ++gitFollows;
    const bool intact = hi - lo == a.end - a.start;
    if (intact) {
      ++gitIntact;
      gitAgreesIntact += got[idx].status != Status::Orphaned && got[idx].path == path &&
                         got[idx].startLine == lo && got[idx].endLine == hi;
      // The range git found intact: `git log -L` must show no commit touching it.
      if (slurp(out).find("COMMIT ") == std::string::npos) ++logLQuiet;
    }
    if (a.truth != Truth::Deleted && a.truthFile == a.file && a.truthStart == lo && a.truthEnd == hi)
      ++gitVsTruth;
    const Location& l = got[idx];
    if (l.status != Status::Orphaned && l.path == path && l.startLine == lo && l.endLine == hi) {
      ++gitAgrees;
    } else {
      char b[512];
      std::snprintf(b, sizeof b, "anchor %zu %s:%u-%u at commit %zu: git %u-%u, tacit %s", idx, path.c_str(),
                    a.start, a.end, a.commit, lo, hi,
                    errors[idx].empty() ? describe(l).c_str() : errors[idx].c_str());
      disagreements.push_back(b);
    }
  }

  // ---- tacit against the truth, every anchor.
  enum Outcome { Right, RightPlaceOtherStatus, Near, SameTextElsewhere, Missed, Wrong, Errors, kOutcomes };
  const char* outcomeNames[] = {"right", "right place, other status", "next to it", "same text elsewhere",
                                "orphaned", "WRONG PLACE AS FOUND", "error"};
  size_t outcomes[4][kOutcomes] = {};
  size_t statusCount[4][4] = {};
  size_t movesRight = 0, movesIntact = 0, movesChanged = 0, movesChangedRight = 0;
  std::vector<std::string> wrong, missed, ambiguous;
  size_t wrongGeneric = 0;
  std::map<std::string, size_t> wrongHow;
  for (size_t i = 0; i < anchors.size(); ++i) {
    const Anchor& a = anchors[i];
    const Location& l = got[i];
    const int t = int(a.truth);
    if (!a.recordedOk || !errors[i].empty()) {
      ++outcomes[t][Errors];
      continue;
    }
    ++statusCount[t][int(l.status)];
    const bool found = l.status != Status::Orphaned;
    const bool samePath = l.path == sim.files[a.truthFile].path;
    const bool sameLines = samePath && l.startLine == a.truthStart && l.endLine == a.truthEnd;
    Outcome o;
    if (a.truth == Truth::Deleted) {
      o = found ? Wrong : Right;
    } else if (a.truth == Truth::Changed) {
      // Right when it overlaps what survives; next to it (not wrong) within
      // the context lines of it, where the lines that were edited away were.
      const bool overlaps = samePath && l.startLine <= a.truthEnd && l.endLine >= a.truthStart;
      const bool near = samePath && l.startLine <= a.truthEnd + kContextLines &&
                        l.endLine + kContextLines >= a.truthStart;
      o = !found ? Missed : overlaps ? Right : near ? Near : Wrong;
    } else if (!found) {
      o = Missed;
    } else if (sameLines) {
      o = l.status == Status::Changed ? RightPlaceOtherStatus : Right;
    } else {
      // Duplicate lines (braces, blanks, `return total;`) can make another
      // place hold exactly the anchored text: ambiguous, not wrong.
      auto f = fileByPath.find(l.path);
      const bool sameText = f != fileByPath.end() && l.startLine >= 1 &&
                            renderRange(sim.files[f->second], l.startLine - 1, l.endLine) == a.recorded.text;
      o = sameText ? SameTextElsewhere : Wrong;
    }
    ++outcomes[t][o];
    char b[640];
    std::snprintf(b, sizeof b, "anchor %zu %s:%u-%u at commit %zu, truth %s:%u-%u (%s): tacit %s", i,
                  sim.files[a.file].path.c_str(), a.start, a.end, a.commit,
                  sim.files[a.truthFile].path.c_str(), a.truthStart, a.truthEnd,
                  truthLabels[t], describe(l).c_str());
    if (o == Wrong) {
      wrong.push_back(b);
      wrongGeneric += a.generic;
      // By the step that answered, without the path: "search in <file>" or "search in other files".
      std::string how = l.how;
      if (how.rfind("search in ", 0) == 0 && how.rfind("search in other files", 0) != 0)
        how = std::string("search in the file") +
              (how.find("equally good") != std::string::npos ? " (one of several equally good places)" : "");
      ++wrongHow[how];
    }
    if (o == Missed && a.truth != Truth::Changed) missed.push_back(b);
    if (o == SameTextElsewhere) ambiguous.push_back(b);
    if (a.onMovedBlock && a.truth == Truth::IntactMoved) ++movesIntact, movesRight += o == Right;
    if (a.onMovedBlock && a.truth == Truth::Changed && a.truthFile != a.file)
      ++movesChanged, movesChangedRight += o == Right;
  }
  git_repository_free(repo);

  // ---- Report.
  const double n = double(std::max<size_t>(located, 1)), s = double(std::max<size_t>(sample.size(), 1));
  const double logPer = gitLog / s, blamePer = gitBlame / s, allPer = tacitAll / n, eachPer = tacitEach / n;
  const double coldPer = tacitCold / double(std::max<size_t>(coldRuns, 1));
  std::printf("\n%-44s %12s %10s %10s\n", "measure (per anchor)", "seconds", "ratio", "speedup");
  auto row = [&](const char* name, double seconds) {
    if (logPer > 0)
      std::printf("%-44s %12.6f %10.5f %9.1fx\n", name, seconds, seconds / logPer, logPer / seconds);
    else
      std::printf("%-44s %12.6f\n", name, seconds);
  };
  if (!sample.empty()) {
    std::printf("%-44s %12.6f %10s %10s\n", "baseline: git log -L OLD..HEAD", logPer, "1.00", "1.0x");
    row("git blame --reverse OLD..HEAD", blamePer);
  }
  if (coldRuns) row("tacit locate, cold (new repo + Locator)", coldPer);
  if (located) {
    row("tacit locate, all anchors, one Locator", allPer);
    row("tacit locate, one at a time, one Locator", eachPer);
  }
  if (batchDiffers) std::printf("PROBLEM: locateAll and locate disagree on %zu anchors\n", batchDiffers);
  // Where tacit's time goes: anchors a diff maps cost less than those that need a search.
  std::printf("tacit per anchor by truth, mean / slowest ms:");
  for (int t = 0; t < 4; ++t)
    std::printf(" %s %.1f / %.1f%s", truthLabels[t],
                truthCount[t] ? 1e3 * byTruth[t] / double(truthCount[t]) : 0.0, 1e3 * slowest[t],
                t < 3 ? ";" : "\n");
  std::printf(
      "git sample: %zu anchors, spread evenly; tacit located %zu of %zu anchors (%zu errors) in %.2f s at once, "
      "%.2f s one at a time\n",
      sample.size(), located, anchors.size(), anchors.size() - located, tacitAll, tacitEach);

  // Where git follows every line of a range, its answer is the span of those
  // lines: the range itself (intact) or stretched by lines inserted inside it.
  std::printf(
      "\ntacit against git (sample): git follows %zu of %zu ranges; tacit reports git's range for %zu "
      "(%.1f%%): %zu of %zu intact, %zu of %zu stretched by insertions\n",
      gitFollows, sample.size(), gitAgrees, gitFollows ? 100.0 * gitAgrees / gitFollows : 0.0,
      gitAgreesIntact, gitIntact, gitAgrees - gitAgreesIntact, gitFollows - gitIntact);
  std::printf(
      "  git log -L shows no commit touching %zu of the %zu ranges git found intact; git's range is the "
      "truth's for %zu of %zu\n",
      logLQuiet, gitIntact, gitVsTruth, gitFollows);
  for (const auto& d : disagreements) std::printf("  disagrees: %s\n", d.c_str());

  std::printf("\ntacit against the truth (all anchors):\n");
  std::printf("  %-16s %7s", "truth", "anchors");
  for (int o = 0; o < kOutcomes; ++o) std::printf(" %s |", outcomeNames[o]);
  std::printf("  statuses (exact/moved/changed/orphaned)\n");
  const char* truthNames[] = {"intact in place", "intact, moved", "changed", "deleted"};
  for (int t = 0; t < 4; ++t) {
    std::printf("  %-16s %7zu", truthNames[t], truthCount[t]);
    for (int o = 0; o < kOutcomes; ++o)
      std::printf(" %*zu |", int(std::strlen(outcomeNames[o])), outcomes[t][o]);
    std::printf("  %zu/%zu/%zu/%zu\n", statusCount[t][0], statusCount[t][1], statusCount[t][2],
                statusCount[t][3]);
  }
  size_t intactRight = outcomes[0][Right] + outcomes[1][Right], intactAll = truthCount[0] + truthCount[1];
  size_t wrongAll = 0;
  for (int t = 0; t < 4; ++t) wrongAll += outcomes[t][Wrong];
  std::printf(
      "  intact anchors at the right lines: %zu of %zu (%.1f%%); wrong places reported as found: %zu (%zu on "
      "anchors of only braces, blank lines and `return total;`)\n",
      intactRight, intactAll, intactAll ? 100.0 * intactRight / intactAll : 0.0, wrongAll, wrongGeneric);
  std::printf("  moved to another file: %zu of %zu intact moved anchors found at the right lines; %zu of %zu "
              "edited ones at the right place\n",
              movesRight, movesIntact, movesChangedRight, movesChanged);
  for (const auto& [how, count] : wrongHow)
    std::printf("  wrong places from \"%s\": %zu\n", how.c_str(), count);
  size_t shown = 0;
  for (const auto& w : wrong)
    if (shown++ < 20) std::printf("  wrong: %s\n", w.c_str());
  shown = 0;
  for (const auto& m : missed)
    if (shown++ < 20) std::printf("  missed: %s\n", m.c_str());
  shown = 0;
  for (const auto& m : ambiguous)
    if (shown++ < 5) std::printf("  same text elsewhere: %s\n", m.c_str());
  for (size_t i = 0, e = 0; i < anchors.size() && e < 3; ++i)
    if (!errors[i].empty()) std::printf("  error: anchor %zu: %s\n", i, errors[i].c_str()), ++e;

  if (const char* answers = option(argc, argv, "--answers")) {
    std::ofstream out(answers);
    for (size_t i = 0; i < anchors.size(); ++i)
      out << i << ' ' << (errors[i].empty() ? describe(got[i]) : "error: " + errors[i]) << '\n';
  }

  std::printf(
      "\ngoals: >= 100x faster than git log -L per anchor (cold), >= 99%% agreement with git where it "
      "follows, 0 wrong places, moves found\n");
  if (flag(argc, argv, "--keep", 0)) std::printf("kept %s\n", root.c_str());
  else fs::remove_all(root);
  return 0;
}
