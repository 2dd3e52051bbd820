// Rope against a std::string reference model.
#include "server/documents/rope.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace {

using tacit::documents::Rope;

std::vector<size_t> modelLineStarts(const std::string& text) {
  std::vector<size_t> starts{0};
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') starts.push_back(i + 1);
  }
  return starts;
}

std::vector<size_t> modelLineEnds(const std::string& text) {
  std::vector<size_t> ends;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') ends.push_back(i);
  }
  ends.push_back(text.size());
  return ends;
}

// Everything the rope reports, compared with the model in one go.
void requireMatches(const Rope& rope, const std::string& model) {
  REQUIRE(rope.size() == model.size());
  REQUIRE(rope.text() == model);
  std::vector<size_t> starts = modelLineStarts(model);
  std::vector<size_t> ends = modelLineEnds(model);
  REQUIRE(rope.lineCount() == starts.size());
  std::vector<size_t> ropeStarts, ropeEnds;
  for (size_t line = 0; line < rope.lineCount(); ++line) {
    ropeStarts.push_back(rope.lineStart(line));
    ropeEnds.push_back(rope.lineEnd(line));
  }
  REQUIRE(ropeStarts == starts);
  REQUIRE(ropeEnds == ends);
  // lineAt at every line boundary and a spread of offsets in between.
  size_t step = std::max<size_t>(1, model.size() / 997);
  std::vector<size_t> offsets;
  for (size_t o = 0; o <= model.size(); o += step) offsets.push_back(o);
  for (size_t s : starts) {
    offsets.push_back(s);
    if (s > 0) offsets.push_back(s - 1);
  }
  offsets.push_back(model.size());
  for (size_t o : offsets) {
    size_t expected = static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), o) -
                                          starts.begin()) - 1;
    if (rope.lineAt(o) != expected) {
      INFO("offset " << o);
      REQUIRE(rope.lineAt(o) == expected);
    }
  }
  REQUIRE(rope.checkInvariants());
}

// Text with frequent newlines, CRs and 2-, 3- and 4-byte characters.
std::string randomText(std::mt19937_64& rng, size_t length) {
  static const char* const kPieces[] = {"a", "b", "x", " ", "\n", "\n", "\r\n", "\xC3\xA9",
                                        "\xE2\x82\xAC", "\xF0\x9D\x84\x9E", "{", ";"};
  std::string text;
  while (text.size() < length) {
    text.append(kPieces[rng() % std::size(kPieces)]);
  }
  text.resize(length);  // may cut a character in half: the rope only sees bytes
  return text;
}

size_t pick(std::mt19937_64& rng, size_t bound) { return bound == 0 ? 0 : rng() % (bound + 1); }

}  // namespace

TEST_CASE("Rope: empty", "[rope]") {
  Rope rope;
  CHECK(rope.size() == 0);
  CHECK(rope.lineCount() == 1);
  CHECK(rope.lineStart(0) == 0);
  CHECK(rope.lineEnd(0) == 0);
  CHECK(rope.lineAt(0) == 0);
  CHECK(rope.line(0).empty());
  CHECK(rope.text().empty());
  CHECK(rope.substr(0, 0).empty());
  CHECK(rope.chunkCount() == 0);
  CHECK(rope.height() == 0);
  CHECK(rope.checkInvariants());

  Rope fromEmpty{std::string_view()};
  CHECK(fromEmpty.size() == 0);
  CHECK(fromEmpty.chunkCount() == 0);

  rope.replace(0, 0, "");  // no-op
  CHECK(rope.size() == 0);
  rope.replace(0, 0, "hi\n");
  requireMatches(rope, "hi\n");
  rope.replace(0, 3, "");
  requireMatches(rope, "");
  CHECK(rope.chunkCount() == 0);
}

TEST_CASE("Rope: lines of a small text", "[rope]") {
  Rope rope("ab\n\ncd\r\nlast");
  REQUIRE(rope.lineCount() == 4);
  CHECK(rope.line(0) == "ab");
  CHECK(rope.line(1).empty());
  CHECK(rope.line(2) == "cd\r");  // only '\n' breaks lines
  CHECK(rope.line(3) == "last");
  CHECK(rope.lineStart(3) == 8);
  CHECK(rope.lineEnd(2) == 7);
  CHECK(rope.lineEnd(3) == rope.size());
  CHECK(rope.lineAt(2) == 0);  // the '\n' belongs to the line it ends
  CHECK(rope.lineAt(3) == 1);
  CHECK(rope.lineAt(rope.size()) == 3);
  CHECK(rope.substr(1, 4) == "b\n\nc");

  Rope trailing("x\n");
  CHECK(trailing.lineCount() == 2);
  CHECK(trailing.line(1).empty());
  CHECK(trailing.lineStart(1) == 2);
  CHECK(trailing.lineEnd(1) == 2);
}

TEST_CASE("Rope: construction from a large text is balanced and well formed", "[rope]") {
  std::mt19937_64 rng(7);
  std::string text = randomText(rng, 1'000'000);
  Rope rope(text);
  requireMatches(rope, text);
  CHECK(rope.chunkCount() == (text.size() + Rope::kTargetChunk - 1) / Rope::kTargetChunk);
  // A random treap of ~650 nodes: expected height about 25; 40 is far out.
  CHECK(rope.height() <= 40);
}

TEST_CASE("Rope: edits at the start and at the end", "[rope]") {
  std::mt19937_64 rng(11);
  std::string model = randomText(rng, 10'000);
  Rope rope(model);
  for (int i = 0; i < 300; ++i) {
    std::string piece = randomText(rng, pick(rng, 8));
    size_t length = std::min(pick(rng, 5), model.size());
    if (i % 2 == 0) {
      rope.replace(0, length, piece);
      model.replace(0, length, piece);
    } else {
      size_t offset = model.size() - length;
      rope.replace(offset, length, piece);
      model.replace(offset, length, piece);
    }
    REQUIRE(rope.size() == model.size());
  }
  requireMatches(rope, model);
  rope.replace(rope.size(), 0, "\nend");
  model.append("\nend");
  rope.replace(0, 0, "start\n");
  model.insert(0, "start\n");
  requireMatches(rope, model);
}

TEST_CASE("Rope: large inserts and deletes that span many chunks", "[rope]") {
  std::mt19937_64 rng(13);
  std::string model = randomText(rng, 50'000);
  Rope rope(model);

  std::string big = randomText(rng, 100'000);
  rope.replace(25'000, 0, big);
  model.replace(25'000, 0, big);
  requireMatches(rope, model);

  // Replace a range that starts and ends mid-chunk with another large text.
  std::string other = randomText(rng, 30'001);
  rope.replace(10'001, 70'003, other);
  model.replace(10'001, 70'003, other);
  requireMatches(rope, model);

  // Delete all but the edges.
  rope.replace(1000, model.size() - 2000, "");
  model.replace(1000, model.size() - 2000, "");
  requireMatches(rope, model);
  CHECK(rope.chunkCount() <= 2);

  rope.replace(0, rope.size(), "");
  requireMatches(rope, "");
}

TEST_CASE("Rope: lines longer than a chunk", "[rope]") {
  std::string longLine(10'000, 'x');
  std::string model = "short\n" + longLine + "\n" + longLine + longLine + "\nend";
  Rope rope(model);
  requireMatches(rope, model);
  CHECK(rope.line(1) == longLine);
  CHECK(rope.line(2) == longLine + longLine);
  CHECK(rope.lineStart(2) == 6 + 10'001);
  CHECK(rope.lineEnd(2) == 6 + 10'001 + 20'000);

  // Split the long line in its middle, then join it again.
  rope.replace(6 + 5000, 0, "\n");
  model.replace(6 + 5000, 0, "\n");
  requireMatches(rope, model);
  rope.replace(6 + 5000, 1, "");
  model.replace(6 + 5000, 1, "");
  requireMatches(rope, model);
}

TEST_CASE("Rope: random replace() calls match a std::string model", "[rope]") {
  struct Scenario {
    uint64_t seed;
    size_t initialSize;
  };
  for (Scenario scenario : {Scenario{1, 0}, Scenario{2, 100}, Scenario{3, 5'000},
                            Scenario{4, 60'000}, Scenario{5, 1'500}}) {
    INFO("seed " << scenario.seed);
    std::mt19937_64 rng(scenario.seed);
    std::string model = randomText(rng, scenario.initialSize);
    Rope rope(model);
    for (int step = 1; step <= 3000; ++step) {
      size_t offset = pick(rng, model.size());
      size_t length = 0;
      std::string text;
      unsigned kind = static_cast<unsigned>(rng() % 100);
      if (kind < 60) {  // typing-sized
        length = pick(rng, std::min<size_t>(3, model.size() - offset));
        text = randomText(rng, pick(rng, 3));
      } else if (kind < 85) {  // pasting or deleting a few lines
        length = pick(rng, std::min<size_t>(300, model.size() - offset));
        text = randomText(rng, pick(rng, 300));
      } else if (kind < 90) {  // at the very start or end
        offset = rng() % 2 == 0 ? 0 : model.size();
        length = offset == 0 ? pick(rng, std::min<size_t>(10, model.size())) : 0;
        text = randomText(rng, pick(rng, 10));
      } else if (kind < 95 && model.size() < 150'000) {  // big insert
        text = randomText(rng, pick(rng, 20'000));
      } else {  // big delete
        length = pick(rng, std::min<size_t>(20'000, model.size() - offset));
      }
      rope.replace(offset, length, text);
      model.replace(offset, length, text);
      REQUIRE(rope.size() == model.size());
      REQUIRE(rope.lineCount() == modelLineStarts(model).size());
      if (step % 50 == 0) {
        INFO("step " << step);
        requireMatches(rope, model);
        for (int i = 0; i < 20; ++i) {
          size_t from = pick(rng, model.size());
          size_t count = pick(rng, std::min<size_t>(5000, model.size() - from));
          REQUIRE(rope.substr(from, count) == model.substr(from, count));
        }
        if (rope.lineCount() > 0) {
          size_t line = rng() % rope.lineCount();
          std::vector<size_t> starts = modelLineStarts(model);
          size_t end = line + 1 < starts.size() ? starts[line + 1] - 1 : model.size();
          REQUIRE(rope.line(line) == model.substr(starts[line], end - starts[line]));
        }
      }
    }
    requireMatches(rope, model);
  }
}

TEST_CASE("Rope: copies are deep and moves leave an empty rope", "[rope]") {
  std::mt19937_64 rng(17);
  std::string text = randomText(rng, 20'000);
  Rope original(text);

  Rope copy(original);
  copy.replace(100, 5000, "changed");
  requireMatches(original, text);
  CHECK(copy.text() == std::string(text).replace(100, 5000, "changed"));

  Rope assigned;
  assigned = original;
  assigned.replace(0, assigned.size(), "");
  requireMatches(original, text);
  CHECK(assigned.size() == 0);

  Rope& self = original;
  original = self;
  requireMatches(original, text);

  Rope moved(std::move(copy));
  CHECK(moved.text() == std::string(text).replace(100, 5000, "changed"));
  CHECK(copy.size() == 0);  // NOLINT(bugprone-use-after-move): documented state
  copy.replace(0, 0, "reused");
  CHECK(copy.text() == "reused");

  Rope moveAssigned;
  moveAssigned = std::move(moved);
  CHECK(moveAssigned.size() == text.size() - 5000 + 7);
  CHECK(moveAssigned.checkInvariants());
}

TEST_CASE("Rope: 100,000 single-character edits keep the chunk count bounded", "[rope]") {
  auto bound = [](const Rope& rope) { return rope.size() / Rope::kMinChunk + 1; };
  auto balanced = [](const Rope& rope) {
    // A random treap's expected height is about 3 ln n; 4 log2 n + 8 leaves
    // a wide margin while still catching a degenerate (list-like) tree.
    double n = static_cast<double>(rope.chunkCount()) + 1;
    return static_cast<double>(rope.height()) <= 4 * std::log2(n) + 8;
  };

  SECTION("random positions, alternating insert and delete") {
    std::mt19937_64 rng(19);
    std::string model = randomText(rng, 40'000);
    Rope rope(model);
    for (int i = 0; i < 100'000; ++i) {
      if (i % 2 == 0) {
        size_t offset = pick(rng, model.size());
        std::string c(1, static_cast<char>('a' + rng() % 26));
        rope.replace(offset, 0, c);
        model.insert(offset, c);
      } else {
        size_t offset = rng() % model.size();
        rope.replace(offset, 1, "");
        model.erase(offset, 1);
      }
    }
    requireMatches(rope, model);
    CHECK(rope.chunkCount() <= bound(rope));
    CHECK(balanced(rope));
  }

  SECTION("typing 100,000 characters at one place, then deleting them") {
    Rope rope("int main() {\n}\n");
    std::string model = "int main() {\n}\n";
    size_t cursor = 13;
    for (int i = 0; i < 100'000; ++i) {
      char c = i % 40 == 39 ? '\n' : static_cast<char>('a' + i % 26);
      rope.replace(cursor, 0, std::string_view(&c, 1));
      model.insert(cursor, 1, c);
      ++cursor;
    }
    requireMatches(rope, model);
    CHECK(rope.chunkCount() <= bound(rope));
    CHECK(rope.chunkCount() >= rope.size() / Rope::kMaxChunk);
    CHECK(balanced(rope));

    for (int i = 0; i < 100'000; ++i) {  // backspace
      --cursor;
      rope.replace(cursor, 1, "");
    }
    model = "int main() {\n}\n";
    requireMatches(rope, model);
    CHECK(rope.chunkCount() == 1);
  }

  SECTION("appending 100,000 characters to an empty rope, then erasing from the front") {
    Rope rope;
    for (int i = 0; i < 100'000; ++i) rope.replace(rope.size(), 0, i % 50 == 49 ? "\n" : "x");
    CHECK(rope.size() == 100'000);
    CHECK(rope.lineCount() == 2001);
    CHECK(rope.chunkCount() <= bound(rope));
    CHECK(balanced(rope));
    CHECK(rope.checkInvariants());
    for (int i = 0; i < 100'000; ++i) rope.replace(0, 1, "");
    CHECK(rope.size() == 0);
    CHECK(rope.chunkCount() == 0);
    CHECK(rope.checkInvariants());
  }
}
