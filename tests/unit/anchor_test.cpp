// Anchors through real git histories: every history is built with the real git
// binary in a temporary repository, so where the anchored lines are is known
// by construction (the test wrote the files); the engine must find them there.
#include "server/anchor/anchor.h"

#include <catch2/catch.hpp>
#include <git2.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "tests/unit/temp_repo.h"

namespace Catch {
template <>
struct StringMaker<tacit::anchor::Status> {
  static std::string convert(tacit::anchor::Status s) {
    switch (s) {
      case tacit::anchor::Status::Exact: return "Exact";
      case tacit::anchor::Status::Moved: return "Moved";
      case tacit::anchor::Status::Changed: return "Changed";
      case tacit::anchor::Status::Orphaned: return "Orphaned";
    }
    return "Status(" + std::to_string(static_cast<int>(s)) + ")";
  }
};
}  // namespace Catch

namespace {

namespace fs = std::filesystem;
using tacit::anchor::AnchorError;
using tacit::anchor::kContextLines;
using tacit::anchor::kFoundThreshold;
using tacit::anchor::LineEdit;
using tacit::anchor::Location;
using tacit::anchor::Locator;
using tacit::anchor::Recorded;
using tacit::anchor::Status;
using tacit::test::gitCheck;
using tacit::test::RepoHandle;
using tacit::test::TempRepo;

// ---------------------------------------------------------------------------
// Fixture: the real git binary, files written byte for byte, line numbers
// counted as they are written.

struct Run {
  int status = -1;
  std::string out;  // stdout, byte for byte
  std::string err;  // stderr
};

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeFile(const fs::path& path, std::string_view content) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  REQUIRE(out.good());
}

Run run(const std::string& command) {
  const fs::path errFile =
      fs::temp_directory_path() / ("tacit-anchor-test-" + std::to_string(getpid()) + ".stderr");
  Run r;
  FILE* pipe = popen((command + " 2>'" + errFile.string() + "'").c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) r.out.append(buf, n);
  r.status = pclose(pipe);
  r.err = readFile(errFile);
  std::error_code ignored;
  fs::remove(errFile, ignored);
  return r;
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// `git -C dir args`; the command must succeed. Returns stdout without its trailing newline.
std::string gitIn(const fs::path& dir, const std::string& args) {
  Run r = run("git -C '" + dir.string() + "' " + args);
  INFO("git " << args << "\n" << r.err);
  REQUIRE(r.status == 0);
  return trimmed(r.out);
}

// A temporary folder, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "tacit-anchor-test-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    dir_ = tmpl;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_;
};

// A repository whose history the test writes with the real git binary.
class History {
 public:
  History() {
    git("symbolic-ref HEAD refs/heads/main");
    git("config user.name T");
    git("config user.email t@example.com");
    git("config commit.gpgsign false");
    git("config core.autocrlf false");
    git("config core.safecrlf false");
    git("config gc.auto 0");
  }

  git_repository* repo() const { return repo_.get(); }
  const fs::path& dir() const { return repo_.dir(); }
  RepoHandle open() const { return repo_.open(); }

  std::string git(const std::string& args) const { return gitIn(dir(), args); }
  Run tryGit(const std::string& args) const { return run("git -C '" + dir().string() + "' " + args); }

  void write(const std::string& path, std::string_view content) const { writeFile(dir() / path, content); }

  // Stages everything and commits; the new commit's id.
  std::string commit(const std::string& message) const {
    git("add -A");
    git("commit -q --allow-empty -m '" + message + "'");
    return git("rev-parse HEAD");
  }

  // The file at `rev`, byte for byte.
  std::string show(const std::string& rev, const std::string& path) const {
    Run r = tryGit("cat-file blob '" + rev + ":" + path + "'");
    INFO("show " << rev << ":" << path << "\n" << r.err);
    REQUIRE(r.status == 0);
    return r.out;
  }

  // The blob id git gives `content` (no filters).
  std::string hashObject(std::string_view content) const {
    const fs::path input = repo_.gitDir() / "tacit-hash-input";
    writeFile(input, content);
    std::string id = git("hash-object --no-filters '" + input.string() + "'");
    fs::remove(input);
    return id;
  }

  bool hasObject(const std::string& id) const { return tryGit("cat-file -e " + id).status == 0; }

  // The anchor a thread made on lines [start, end] of `path` at `commit` records.
  Recorded recordAt(const std::string& path, const std::string& commit, uint32_t start, uint32_t end) const {
    std::optional<Recorded> r = tacit::anchor::record(path, commit, show(commit, path), start, end);
    REQUIRE(r.has_value());
    return *r;
  }

 private:
  TempRepo repo_;
};

// A file's lines as the test writes them; next() is the 1-based number the
// next line added gets, so a block's place is known by construction.
class Lines {
 public:
  Lines& add(const std::vector<std::string>& more) {
    lines_.insert(lines_.end(), more.begin(), more.end());
    return *this;
  }
  Lines& add(const std::string& line) {
    lines_.push_back(line);
    return *this;
  }
  uint32_t next() const { return static_cast<uint32_t>(lines_.size() + 1); }
  std::string str() const {
    std::string out;
    for (const auto& l : lines_) out += l;
    return out;
  }

 private:
  std::vector<std::string> lines_;
};

// Filler lines `from`..`to` of set `tag`: code-like, each different.
std::vector<std::string> filler(const std::string& tag, int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i <= to; ++i) {
    out.push_back("  total_" + tag + " += weight(" + std::to_string(i) + ", \"" + tag +
                  std::to_string(i * 7919 % 1000) + "\");\n");
  }
  return out;
}

// The anchored block: five distinctive lines.
const std::vector<std::string> kBlock = {
    "int checksum(const std::vector<int>& values) {\n",
    "  int sum = 0;\n",
    "  for (int v : values) sum = sum * 31 + v;\n",
    "  return sum;\n",
    "}\n",
};
constexpr uint32_t kBlockLines = 5;

std::vector<std::string> indented(const std::vector<std::string>& lines, const std::string& indent) {
  std::vector<std::string> out;
  for (const auto& l : lines) out.push_back(indent + l);
  return out;
}

std::vector<std::string> withCrlf(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  for (const auto& l : lines) out.push_back(l.substr(0, l.size() - 1) + "\r\n");
  return out;
}

// The base file most cases start from: 20 filler lines, the block at 21..25, 20 more.
constexpr uint32_t kBaseStart = 21;
constexpr uint32_t kBaseEnd = 25;
std::string baseFile() { return Lines().add(filler("a", 1, 20)).add(kBlock).add(filler("a", 21, 40)).str(); }

// Commits 1..count of a.cpp: baseFile with `blockAt(i)` in the block's place and i lines added
// at the end (so every commit changes the file). Their ids, oldest first.
std::vector<std::string> commitsGrowingAtTheEnd(History& h, int count,
                                                const std::function<std::vector<std::string>(int)>& blockAt) {
  std::vector<std::string> ids;
  for (int i = 1; i <= count; ++i) {
    h.write("a.cpp",
            Lines().add(filler("a", 1, 20)).add(blockAt(i)).add(filler("a", 21, 40)).add(filler("end", 1, i)).str());
    ids.push_back(h.commit("commit " + std::to_string(i)));
  }
  return ids;
}

std::string describe(const Location& l) {
  std::ostringstream out;
  out << l.path << ":" << l.startLine << "-" << l.endLine << " "
      << Catch::StringMaker<Status>::convert(l.status) << " confidence " << l.confidence << " how \"" << l.how
      << "\"";
  return out.str();
}

#define CHECK_PLACE(loc, path_, start_, end_) \
  do {                                        \
    INFO("located: " << describe(loc));       \
    CHECK((loc).path == (path_));             \
    CHECK((loc).startLine == (start_));       \
    CHECK((loc).endLine == (end_));           \
  } while (0)

#define CHECK_FOUND_CONFIDENCE(loc)             \
  do {                                          \
    INFO("located: " << describe(loc));         \
    CHECK((loc).confidence >= kFoundThreshold); \
    CHECK((loc).confidence <= 1.0);             \
  } while (0)

#define CHECK_STATUS_ONE_OF(loc, a, b)                   \
  do {                                                   \
    INFO("located: " << describe(loc));                  \
    CHECK(((loc).status == (a) || (loc).status == (b))); \
  } while (0)

// ---------------------------------------------------------------------------
// 1..16: locating through histories.

// Ground truth: block at a.cpp:21-25; next commit inserts 4 lines at the top, deletes 2 filler
// lines (5, 6) above it and edits one line below it → a.cpp:23-27, unchanged.
TEST_CASE("anchor: lines inserted and deleted above the range shift it, Exact", "[anchor]") {
  History h;
  h.write("a.cpp", baseFile());
  const std::string c0 = h.commit("base");
  const Recorded anchor = h.recordAt("a.cpp", c0, kBaseStart, kBaseEnd);

  Lines next;
  next.add(filler("top", 1, 4)).add(filler("a", 1, 4)).add(filler("a", 7, 20));
  const uint32_t start = next.next();
  next.add(kBlock)
      .add(filler("a", 21, 30))
      .add("  total_a += 1;  // edited below\n")
      .add(filler("a", 32, 40));
  h.write("a.cpp", next.str());
  const std::string c1 = h.commit("shift");
  REQUIRE(start == 23);

  Locator locator(h.repo());
  // At its own commit: where it was recorded.
  const Location same = locator.locate(anchor, c0);
  CHECK_PLACE(same, "a.cpp", 21u, 25u);
  CHECK(same.status == Status::Exact);
  CHECK(same.confidence == Approx(1.0));

  const Location at = locator.locate(anchor, c1);
  CHECK_PLACE(at, "a.cpp", 23u, 27u);
  CHECK(at.status == Status::Exact);
  CHECK(at.confidence == Approx(1.0));
  CHECK_FALSE(at.how.empty());
}

// Ground truth: block at a.cpp:21-25; next commit inserts 2 lines at the top and changes the
// block's third line → a.cpp:23-27, Changed.
TEST_CASE("anchor: an edit inside the range is Changed at the right lines", "[anchor]") {
  History h;
  h.write("a.cpp", baseFile());
  const std::string c0 = h.commit("base");
  const Recorded anchor = h.recordAt("a.cpp", c0, kBaseStart, kBaseEnd);

  std::vector<std::string> edited = kBlock;
  edited[2] = "  for (int v : values) sum = sum * 37 + v;\n";
  h.write(
      "a.cpp",
      Lines().add(filler("top", 1, 2)).add(filler("a", 1, 20)).add(edited).add(filler("a", 21, 40)).str());
  const std::string c1 = h.commit("edit inside");

  Locator locator(h.repo());
  const Location at = locator.locate(anchor, c1);
  CHECK_PLACE(at, "a.cpp", 23u, 27u);
  CHECK(at.status == Status::Changed);
  CHECK_FOUND_CONFIDENCE(at);
}

// Ground truth: block at a.cpp:21-25; next commit wraps it in a namespace (one line above, one
// below) and reformats it (indented by 2, spaces around one '*' removed): whitespace changes
// only → a.cpp:22-26. The text is the same up to whitespace but no longer where the diff puts
// it: asserted Moved or Changed (Moved is the closer reading of the spec), never Orphaned.
TEST_CASE("anchor: a re-indented, reformatted block is found at its new lines", "[anchor]") {
  History h;
  h.write("a.cpp", baseFile());
  const std::string c0 = h.commit("base");
  const Recorded anchor = h.recordAt("a.cpp", c0, kBaseStart, kBaseEnd);

  std::vector<std::string> reformatted = indented(kBlock, "  ");
  reformatted[2] = "    for (int v : values) sum = sum*31 + v;\n";
  Lines next;
  next.add(filler("a", 1, 20)).add("namespace util {\n");
  const uint32_t start = next.next();
  next.add(reformatted).add("}  // namespace util\n").add(filler("a", 21, 40));
  h.write("a.cpp", next.str());
  const std::string c1 = h.commit("reindent");
  REQUIRE(start == 22);

  Locator locator(h.repo());
  const Location at = locator.locate(anchor, c1);
  CHECK_PLACE(at, "a.cpp", 22u, 26u);
  CHECK_STATUS_ONE_OF(at, Status::Moved, Status::Changed);
  CHECK(at.status != Status::Orphaned);
  CHECK_FOUND_CONFIDENCE(at);
}

// Ground truth: block at a.cpp:4-8 (after 3 lines); next commit cuts it and pastes it at the
// bottom (before one trailing line), also edits line 10 and inserts 2 lines in the middle →
// a.cpp:46-50, Moved.
TEST_CASE("anchor: a block moved within its file is Moved to the right lines", "[anchor]") {
  History h;
  h.write("a.cpp", Lines().add(filler("a", 1, 3)).add(kBlock).add(filler("a", 4, 43)).str());
  const std::string c0 = h.commit("base");
  const Recorded anchor = h.recordAt("a.cpp", c0, 4, 8);

  Lines next;
  next.add(filler("a", 1, 9)).add("  total_a = 0;  // line 10 edited\n").add(filler("a", 11, 25));
  next.add("  // two lines\n").add("  // inserted in the middle\n").add(filler("a", 26, 43));
  const uint32_t start = next.next();
  next.add(kBlock).add("// end of file\n");
  h.write("a.cpp", next.str());
  const std::string c1 = h.commit("move down");
  REQUIRE(start == 46);

  Locator locator(h.repo());
  const Location at = locator.locate(anchor, c1);
  CHECK_PLACE(at, "a.cpp", 46u, 50u);
  CHECK(at.status == Status::Moved);
  CHECK_FOUND_CONFIDENCE(at);
}

// Ground truth: block at a.cpp:21-25, b.cpp has 30 lines; next commit cuts the block from
// a.cpp and pastes it into b.cpp after its line 10 → b.cpp:11-15, Moved.
TEST_CASE("anchor: a block moved to another file is Moved to that file", "[anchor]") {
  History h;
  h.write("a.cpp", baseFile());
  h.write("b.cpp", Lines().add(filler("b", 1, 30)).str());
  const std::string c0 = h.commit("base");
  const Recorded anchor = h.recordAt("a.cpp", c0, kBaseStart, kBaseEnd);

  h.write("a.cpp", Lines().add(filler("a", 1, 40)).str());
  Lines b;
  b.add(filler("b", 1, 10));
  const uint32_t start = b.next();
  b.add(kBlock).add(filler("b", 11, 30));
  h.write("b.cpp", b.str());
  const std::string c1 = h.commit("move to b");
  REQUIRE(start == 11);

  Locator locator(h.repo());
  const Location at = locator.locate(anchor, c1);
  CHECK_PLACE(at, "b.cpp", 11u, 15u);
  CHECK(at.status == Status::Moved);
  CHECK_FOUND_CONFIDENCE(at);
}

// Ground truth: block at a.cpp:21-25; `git mv a.cpp src/renamed.cpp`, text unchanged →
// src/renamed.cpp:21-25, Exact (the diff after rename detection) or Moved (another name).
TEST_CASE("anchor: a renamed file keeps the anchor at the new path", "[anchor]") {
  History h;
  h.write("a.cpp", baseFile());
  h.write("other.cpp", Lines().add(filler("o", 1, 10)).str());
  const std::string c0 = h.commit("base");
  const Recorded anchor = h.recordAt("a.cpp", c0, kBaseStart, kBaseEnd);

  fs::create_directories(h.dir() / "src");
  h.git("mv a.cpp src/renamed.cpp");
  const std::string c1 = h.commit("rename");

  Locator locator(h.repo());
  const Location at = locator.locate(anchor, c1);
  CHECK_PLACE(at, "src/renamed.cpp", 21u, 25u);
  CHECK_STATUS_ONE_OF(at, Status::Exact, Status::Moved);
  CHECK_FOUND_CONFIDENCE(at);
}

// Ground truth: block at a.cpp:21-25 (45 lines); one commit renames a.cpp to lib/b.cpp,
// inserts 2 lines at the top and edits line 30 (git itself sees a rename) → lib/b.cpp:23-27,
// text unchanged: Exact or Moved.
TEST_CASE("anchor: renamed and edited in the same commit is found at the new path", "[anchor]") {
  History h;
  h.write("a.cpp", baseFile());
  const std::string c0 = h.commit("base");
  const Recorded anchor = h.recordAt("a.cpp", c0, kBaseStart, kBaseEnd);

  fs::create_directories(h.dir() / "lib");
  h.git("mv a.cpp lib/b.cpp");
  Lines next;
  next.add(filler("top", 1, 2)).add(filler("a", 1, 20));
  const uint32_t start = next.next();
  next.add(kBlock).add(filler("a", 21, 29)).add("  total_a -= 1;  // edited\n").add(filler("a", 31, 40));
  h.write("lib/b.cpp", next.str());
  const std::string c1 = h.commit("rename and edit");
  REQUIRE(start == 23);
  REQUIRE_THAT(h.git("diff -M --name-status " + c0 + " " + c1), Catch::Matchers::StartsWith("R"));

  Locator locator(h.repo());
  const Location at = locator.locate(anchor, c1);
  CHECK_PLACE(at, "lib/b.cpp", 23u, 27u);
  CHECK_STATUS_ONE_OF(at, Status::Exact, Status::Moved);
  CHECK_FOUND_CONFIDENCE(at);
}

// Ground truth: block at a.cpp:21-25; next commit deletes it and nothing else → Orphaned, at
// the last place known (a.cpp:21-25, where it was recorded and where its gap now is), with a
// confidence below the threshold.
TEST_CASE("anchor: a deleted block is Orphaned at its last known place", "[anchor]") {
  History h;
  h.write("a.cpp", baseFile());
  const std::string c0 = h.commit("base");
  const Recorded anchor = h.recordAt("a.cpp", c0, kBaseStart, kBaseEnd);

  h.write("a.cpp", Lines().add(filler("a", 1, 40)).str());
  const std::string c1 = h.commit("delete block");

  Locator locator(h.repo());
  const Location at = locator.locate(anchor, c1);
  CHECK_PLACE(at, "a.cpp", 21u, 25u);
  CHECK(at.status == Status::Orphaned);
  CHECK(at.confidence < kFoundThreshold);
  CHECK(at.confidence >= 0.0);
}

// Ground truth: block at a.cpp:41-45 (40 filler lines on each side). Next commit replaces it
// with 3 other lines and pastes two copies of it elsewhere in the file, each between the same
// 3 wrapper lines (so the copies' context is identical and only the distance tells them apart).
// Matching either copy would cost the diff more common lines than it gains, so the diff cannot
// map the range → the copy nearer the replaced lines, Moved, with a confidence below 1.
//   nearer below: copies at 14-18 and 68-72, replaced lines at 52-54 → 68-72 (16 vs 38 away);
//   nearer above: copies at 34-38 and 88-92, replaced lines at 52-54 → 34-38 (18 vs 36 away).
TEST_CASE("anchor: of two copies of the block, the one nearest the expected place", "[anchor]") {
  History h;
  h.write("a.cpp", Lines().add(filler("a", 1, 40)).add(kBlock).add(filler("a", 41, 80)).str());
  const std::string c0 = h.commit("base");
  const Recorded anchor = h.recordAt("a.cpp", c0, 41, 45);

  // The new file: a1..a<first>, copy, a..a40, 3 replacing lines, a41..a<second>, copy, ..a80.
  struct Built {
    uint32_t copy1, replaced, copy2;
  };
  auto build = [&](int first, int second) {
    const std::vector<std::string> wrapBefore = {"\n", "// copied\n", "namespace {\n"};
    const std::vector<std::string> wrapAfter = {"}  // namespace\n", "// end of copy\n", "\n"};
    Built b{};
    Lines next;
    next.add(filler("a", 1, first)).add(wrapBefore);
    b.copy1 = next.next();
    next.add(kBlock).add(wrapAfter).add(filler("a", first + 1, 40));
    b.replaced = next.next();
    next.add("int checksum(const std::vector<int>& values);\n").add("// see above\n").add("// and below\n");
    next.add(filler("a", 41, second)).add(wrapBefore);
    b.copy2 = next.next();
    next.add(kBlock).add(wrapAfter).add(filler("a", second + 1, 80));
    h.write("a.cpp", next.str());
    return b;
  };

  Locator locator(h.repo());
  SECTION("the nearer copy below") {
    const Built b = build(10, 50);
    const std::string c1 = h.commit("duplicate");
    REQUIRE(b.copy1 == 14);
    REQUIRE(b.replaced == 52);
    REQUIRE(b.copy2 == 68);
    const Location at = locator.locate(anchor, c1);
    CHECK_PLACE(at, "a.cpp", 68u, 72u);
    CHECK(at.status == Status::Moved);
    CHECK_FOUND_CONFIDENCE(at);
    CHECK(at.confidence < 1.0);
  }
  SECTION("the nearer copy above") {
    const Built b = build(30, 70);
    const std::string c1 = h.commit("duplicate");
    REQUIRE(b.copy1 == 34);
    REQUIRE(b.replaced == 52);
    REQUIRE(b.copy2 == 88);
    const Location at = locator.locate(anchor, c1);
    CHECK_PLACE(at, "a.cpp", 34u, 38u);
    CHECK(at.status == Status::Moved);
    CHECK_FOUND_CONFIDENCE(at);
    CHECK(at.confidence < 1.0);
  }
}

// Ground truth: main c0 has the block at a.cpp:21-25; branch `feature` edits line 30 (c1) and
// the anchor is made at c1, lines 21-25; main inserts 3 lines at the top (c2); feature is
// rebased onto main (c1'), the reflogs expired and the repository gc'd, so c1 and its a.cpp
// blob are gone → at c1', a.cpp:24-28 found by text; unchanged text: Exact or Moved.
TEST_CASE("anchor: an anchor whose commit was rebased away is located by text", "[anchor]") {
  History h;
  h.write("a.cpp", baseFile());
  h.commit("base");
  h.git("checkout -q -b feature");
  h.write("a.cpp", Lines()
                       .add(filler("a", 1, 20))
                       .add(kBlock)
                       .add(filler("a", 21, 29))
                       .add("  total_a = -1;\n")
                       .add(filler("a", 31, 40))
                       .str());
  const std::string c1 = h.commit("feature edit");
  const Recorded anchor = h.recordAt("a.cpp", c1, kBaseStart, kBaseEnd);

  h.git("checkout -q main");
  h.write("a.cpp", Lines().add(filler("top", 1, 3)).add(baseFile()).str());
  h.commit("main inserts at the top");
  h.git("checkout -q feature");
  h.git("rebase -q main");
  const std::string rebased = h.git("rev-parse HEAD");
  REQUIRE(rebased != c1);
  h.tryGit("update-ref -d ORIG_HEAD");
  h.git("reflog expire --expire=now --expire-unreachable=now --all");
  h.git("gc -q --prune=now");
  REQUIRE_FALSE(h.hasObject(c1));
  REQUIRE_FALSE(h.hasObject(anchor.blob));
  REQUIRE(h.show(rebased, "a.cpp").find(kBlock[2]) != std::string::npos);

  RepoHandle repo = h.open();
  Locator locator(repo.get());
  const Location at = locator.locate(anchor, rebased);
  CHECK_PLACE(at, "a.cpp", 24u, 28u);
  CHECK(at.status != Status::Orphaned);
  CHECK_STATUS_ONE_OF(at, Status::Exact, Status::Moved);
  CHECK_FOUND_CONFIDENCE(at);
  CHECK_FALSE(at.how.empty());
}

// Ground truth: the origin's c0 has the block at a.cpp:21-25 (the anchor is made there); c1
// inserts 2 lines at the top and edits line 35; c2 inserts 1 more at the top, edits line 10
// and adds b.cpp → a.cpp:24-28 at c2. A `--depth 1` clone holds only c2 → found by text at
// a.cpp:24-28.
TEST_CASE("anchor: in a shallow clone without the anchor's commit it is found by text", "[anchor]") {
  History origin;
  origin.write("a.cpp", baseFile());
  const std::string c0 = origin.commit("base");
  const Recorded anchor = origin.recordAt("a.cpp", c0, kBaseStart, kBaseEnd);
  origin.write("a.cpp", Lines()
                            .add(filler("top", 1, 2))
                            .add(filler("a", 1, 20))
                            .add(kBlock)
                            .add(filler("a", 21, 34))
                            .add("  total_a = 35;\n")
                            .add(filler("a", 36, 40))
                            .str());
  origin.commit("two at the top");
  Lines last;
  last.add(filler("top", 0, 2)).add(filler("a", 1, 9)).add("  total_a = 10;\n").add(filler("a", 11, 20));
  const uint32_t start = last.next();
  last.add(kBlock).add(filler("a", 21, 34)).add("  total_a = 35;\n").add(filler("a", 36, 40));
  origin.write("a.cpp", last.str());
  origin.write("b.cpp", Lines().add(filler("b", 1, 5)).str());
  origin.commit("one more");
  REQUIRE(start == 24);

  TempDir holder;
  const fs::path clone = holder.dir() / "clone";
  Run cloned = run("git clone -q --depth 1 'file://" + origin.dir().string() + "' '" + clone.string() + "'");
  INFO(cloned.err);
  REQUIRE(cloned.status == 0);
  REQUIRE(gitIn(clone, "rev-parse --is-shallow-repository") == "true");
  REQUIRE(run("git -C '" + clone.string() + "' cat-file -e " + c0).status != 0);

  git_repository* raw = nullptr;
  gitCheck(git_repository_open(&raw, clone.c_str()));
  RepoHandle repo(raw);
  Locator locator(repo.get());
  const Location at = locator.locate(anchor, "HEAD");
  CHECK_PLACE(at, "a.cpp", 24u, 28u);
  CHECK(at.status != Status::Orphaned);
  CHECK_STATUS_ONE_OF(at, Status::Exact, Status::Moved);
  CHECK_FOUND_CONFIDENCE(at);
  CHECK_FALSE(at.how.empty());
}

// Ground truth: main c0 has the block at a.cpp:21-25 (the anchor). Branch `topic` moves it to
// the end of the file → a.cpp:41-45 there; main then inserts 2 lines at the top → a.cpp:23-27
// there. Checked out on topic: HEAD → 41-45, Moved; back on main: HEAD → 23-27, Exact.
TEST_CASE("anchor: switching branches and back, HEAD is located on each", "[anchor]") {
  History h;
  h.write("a.cpp", baseFile());
  const std::string c0 = h.commit("base");
  const Recorded anchor = h.recordAt("a.cpp", c0, kBaseStart, kBaseEnd);

  h.git("checkout -q -b topic");
  h.write("a.cpp", Lines().add(filler("a", 1, 40)).add(kBlock).str());
  h.write("topic.txt", "topic\n");
  h.commit("move to the end");
  h.git("checkout -q main");
  h.write("a.cpp", Lines().add(filler("top", 1, 2)).add(baseFile()).str());
  h.commit("two at the top");

  Locator locator(h.repo());
  h.git("checkout -q topic");
  const Location onTopic = locator.locate(anchor, "HEAD");
  CHECK_PLACE(onTopic, "a.cpp", 41u, 45u);
  CHECK(onTopic.status == Status::Moved);
  CHECK_FOUND_CONFIDENCE(onTopic);

  h.git("checkout -q main");
  const Location onMain = locator.locate(anchor, "HEAD");
  CHECK_PLACE(onMain, "a.cpp", 23u, 27u);
  CHECK(onMain.status == Status::Exact);
  CHECK(onMain.confidence == Approx(1.0));

  // By branch name, from main.
  const Location topicByName = locator.locate(anchor, "topic");
  CHECK_PLACE(topicByName, "a.cpp", 41u, 45u);
  CHECK(topicByName.status == Status::Moved);

  h.git("checkout -q topic");
  const Location again = locator.locate(anchor, "HEAD");
  CHECK(again == onTopic);
}

// Ground truth: a.cpp with "\r\n" line ends, block at 21-25; next commit inserts 3 CRLF lines
// at the top → a.cpp:24-28, Exact; the recorded text keeps its "\r\n".
TEST_CASE("anchor: CRLF files, lines inserted above → Exact, shifted", "[anchor]") {
  History h;
  h.write("a.cpp", Lines()
                       .add(withCrlf(filler("a", 1, 20)))
                       .add(withCrlf(kBlock))
                       .add(withCrlf(filler("a", 21, 40)))
                       .str());
  const std::string c0 = h.commit("base");
  const Recorded anchor = h.recordAt("a.cpp", c0, kBaseStart, kBaseEnd);
  CHECK(anchor.text == Lines().add(withCrlf(kBlock)).str());

  h.write("a.cpp", Lines()
                       .add(withCrlf(filler("top", 1, 3)))
                       .add(withCrlf(filler("a", 1, 20)))
                       .add(withCrlf(kBlock))
                       .add(withCrlf(filler("a", 21, 40)))
                       .str());
  const std::string c1 = h.commit("three at the top");
  REQUIRE(h.show(c1, "a.cpp").find("\r\n") != std::string::npos);

  Locator locator(h.repo());
  const Location at = locator.locate(anchor, c1);
  CHECK_PLACE(at, "a.cpp", 24u, 28u);
  CHECK(at.status == Status::Exact);
  CHECK(at.confidence == Approx(1.0));
}

// Ground truth: data.bin holds 50 '\n'-ended records each with NUL bytes; the anchor is on
// lines 20-22; next commit inserts 2 records at the start and changes record 40 → the lines
// are at 22-24. A binary file has no text diff: the engine must not throw; Orphaned (below
// the threshold) is acceptable, but if it says found it must be the right place.
TEST_CASE("anchor: a binary file does not crash the engine", "[anchor]") {
  auto rec = [](int i) {
    std::string r = "rec" + std::to_string(i);
    r += '\0';
    r += static_cast<char>('A' + i % 26);
    r += "\xff\xfe";
    r += '\0';
    r += "payload " + std::to_string(i * 31) + "\n";
    return r;
  };
  History h;
  std::string before;
  for (int i = 1; i <= 50; ++i) before += rec(i);
  h.write("data.bin", before);
  const std::string c0 = h.commit("binary");
  const Recorded anchor = h.recordAt("data.bin", c0, 20, 22);
  CHECK(anchor.text == rec(20) + rec(21) + rec(22));

  std::string after = rec(100) + rec(101);
  for (int i = 1; i <= 50; ++i) after += i == 40 ? std::string("changed\0\0\n", 10) : rec(i);
  h.write("data.bin", after);
  const std::string c1 = h.commit("binary edit");

  Locator locator(h.repo());
  Location at;
  REQUIRE_NOTHROW(at = locator.locate(anchor, c1));
  INFO("located: " << describe(at));
  CHECK(at.path == "data.bin");
  CHECK(at.confidence >= 0.0);
  CHECK(at.confidence <= 1.0);
  CHECK(at.startLine <= at.endLine);
  if (at.status == Status::Orphaned) {
    CHECK(at.confidence < kFoundThreshold);
  } else {
    CHECK(at.startLine == 22u);
    CHECK(at.endLine == 24u);
    CHECK(at.confidence >= kFoundThreshold);
  }
}

// Ground truth: 100,000 distinct lines, the anchor on lines 50,000-50,002; next commit inserts
// 100 lines at the top, replaces lines 30,000 and 70,000 and deletes 80,001-80,010 →
// 50,100-50,102, Exact.
TEST_CASE("anchor: a 100,000-line file, 100 lines inserted at the top → Exact at 50,100", "[anchor]") {
  auto line = [](int i) {
    return "value_" + std::to_string(i) + " = mix(" + std::to_string(i % 97) + ");\n";
  };
  History h;
  std::string before;
  before.reserve(3'000'000);
  for (int i = 1; i <= 100'000; ++i) before += line(i);
  h.write("big.txt", before);
  const std::string c0 = h.commit("big");
  const Recorded anchor = h.recordAt("big.txt", c0, 50'000, 50'002);
  CHECK(anchor.text == line(50'000) + line(50'001) + line(50'002));

  std::string after;
  after.reserve(3'100'000);
  for (int i = 1; i <= 100; ++i) after += "// new header line " + std::to_string(i) + "\n";
  for (int i = 1; i <= 100'000; ++i) {
    if (i == 30'000 || i == 70'000) {
      after += "edited_" + std::to_string(i) + " = 0;\n";
    } else if (i <= 80'000 || i > 80'010) {
      after += line(i);
    }
  }
  h.write("big.txt", after);
  const std::string c1 = h.commit("big edit");

  Locator locator(h.repo());
  const Location at = locator.locate(anchor, c1);
  CHECK_PLACE(at, "big.txt", 50'100u, 50'102u);
  CHECK(at.status == Status::Exact);
  CHECK(at.confidence == Approx(1.0));
}

// Ground truth (a): block at a.cpp:21-25 at c0; c1 inserts 1 line at the top; an unsaved buffer
// based on c1 inserts 2 more → 24-28 in the buffer, Exact. And the buffer equal to c0's file
// with 2 lines inserted, based on c0 → 23-27, Exact.
TEST_CASE("anchor: locateInText follows an unsaved buffer", "[anchor]") {
  History h;
  h.write("a.cpp", baseFile());
  const std::string c0 = h.commit("base");
  const Recorded anchor = h.recordAt("a.cpp", c0, kBaseStart, kBaseEnd);
  h.write("a.cpp", Lines().add(filler("top", 1, 1)).add(baseFile()).str());
  const std::string c1 = h.commit("one at the top");

  Locator locator(h.repo());
  const std::string bufferOnC0 = Lines().add(filler("buf", 1, 2)).add(baseFile()).str();
  const Location onC0 = locator.locateInText(anchor, c0, "a.cpp", bufferOnC0);
  CHECK_PLACE(onC0, "a.cpp", 23u, 27u);
  CHECK(onC0.status == Status::Exact);
  CHECK(onC0.confidence == Approx(1.0));

  const std::string bufferOnC1 = Lines().add(filler("buf", 1, 2)).add(h.show(c1, "a.cpp")).str();
  const Location onC1 = locator.locateInText(anchor, c1, "a.cpp", bufferOnC1);
  CHECK_PLACE(onC1, "a.cpp", 24u, 28u);
  CHECK(onC1.status == Status::Exact);
  CHECK(onC1.confidence == Approx(1.0));
}

// Ground truth (b): c0's a.cpp has no block; the note is made on an unsaved buffer = c0's file
// with the block at 21-25 (its blob never stored). That buffer is committed with 3 more lines at
// the top → a.cpp:24-28, found (Exact or Moved: the text is unchanged) — in the next commit, or
// two commits later with another file changed in between. Then bisecting the history for where
// the lines left would find them gone at the commit between (they never were there): only lines
// committed where the anchor says are traced, and these are found by their text.
TEST_CASE("anchor: a note made on unsaved text is found once the code is committed", "[anchor]") {
  History h;
  h.write("a.cpp", Lines().add(filler("a", 1, 40)).str());
  const std::string c0 = h.commit("base without the block");
  const std::string buffer = baseFile();
  std::optional<Recorded> anchor = tacit::anchor::record("a.cpp", c0, buffer, kBaseStart, kBaseEnd);
  REQUIRE(anchor.has_value());
  CHECK(anchor->blob == h.hashObject(buffer));
  REQUIRE_FALSE(h.hasObject(anchor->blob));

  SECTION("committed in the next commit") {}
  SECTION("committed two commits later") {
    h.write("b.cpp", Lines().add(filler("b", 1, 10)).str());
    h.commit("another file");
  }
  h.write("a.cpp", Lines().add(filler("top", 1, 3)).add(buffer).str());
  const std::string committed = h.commit("the block, committed");

  Locator locator(h.repo());
  const Location at = locator.locate(*anchor, committed);
  INFO(at.how);
  CHECK_PLACE(at, "a.cpp", 24u, 28u);
  CHECK_STATUS_ONE_OF(at, Status::Exact, Status::Moved);
  CHECK_FOUND_CONFIDENCE(at);
}

// Ground truth: the block at a.cpp:21-25 moves 300 lines down in one commit (to 321-325) and
// one of its lines is edited in the next. Across both commits the block is neither the same
// text (so not found as moved) nor near where the diff expects it (so not found as edited):
// only following the block through the commit that moved it finds it, Changed at 321-325.
// Traces bisect the target's first-parent line (walked once per Locator); an anchor made on a
// branch merged since (a line added at the end, on the branch) is not on that line, and is
// traced along the line from where its branch left it.
TEST_CASE("anchor: moved far, then edited: traced through the move, from main and from a merged branch", "[anchor]") {
  History h;
  Lines base;
  base.add(filler("a", 1, 20)).add(kBlock).add(filler("a", 21, 340));
  h.write("a.cpp", base.str());
  const std::string c0 = h.commit("base");
  const Recorded onMain = h.recordAt("a.cpp", c0, 21, 25);

  h.git("checkout -q -b side");
  Lines sideLines = base;
  sideLines.add(filler("side", 1, 1));
  h.write("a.cpp", sideLines.str());
  const std::string s1 = h.commit("a line at the end, on a branch");
  const Recorded onSide = h.recordAt("a.cpp", s1, 21, 25);

  h.git("checkout -q main");
  Lines moved;
  moved.add(filler("a", 1, 20)).add(filler("a", 21, 320)).add(kBlock).add(filler("a", 321, 340));
  h.write("a.cpp", moved.str());
  const std::string m1 = h.commit("move the block down");
  h.git("merge -q --no-ff -m merge side");
  std::vector<std::string> edited = kBlock;
  edited[2] = "  for (int v : values) sum = sum * 37 + v;\n";
  Lines last;
  last.add(filler("a", 1, 20)).add(filler("a", 21, 320)).add(edited).add(filler("a", 321, 340))
      .add(filler("side", 1, 1));
  h.write("a.cpp", last.str());
  const std::string c2 = h.commit("edit it");
  REQUIRE(h.git("rev-list --first-parent " + c2).find(s1) == std::string::npos);

  Locator locator(h.repo());
  for (const Recorded& anchor : {onMain, onSide}) {
    const Location at = locator.locate(anchor, c2);
    INFO(anchor.commit << ": " << at.how);
    CHECK_PLACE(at, "a.cpp", 321u, 325u);
    CHECK(at.status == Status::Changed);
    CHECK(at.confidence >= kFoundThreshold);
    // Found across the commit that moved it (bisected), then by the diff.
    CHECK(at.how.find("traced through commit " + m1.substr(0, 12)) != std::string::npos);
  }
}

// Ground truth: 30 commits each add a line at the end of a.cpp; the 18th also deletes the block
// (21-25) → Orphaned, and the trace names that commit (found by bisecting the 30).
TEST_CASE("anchor: a block deleted among many commits is Orphaned, deleted in that commit", "[anchor]") {
  History h;
  h.write("a.cpp", baseFile());
  const std::string c0 = h.commit("base");
  const Recorded anchor = h.recordAt("a.cpp", c0, kBaseStart, kBaseEnd);
  const auto commits =
      commitsGrowingAtTheEnd(h, 30, [](int i) { return i < 18 ? kBlock : std::vector<std::string>{}; });
  const std::string& deletedIn = commits[17];
  const Location at = Locator(h.repo()).locate(anchor, commits.back());
  INFO(at.how);
  CHECK(at.status == Status::Orphaned);
  CHECK_PLACE(at, "a.cpp", 21u, 25u);
  CHECK(at.how.find("deleted in commit " + deletedIn.substr(0, 12)) != std::string::npos);
}

// Ground truth: block at a.cpp:21-25; among 10 commits that add lines at the end, commit 4
// re-spaces every line of it with words (no line stays as it was) → a.cpp:21-25, Changed, and
// the diff says so (whitespace only). Text alone would say the lines left in commit 4; the
// engine may skip the diff only where the lines cannot be there, re-spaced or not.
TEST_CASE("anchor: a block re-spaced among many commits is carried by the diff, not traced", "[anchor]") {
  History h;
  h.write("a.cpp", baseFile());
  const std::string c0 = h.commit("base");
  const Recorded anchor = h.recordAt("a.cpp", c0, kBaseStart, kBaseEnd);
  const std::vector<std::string> respaced = {
      "int checksum( const std::vector<int>& values ) {\n",
      "  int sum=0;\n",
      "  for (int v : values) sum = sum*31 + v;\n",
      "  return sum ;\n",
      "}\n",
  };
  const auto commits = commitsGrowingAtTheEnd(h, 10, [&](int i) { return i < 4 ? kBlock : respaced; });
  const Location at = Locator(h.repo()).locate(anchor, commits.back());
  INFO(at.how);
  CHECK_PLACE(at, "a.cpp", 21u, 25u);
  CHECK(at.status == Status::Changed);
  CHECK(at.how == "diff (whitespace only)");
}

// Ground truth: a.cpp gains 2 lines at the top (its block 21-25 → 23-27, Exact; its lines 2-3
// stay, Exact); b.cpp loses its lines 20-22 (→ Orphaned there) and keeps 5-6 (Exact). Asked
// for b, a, b, a, locateAll answers in that order, and as locate() does one by one.
TEST_CASE("anchor: locateAll answers as locate does, in the order given", "[anchor]") {
  History h;
  h.write("a.cpp", baseFile());
  h.write("b.cpp", Lines().add(filler("b", 1, 30)).str());
  const std::string c0 = h.commit("base");
  const std::vector<Recorded> anchors = {h.recordAt("b.cpp", c0, 5, 6), h.recordAt("a.cpp", c0, kBaseStart, kBaseEnd),
                                         h.recordAt("b.cpp", c0, 20, 22), h.recordAt("a.cpp", c0, 2, 3)};
  h.write("a.cpp", Lines().add("// one\n").add("// two\n").add(filler("a", 1, 20)).add(kBlock).add(filler("a", 21, 40)).str());
  h.write("b.cpp", Lines().add(filler("b", 1, 19)).add(filler("b", 23, 30)).str());
  const std::string c1 = h.commit("two lines on top of a, three out of b");

  const std::vector<Location> all = Locator(h.repo()).locateAll(anchors, c1);
  REQUIRE(all.size() == anchors.size());
  CHECK_PLACE(all[0], "b.cpp", 5u, 6u);
  CHECK(all[0].status == Status::Exact);
  CHECK_PLACE(all[1], "a.cpp", 23u, 27u);
  CHECK(all[1].status == Status::Exact);
  CHECK(all[2].path == "b.cpp");
  CHECK(all[2].status == Status::Orphaned);
  CHECK_PLACE(all[3], "a.cpp", 4u, 5u);
  CHECK(all[3].status == Status::Exact);
  for (size_t i = 0; i < anchors.size(); ++i) {
    INFO("anchor " << i);
    CHECK(all[i] == Locator(h.repo()).locate(anchors[i], c1));
  }
  CHECK(Locator(h.repo()).locateAll({}, c1).empty());
  CHECK_THROWS_AS(Locator(h.repo()).locateAll(anchors, "no-such-branch"), AnchorError);
}

// Ground truth: unknown targets are the only errors.
TEST_CASE("anchor: locate at an unknown target throws AnchorError", "[anchor]") {
  History h;
  h.write("a.cpp", baseFile());
  const std::string c0 = h.commit("base");
  const Recorded anchor = h.recordAt("a.cpp", c0, kBaseStart, kBaseEnd);
  Locator locator(h.repo());
  CHECK_THROWS_AS(locator.locate(anchor, "no-such-branch"), AnchorError);
  CHECK_THROWS_AS(locator.locate(anchor, std::string(40, 'e')), AnchorError);
  CHECK_NOTHROW(locator.locate(anchor, "HEAD"));
}

// ---------------------------------------------------------------------------
// 17: shift(): pure data. The range is lines 10-14 (1-based), i.e. 0-based lines 9-13 in the
// LineEdit's terms. An edit of lines [f, l] with n new line breaks changes the line count by
// n - (l - f).

Location placed(Status status = Status::Exact, double confidence = 1.0) {
  return Location{.path = "a.cpp",
                  .startLine = 10,
                  .endLine = 14,
                  .status = status,
                  .confidence = confidence,
                  .how = "diff"};
}

Location shifted(Location l, const LineEdit& edit) {
  tacit::anchor::shift(l, edit);
  return l;
}

TEST_CASE("anchor: shift() by edits above the range moves it", "[anchor]") {
  // 3 lines inserted on 0-based line 2 → 13-17.
  Location l = shifted(placed(), {.firstLine = 2, .lastLine = 2, .newLines = 3});
  CHECK(l.startLine == 13u);
  CHECK(l.endLine == 17u);
  CHECK(l.status == Status::Exact);
  CHECK(l.confidence == Approx(1.0));
  CHECK(l.path == "a.cpp");

  // 0-based lines 3-6 joined into one: 3 lines fewer → 7-11.
  l = shifted(placed(), {.firstLine = 3, .lastLine = 6, .newLines = 0});
  CHECK(l.startLine == 7u);
  CHECK(l.endLine == 11u);
  CHECK(l.status == Status::Exact);

  // A change within one line above: no move.
  CHECK(shifted(placed(), {.firstLine = 4, .lastLine = 4, .newLines = 0}) == placed());

  // Ending on the line just above (0-based 8 = line 9): 3 lines replaced by 2 → 8-12.
  l = shifted(placed(), {.firstLine = 5, .lastLine = 8, .newLines = 1});
  CHECK(l.startLine == 8u);
  CHECK(l.endLine == 12u);
  CHECK(l.status == Status::Exact);

  // A Moved place stays Moved, with its confidence.
  l = shifted(placed(Status::Moved, 0.8), {.firstLine = 0, .lastLine = 0, .newLines = 1});
  CHECK(l.startLine == 11u);
  CHECK(l.endLine == 15u);
  CHECK(l.status == Status::Moved);
  CHECK(l.confidence == Approx(0.8));
}

TEST_CASE("anchor: shift() by edits inside the range grows or shrinks it, Changed", "[anchor]") {
  // 2 lines inserted on 0-based 11 (line 12) → 10-16.
  Location l = shifted(placed(), {.firstLine = 11, .lastLine = 11, .newLines = 2});
  CHECK(l.startLine == 10u);
  CHECK(l.endLine == 16u);
  CHECK(l.status == Status::Changed);

  // 0-based 10-12 (lines 11-13) joined into one → 10-12.
  l = shifted(placed(), {.firstLine = 10, .lastLine = 12, .newLines = 0});
  CHECK(l.startLine == 10u);
  CHECK(l.endLine == 12u);
  CHECK(l.status == Status::Changed);

  // A change within its last line → 10-14, Changed.
  l = shifted(placed(), {.firstLine = 13, .lastLine = 13, .newLines = 0});
  CHECK(l.startLine == 10u);
  CHECK(l.endLine == 14u);
  CHECK(l.status == Status::Changed);

  // An edit above, then one inside.
  l = shifted(placed(), {.firstLine = 0, .lastLine = 0, .newLines = 2});  // → 12-16
  l = shifted(l, {.firstLine = 13, .lastLine = 14, .newLines = 0});       // lines 14-15 joined → 12-15
  CHECK(l.startLine == 12u);
  CHECK(l.endLine == 15u);
  CHECK(l.status == Status::Changed);
}

TEST_CASE("anchor: shift() by an edit covering the range orphans it at the edit's place", "[anchor]") {
  // 0-based 7-15 (lines 8-16) replaced by text with one line break: lines 10-14 lay wholly
  // inside the replaced text, whatever its columns. The new text is on lines 8-9; the spec's
  // "at the edit's place" does not say whether that is its first line or all of them.
  Location l = shifted(placed(), {.firstLine = 7, .lastLine = 15, .newLines = 1});
  {
    INFO("shifted: " << describe(l));
    CHECK(l.status == Status::Orphaned);
    CHECK(l.startLine == 8u);
    CHECK(l.endLine >= 8u);
    CHECK(l.endLine <= 9u);
    CHECK(l.confidence < kFoundThreshold);
  }

  // 0-based 8-14 (lines 9-15) replaced by as many lines (a paste over the block): lines 10-14
  // wholly replaced → Orphaned on line 9 (up to the new text's last line, 15).
  l = shifted(placed(), {.firstLine = 8, .lastLine = 14, .newLines = 6});
  {
    INFO("shifted: " << describe(l));
    CHECK(l.status == Status::Orphaned);
    CHECK(l.startLine == 9u);
    CHECK(l.endLine >= 9u);
    CHECK(l.endLine <= 15u);
    CHECK(l.confidence < kFoundThreshold);
  }

  // Exactly its lines (0-based 9-13) replaced by one line: on line 10.
  l = shifted(placed(), {.firstLine = 9, .lastLine = 13, .newLines = 0});
  INFO("shifted: " << describe(l));
  CHECK(l.status == Status::Orphaned);
  CHECK(l.startLine == 10u);
  CHECK(l.endLine == 10u);
  CHECK(l.confidence < kFoundThreshold);
}

TEST_CASE("anchor: shift() by edits below the range leaves it alone", "[anchor]") {
  // From the first line below (0-based 14 = line 15).
  CHECK(shifted(placed(), {.firstLine = 14, .lastLine = 14, .newLines = 5}) == placed());
  CHECK(shifted(placed(), {.firstLine = 14, .lastLine = 20, .newLines = 0}) == placed());
  CHECK(shifted(placed(), {.firstLine = 30, .lastLine = 40, .newLines = 3}) == placed());
  CHECK(shifted(placed(Status::Changed, 0.7), {.firstLine = 15, .lastLine = 15, .newLines = 1}) ==
        placed(Status::Changed, 0.7));
}

// ---------------------------------------------------------------------------
// 18: record(), splitLines(), toString().

// Ground truth: "l1\n" .. "l9\n" then "l10" without '\n': 10 lines.
TEST_CASE("anchor: record() takes the lines, 3 lines of context and the blob id", "[anchor]") {
  History h;
  const std::string content = "l1\nl2\nl3\nl4\nl5\nl6\nl7\nl8\nl9\nl10";
  const std::string commit(40, 'c');
  const std::string blob = h.hashObject(content);

  std::optional<Recorded> r = tacit::anchor::record("src/a.cpp", commit, content, 5, 6);
  REQUIRE(r.has_value());
  CHECK(r->path == "src/a.cpp");
  CHECK(r->commit == commit);
  CHECK(r->blob == blob);
  CHECK(r->startLine == 5u);
  CHECK(r->endLine == 6u);
  CHECK(r->text == "l5\nl6\n");
  CHECK(r->before == "l2\nl3\nl4\n");
  CHECK(r->after == "l7\nl8\nl9\n");
  static_assert(kContextLines == 3);

  // At the top: no context before.
  r = tacit::anchor::record("a", commit, content, 1, 2);
  REQUIRE(r.has_value());
  CHECK(r->text == "l1\nl2\n");
  CHECK(r->before.empty());
  CHECK(r->after == "l3\nl4\nl5\n");

  // One line of context before.
  r = tacit::anchor::record("a", commit, content, 2, 2);
  REQUIRE(r.has_value());
  CHECK(r->text == "l2\n");
  CHECK(r->before == "l1\n");
  CHECK(r->after == "l3\nl4\nl5\n");

  // The last line, without its '\n', and no context after.
  r = tacit::anchor::record("a", commit, content, 9, 10);
  REQUIRE(r.has_value());
  CHECK(r->text == "l9\nl10");
  CHECK(r->before == "l6\nl7\nl8\n");
  CHECK(r->after.empty());

  // Three lines of context after, the last without its '\n'.
  r = tacit::anchor::record("a", commit, content, 7, 7);
  REQUIRE(r.has_value());
  CHECK(r->after == "l8\nl9\nl10");

  // Past the end.
  CHECK_FALSE(tacit::anchor::record("a", commit, content, 10, 11).has_value());
  CHECK_FALSE(tacit::anchor::record("a", commit, content, 11, 11).has_value());
  CHECK_FALSE(tacit::anchor::record("a", commit, "l1\nl2\n", 3, 3).has_value());
  CHECK_FALSE(tacit::anchor::record("a", commit, "", 1, 1).has_value());
  CHECK(tacit::anchor::record("a", commit, "l1\nl2\n", 2, 2).has_value());

  // "\r\n" kept as it was; the blob is that of the bytes as given.
  const std::string crlf = "a\r\nb\r\nc\r\n";
  r = tacit::anchor::record("a", commit, crlf, 2, 2);
  REQUIRE(r.has_value());
  CHECK(r->text == "b\r\n");
  CHECK(r->before == "a\r\n");
  CHECK(r->after == "c\r\n");
  CHECK(r->blob == h.hashObject(crlf));
}

TEST_CASE("anchor: splitLines() keeps each line's '\\n', a last line without one is a line", "[anchor]") {
  using V = std::vector<std::string_view>;
  CHECK(tacit::anchor::splitLines("") == V{});
  CHECK(tacit::anchor::splitLines("a") == V{"a"});
  CHECK(tacit::anchor::splitLines("a\n") == V{"a\n"});
  CHECK(tacit::anchor::splitLines("a\nb") == V{"a\n", "b"});
  CHECK(tacit::anchor::splitLines("a\r\n\nb\n") == V{"a\r\n", "\n", "b\n"});
}

TEST_CASE("anchor: lineCount() counts as splitLines() does", "[anchor]") {
  for (std::string_view text : {"", "a", "a\n", "a\nb", "a\r\n\nb\n", "\n\n"})
    CHECK(tacit::anchor::lineCount(text) == tacit::anchor::splitLines(text).size());
}

TEST_CASE("anchor: clampToLines() keeps a place past the end on the last line", "[anchor]") {
  auto clamped = [](uint32_t start, uint32_t end, uint32_t lines) {
    Location at{"a.txt", start, end, Status::Orphaned, 0, "last seen"};
    tacit::anchor::clampToLines(at, lines);
    CHECK((at.status == Status::Orphaned && at.path == "a.txt"));  // only the lines change
    return std::pair{at.startLine, at.endLine};
  };
  CHECK(clamped(2, 3, 5) == std::pair{2u, 3u});  // inside: as it was
  CHECK(clamped(4, 6, 5) == std::pair{4u, 5u});  // running past the end: ends on the last line
  CHECK(clamped(8, 9, 5) == std::pair{5u, 5u});  // wholly past it: on the last line
  CHECK(clamped(3, 3, 0) == std::pair{1u, 1u});  // an empty text still has line 1
  CHECK(clamped(0, 0, 5) == std::pair{0u, 0u});  // nowhere stays nowhere
}

TEST_CASE("anchor: toString(Status)", "[anchor]") {
  CHECK(tacit::anchor::toString(Status::Exact) == "exact");
  CHECK(tacit::anchor::toString(Status::Moved) == "moved");
  CHECK(tacit::anchor::toString(Status::Changed) == "changed");
  CHECK(tacit::anchor::toString(Status::Orphaned) == "orphaned");
}

}  // namespace
