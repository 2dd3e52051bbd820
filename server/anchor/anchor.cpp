#include "server/anchor/anchor.h"

#include <git2.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "server/git/handles.h"
#include "server/git/setup.h"
#include "server/log/log.h"

namespace tacit::anchor {
namespace {

using git::Blob;
using git::Commit;
using git::Diff;
using git::Object;
using git::Odb;
using git::parseOid;
using git::RevWalk;
using git::toHex;
using git::Tree;
using git::TreeEntry;

// ---- Text -----------------------------------------------------------------

// A line for comparison: without its line break, '\r' or surrounding
// whitespace, so re-indentation and CRLF conversions still match.
std::string_view trimmed(std::string_view line) {
  size_t b = 0, e = line.size();
  while (b < e && (line[b] == ' ' || line[b] == '\t')) ++b;
  while (e > b && (line[e - 1] == '\n' || line[e - 1] == '\r' || line[e - 1] == ' ' || line[e - 1] == '\t')) --e;
  return line.substr(b, e - b);
}

// Lines as tokens: words ([A-Za-z0-9_]+) and single punctuation characters,
// whitespace dropped. Comparing tokens survives re-indentation, reformatting
// and CRLF, and tells `f(a, b)` from `f(a, c)` better than characters do.
using Tokens = std::vector<std::string_view>;

bool isWord(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

Tokens tokens(const std::vector<std::string_view>& lines, size_t from, size_t to) {
  Tokens out;
  for (size_t i = from; i < to && i < lines.size(); ++i) {
    std::string_view line = lines[i];
    for (size_t k = 0; k < line.size();) {
      char c = line[k];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        ++k;
      } else if (isWord(c)) {
        size_t e = k;
        while (e < line.size() && isWord(line[e])) ++e;
        out.push_back(line.substr(k, e - k));
        k = e;
      } else {
        out.push_back(line.substr(k, 1));
        ++k;
      }
    }
  }
  return out;
}

// Dice coefficient of the two token multisets: 1 for the same tokens, near
// 1 for a small edit, low for unrelated lines.
double similarity(const Tokens& a, const Tokens& b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  if (a == b) return 1.0;
  std::unordered_map<std::string_view, int> counts;
  counts.reserve(a.size());
  for (auto t : a) ++counts[t];
  size_t common = 0;
  for (auto t : b) {
    auto it = counts.find(t);
    if (it != counts.end() && it->second > 0) {
      --it->second;
      ++common;
    }
  }
  return 2.0 * static_cast<double>(common) / static_cast<double>(a.size() + b.size());
}

// The bytes of lines [from, to) of `content` (0-based, as splitLines counts
// them; clipped at its end), found without splitting all of it.
std::string_view lineSpan(std::string_view content, size_t from, size_t to) {
  size_t begin = 0, line = 0;
  const auto next = [&](size_t at) {
    const size_t nl = content.find('\n', at);
    return nl == std::string_view::npos ? content.size() : nl + 1;
  };
  for (; line < from && begin < content.size(); ++line) begin = next(begin);
  size_t end = begin;
  for (; line < to && end < content.size(); ++line) end = next(end);
  return content.substr(begin, end - begin);
}

std::string joined(const std::vector<std::string_view>& lines, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to && i < lines.size(); ++i) out += lines[i];
  return out;
}

// ---- Diff mapping -----------------------------------------------------------

struct Hunk {
  uint32_t oldStart, oldLines, newStart, newLines;  // as in "@@ -oldStart,oldLines +newStart,newLines @@"
};

// Diffs are run on blobs, or a blob and a buffer, never two buffers:
// git_diff_buffers hashes both (SHA-1 of each whole file, a fifth of
// locating an anchor), where a blob brings its id.
struct HunkDiff {
  git_diff_options opts;
  std::vector<Hunk> hunks;

  HunkDiff() {
    git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
    opts.context_lines = 0;
    opts.interhunk_lines = 0;
    opts.flags = GIT_DIFF_FORCE_TEXT | GIT_DIFF_INDENT_HEURISTIC;
  }
  static int onHunk(const git_diff_delta*, const git_diff_hunk* h, void* payload) {
    static_cast<HunkDiff*>(payload)->hunks.push_back(
        {static_cast<uint32_t>(h->old_start), static_cast<uint32_t>(h->old_lines),
         static_cast<uint32_t>(h->new_start), static_cast<uint32_t>(h->new_lines)});
    return 0;
  }
  std::vector<Hunk> result(int rc) {
    if (rc < 0) {
      const git_error* e = git_error_last();
      throw AnchorError(std::string("diffing: ") + (e ? e->message : "unknown error"));
    }
    return std::move(hunks);
  }
};

std::vector<Hunk> diffHunks(const git_blob* old, const git_blob* now) {
  HunkDiff d;
  return d.result(git_diff_blobs(old, nullptr, now, nullptr, &d.opts, nullptr, nullptr, HunkDiff::onHunk, nullptr, &d));
}

std::vector<Hunk> diffHunks(const git_blob* old, std::string_view text) {
  HunkDiff d;
  return d.result(git_diff_blob_to_buffer(old, nullptr, text.data(), text.size(), nullptr, &d.opts, nullptr, nullptr,
                                          HunkDiff::onHunk, nullptr, &d));
}

// Where old line `line` (1-based) is in the new text, or nullopt when a hunk
// removed or rewrote it. Hunks are in order and do not overlap.
std::optional<uint32_t> mapLine(const std::vector<Hunk>& hunks, uint32_t line) {
  int64_t delta = 0;
  for (const Hunk& h : hunks) {
    if (h.oldLines == 0) {
      // A pure insertion after old line oldStart.
      if (h.oldStart < line) delta += h.newLines;
      else break;
      continue;
    }
    if (line < h.oldStart) break;
    if (line < h.oldStart + h.oldLines) return std::nullopt;
    delta += static_cast<int64_t>(h.newLines) - static_cast<int64_t>(h.oldLines);
  }
  return static_cast<uint32_t>(static_cast<int64_t>(line) + delta);
}

struct Mapped {
  uint32_t start = 0, end = 0;  // in the new text
  bool touched = false;         // some hunk changed lines inside the range
  size_t keptLines = 0;         // anchored lines that survived unchanged
};

// Maps [start, end] through the hunks: unchanged lines keep their place, a
// range whose edges were rewritten takes the rewritten lines' place.
std::optional<Mapped> mapRange(const std::vector<Hunk>& hunks, uint32_t start, uint32_t end) {
  Mapped m;
  std::optional<uint32_t> first, last;
  for (uint32_t line = start; line <= end; ++line) {
    if (auto n = mapLine(hunks, line)) {
      if (!first) first = *n;
      last = *n;
      ++m.keptLines;
    }
  }
  for (const Hunk& h : hunks) {
    bool inside = h.oldLines == 0 ? (h.oldStart >= start && h.oldStart < end)
                                  : (h.oldStart <= end && h.oldStart + h.oldLines - 1 >= start);
    if (inside) m.touched = true;
  }
  if (!first) return std::nullopt;  // every anchored line was rewritten
  m.start = *first;
  m.end = *last;
  if (m.touched) {
    // Edges rewritten in place: stretch to the replacement lines.
    for (const Hunk& h : hunks) {
      if (h.oldLines > 0 && h.oldStart <= start && h.oldStart + h.oldLines - 1 >= start && h.newLines > 0)
        m.start = std::min(m.start, h.newStart);
      if (h.oldLines > 0 && h.oldStart <= end && h.oldStart + h.oldLines - 1 >= end && h.newLines > 0)
        m.end = std::max(m.end, h.newStart + h.newLines - 1);
    }
  }
  return m;
}

// Which lines of the new text were already in the old text outside old
// lines [start, end] (1-based; start > end: outside everything): code that
// was there before, elsewhere, cannot be where the anchored lines went —
// lines that move are deleted in one place and added in another. Indexed by
// new line number (1-based; [0] unused).
std::vector<bool> linesFromElsewhere(const std::vector<Hunk>& hunks, size_t newLineCount, uint32_t start,
                                     uint32_t end) {
  std::vector<bool> elsewhere(newLineCount + 1, false);
  uint32_t oldLine = 1, newLine = 1;
  auto keep = [&](uint32_t untilOld) {  // unchanged lines up to old line untilOld, excluded
    for (; oldLine < untilOld && newLine <= newLineCount; ++oldLine, ++newLine)
      elsewhere[newLine] = oldLine < start || oldLine > end;
  };
  for (const Hunk& h : hunks) {
    keep(h.oldLines == 0 ? h.oldStart + 1 : h.oldStart);  // an insertion comes after old line oldStart
    oldLine += h.oldLines;
    newLine += h.newLines;
  }
  keep(std::numeric_limits<uint32_t>::max());
  return elsewhere;
}

// ---- Search -----------------------------------------------------------------

// A place found by search, not by the diff, must hold the anchored text
// (up to whitespace), or nearly hold it *and* sit among its context lines:
// lines that merely look alike (the neighbours of deleted lines, the next
// case of a switch, the same statement on another variable) are not the
// lines the note was about.
constexpr double kSearchMinQuote = 0.8;
constexpr double kSearchMinContext = 0.75;
constexpr int64_t kEditedReach = 100;  // lines from where they were expected
// Candidates start from anchored lines that occur at most this often in the
// file (the rarest ones when none does), at most kMaxCandidates of them,
// nearest to where the lines were expected first.
constexpr size_t kRareLine = 8;
constexpr size_t kMaxCandidates = 64;

struct Candidate {
  std::string path;
  uint32_t start = 0, end = 0;
  double score = 0;       // 0..1
  bool sameText = false;  // the same tokens in the same order: equal up to whitespace
};

// A line worth searching by: some word in it, not just a brace or a blank.
bool significant(std::string_view line) {
  std::string_view t = trimmed(line);
  return t.size() >= 3 && std::any_of(t.begin(), t.end(), isWord);
}

// The similarity at which lines a diff keeps in place are the anchored ones,
// only re-spaced (re-indented, reformatted).
constexpr double kRespaced = 0.999;

// A diff carries anchored lines into a file (see locateDirect) when it finds
// them unchanged (all there), edited (at least half of those with words in
// them kept as they were) or only re-spaced (every token kept). This tells
// by text alone, for lookups instead of a diff, that it surely cannot: fewer
// than half of the lines with words in them are anywhere in the file, and
// some word of theirs is nowhere in it. `has`: is this trimmed line in the
// file (it may err towards yes). False when unsure.
bool cannotCarry(std::string_view anchored, std::string_view file, const std::function<bool(std::string_view)>& has) {
  const auto quote = splitLines(anchored);
  std::vector<std::string_view> there, gone;
  size_t withWords = 0, present = 0;
  for (std::string_view line : quote) {
    const bool in = has(trimmed(line));
    (in ? there : gone).push_back(line);
    if (significant(line)) {
      ++withWords;
      present += in;
    }
  }
  if (withWords == 0 || present * 2 >= withWords) return false;
  // One token of n missing keeps the similarity at most 2(n-1)/(2n-1),
  // under kRespaced for n below 1/(2(1-kRespaced)).
  if (static_cast<double>(tokens(quote, 0, quote.size()).size()) >= 1 / (2 * (1 - kRespaced))) return false;
  // A missing word is in a line that is gone and in none that is there.
  const Tokens kept = tokens(there, 0, there.size());
  const std::unordered_set<std::string_view> keptWords(kept.begin(), kept.end());
  Tokens words;
  for (std::string_view w : tokens(gone, 0, gone.size()))
    if (isWord(w.front()) && !keptWords.contains(w)) words.push_back(w);
  // The longest first, the likeliest to be missing; memmem (two-way, with
  // skips) is several times faster here than string_view::find.
  std::sort(words.begin(), words.end(),
            [](std::string_view a, std::string_view b) { return a.size() != b.size() ? a.size() > b.size() : a < b; });
  words.erase(std::unique(words.begin(), words.end()), words.end());
  words.resize(std::min<size_t>(words.size(), 16));
  return std::any_of(words.begin(), words.end(),
                     [&](std::string_view w) { return memmem(file.data(), file.size(), w.data(), w.size()) == nullptr; });
}

// The places in one file's lines that may hold the anchored lines, scored by
// quote, context and distance from `expected` (1-based; 0 = no expectation).
// With `elsewhere` (linesFromElsewhere of the diff that produced `lines`), a
// place whose lines with words in them were mostly already there, outside
// the anchored lines, is not a candidate (mostly: across many commits a diff
// may pair a common line of a moved block, like `return total;`, with an old
// one).
std::vector<Candidate> searchFile(const Recorded& anchor, const std::vector<std::string_view>& quote,
                                  const Tokens& quoteTokens, const std::string& path,
                                  const std::vector<std::string_view>& lines, uint32_t expected,
                                  const std::vector<bool>* elsewhere = nullptr) {
  std::vector<Candidate> out;
  const size_t n = quote.size();
  if (n == 0 || lines.empty()) return out;
  // Where each significant anchored line occurs in the file.
  std::unordered_map<std::string_view, std::vector<size_t>> occurrences;
  for (size_t i = 0; i < n; ++i)
    if (significant(quote[i])) occurrences.emplace(trimmed(quote[i]), std::vector<size_t>{});
  for (size_t j = 0; j < lines.size(); ++j) {
    auto it = occurrences.find(trimmed(lines[j]));
    if (it != occurrences.end()) it->second.push_back(j);
  }
  size_t rarest = std::numeric_limits<size_t>::max();
  for (const auto& [line, at] : occurrences)
    if (!at.empty()) rarest = std::min(rarest, at.size());
  std::vector<int64_t> starts;
  for (size_t i = 0; i < n; ++i) {
    if (!significant(quote[i])) continue;
    const auto& at = occurrences[trimmed(quote[i])];
    if (at.empty() || at.size() > std::max(kRareLine, rarest)) continue;
    for (size_t j : at) starts.push_back(static_cast<int64_t>(j) - static_cast<int64_t>(i));
  }
  // Every line edited (or a one-line anchor rewritten): the lines around
  // where they were expected.
  if (starts.empty() && expected > 0) {
    for (int64_t d = -50; d <= 50; ++d) starts.push_back(static_cast<int64_t>(expected) - 1 + d);
  }
  const int64_t want = expected > 0 ? static_cast<int64_t>(expected) - 1 : 0;
  std::sort(starts.begin(), starts.end(), [&](int64_t a, int64_t b) {
    return std::make_pair(std::abs(a - want), a) < std::make_pair(std::abs(b - want), b);
  });
  starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
  starts.erase(std::remove_if(starts.begin(), starts.end(),
                              [&](int64_t s) { return s < 0 || static_cast<size_t>(s) >= lines.size(); }),
               starts.end());
  if (starts.size() > kMaxCandidates) starts.resize(kMaxCandidates);

  auto beforeText = splitLines(anchor.before);
  auto afterText = splitLines(anchor.after);
  const Tokens beforeTokens = tokens(beforeText, 0, beforeText.size());
  const Tokens afterTokens = tokens(afterText, 0, afterText.size());
  const std::string_view lastQuote = trimmed(quote.back());
  for (int64_t s : starts) {
    const size_t start = static_cast<size_t>(s);
    // The window ends where the anchor's last line reappears near n lines
    // on (the block grew or shrank), else after n lines.
    size_t end = std::min(lines.size(), start + n);
    if (significant(lastQuote) && !(end > start && trimmed(lines[end - 1]) == lastQuote)) {
      for (size_t k = start; k < std::min(lines.size(), start + 2 * n + 2); ++k)
        if (trimmed(lines[k]) == lastQuote && k + 1 >= start + (n + 1) / 2) {
          end = k + 1;
          break;
        }
    }
    if (elsewhere) {
      // Lines with words count; a place of braces and blanks, every line.
      size_t counted = 0, old = 0;
      for (int pass = 0; pass < 2 && counted == 0; ++pass)
        for (size_t k = start; k < end; ++k) {
          if (pass == 0 && !significant(lines[k])) continue;
          ++counted;
          if (k + 1 < elsewhere->size() && (*elsewhere)[k + 1]) ++old;
        }
      if (old * 2 > counted) continue;
    }
    const Tokens window = tokens(lines, start, end);
    const bool sameText = window == quoteTokens;
    const double quoteScore = sameText ? 1.0 : similarity(quoteTokens, window);
    if (quoteScore < kSearchMinQuote) continue;
    // Context: the better side (code on one side may have changed too).
    double context = (beforeTokens.empty() && afterTokens.empty()) ? 1.0 : 0.0;
    if (!beforeTokens.empty()) {
      size_t from = start >= beforeText.size() ? start - beforeText.size() : 0;
      context = std::max(context, similarity(beforeTokens, tokens(lines, from, start)));
    }
    if (!afterTokens.empty())
      context = std::max(context, similarity(afterTokens, tokens(lines, end, end + afterText.size())));
    // Edited lines are looked for only near where they were expected, and
    // only when their context says so; elsewhere (another place, another
    // file) only the same text counts as found.
    if (!sameText && (context < kSearchMinContext || expected == 0 ||
                      std::abs(static_cast<int64_t>(start) - want) > kEditedReach))
      continue;
    double proximity = 1.0;
    if (expected > 0) {
      double distance = std::abs(static_cast<double>(start + 1) - static_cast<double>(expected));
      proximity = 1.0 / (1.0 + distance / 100.0);
    }
    Candidate c;
    c.path = path;
    c.start = static_cast<uint32_t>(start + 1);
    c.end = static_cast<uint32_t>(std::max(end, start + 1));
    c.sameText = sameText;
    c.score = 0.8 * quoteScore + 0.15 * context + 0.05 * proximity;
    out.push_back(std::move(c));
  }
  return out;
}

// The best place among `candidates`. Two places as good as each other:
// for the same text (duplicated code) the nearer one, with lowered
// confidence; for edited text, neither (no way to tell, so not found).
std::optional<Location> choose(std::vector<Candidate> candidates, std::string how) {
  if (candidates.empty()) return std::nullopt;
  std::sort(candidates.begin(), candidates.end(),
            [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
  const Candidate& best = candidates.front();
  if (best.score < kFoundThreshold) return std::nullopt;
  Location loc{best.path, best.start, best.end, best.sameText ? Status::Moved : Status::Changed, best.score,
               std::move(how)};
  for (size_t i = 1; i < candidates.size(); ++i) {
    const Candidate& other = candidates[i];
    if (best.score - other.score >= 0.05) break;
    if (other.path == best.path && other.start == best.start) continue;
    if (!best.sameText) return std::nullopt;
    loc.confidence = std::min(loc.confidence, std::max(kFoundThreshold, best.score - 0.25));
    loc.how += " (one of several equally good places)";
    break;
  }
  return loc;
}

// The best place for the anchored lines in one file's lines. Found right
// where they were expected, they have not moved: only (maybe) re-indented,
// or placed by text alone with no diff to go by.
std::optional<Location> bestIn(const Recorded& anchor, const std::string& path,
                               const std::vector<std::string_view>& lines, uint32_t expected, std::string how,
                               const std::vector<bool>* elsewhere = nullptr) {
  auto quote = splitLines(anchor.text);
  auto found = choose(searchFile(anchor, quote, tokens(quote, 0, quote.size()), path, lines, expected, elsewhere),
                      std::move(how));
  if (found && found->status == Status::Moved && found->startLine == expected && path == anchor.path)
    found->status = joined(lines, found->startLine - 1, found->endLine) == anchor.text ? Status::Exact : Status::Changed;
  return found;
}

}  // namespace

std::vector<std::string_view> splitLines(std::string_view content) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < content.size()) {
    size_t nl = content.find('\n', start);
    size_t end = nl == std::string_view::npos ? content.size() : nl + 1;
    lines.push_back(content.substr(start, end - start));
    start = end;
  }
  return lines;
}

uint32_t lineCount(std::string_view content) {
  const auto breaks = static_cast<uint32_t>(std::count(content.begin(), content.end(), '\n'));
  return breaks + (!content.empty() && content.back() != '\n' ? 1 : 0);
}

void clampToLines(Location& location, uint32_t lines) {
  if (location.startLine == 0) return;  // nowhere: nothing to keep in
  const uint32_t last = std::max<uint32_t>(lines, 1);
  location.startLine = std::min(location.startLine, last);
  location.endLine = std::clamp(location.endLine, location.startLine, last);
}

bool isBinary(std::string_view content) { return content.substr(0, 8000).find('\0') != std::string_view::npos; }

namespace {

// record() for content whose blob id is known (empty: none).
std::optional<Recorded> recordWithBlob(std::string_view path, std::string_view commit, std::string_view content,
                                       uint32_t startLine, uint32_t endLine, std::string blob) {
  if (startLine < 1 || endLine < startLine) return std::nullopt;
  // Only the lines wanted and their context are split.
  const size_t from = startLine - 1 >= kContextLines ? startLine - 1 - kContextLines : 0;
  const auto lines = splitLines(lineSpan(content, from, endLine + kContextLines));
  const size_t first = startLine - 1 - from, last = endLine - from;  // the anchored ones, [first, last)
  if (last > lines.size()) return std::nullopt;  // past the end of the file
  Recorded r;
  r.path = path;
  r.commit = commit;
  r.blob = std::move(blob);
  r.startLine = startLine;
  r.endLine = endLine;
  r.text = joined(lines, first, last);
  r.before = joined(lines, 0, first);
  r.after = joined(lines, last, lines.size());
  return r;
}

}  // namespace

std::optional<Recorded> record(std::string_view path, std::string_view commit, std::string_view content,
                               uint32_t startLine, uint32_t endLine) {
  git_oid oid;
  std::string blob;
  if (git_odb_hash(&oid, content.data(), content.size(), GIT_OBJECT_BLOB) == 0) blob = toHex(oid);
  return recordWithBlob(path, commit, content, startLine, endLine, std::move(blob));
}

std::string_view toString(Status status) {
  switch (status) {
    case Status::Exact: return "exact";
    case Status::Moved: return "moved";
    case Status::Changed: return "changed";
    case Status::Orphaned: return "orphaned";
  }
  return "";
}

void shift(Location& location, const LineEdit& edit) {
  if (location.startLine == 0) return;
  // 1-based inclusive edit lines; the edit spans [first, last].
  const int64_t first = static_cast<int64_t>(edit.firstLine) + 1;
  const int64_t last = static_cast<int64_t>(edit.lastLine) + 1;
  const int64_t delta = static_cast<int64_t>(edit.newLines) - (last - first);
  const int64_t start = location.startLine, end = location.endLine;
  if (first > end) return;  // below
  if (last < start) {       // wholly above
    location.startLine = static_cast<uint32_t>(start + delta);
    location.endLine = static_cast<uint32_t>(end + delta);
    return;
  }
  // Every anchored line replaced (the edit spans past both ends, or deletes
  // from the first to the last): nothing left to point at until located again.
  if ((first < start && last > end) || (first <= start && last >= end && edit.newLines == 0 && last > first)) {
    location.startLine = location.endLine = static_cast<uint32_t>(first);
    location.status = Status::Orphaned;
    location.confidence = 0;
    return;
  }
  // Touching it: the range keeps its start (or the edit's) and its end moves by delta.
  location.startLine = static_cast<uint32_t>(std::min(start, first));
  location.endLine = static_cast<uint32_t>(std::max<int64_t>(location.startLine, end + delta));
  location.status = Status::Changed;
}

// ---- Locator ------------------------------------------------------------------

struct Locator::Impl {
  git_repository* repo;
  Odb odb;

  explicit Impl(git_repository* r) : repo(r) {
    git_odb* raw = nullptr;
    if (git_repository_odb(&raw, repo) < 0) throw AnchorError("opening the object database");
    odb.reset(raw);
  }

  Commit commitOf(std::string_view spec) {
    std::string s(spec);
    git_object* raw = nullptr;
    if (git_revparse_single(&raw, repo, s.c_str()) < 0) return nullptr;
    Object obj(raw);
    git_object* peeled = nullptr;
    if (git_object_peel(&peeled, obj.get(), GIT_OBJECT_COMMIT) < 0) return nullptr;
    return Commit(reinterpret_cast<git_commit*>(peeled));
  }

  // The commit, if the repository has it (a rebased-away or shallow-cut
  // commit is simply missing).
  Commit existingCommit(std::string_view hex) {
    auto oid = parseOid(hex);
    if (!oid || !git_odb_exists(odb.get(), &*oid)) return nullptr;
    return commitById(*oid);
  }

  Commit commitById(const git_oid& id) {
    git_commit* raw = nullptr;
    if (git_commit_lookup(&raw, repo, &id) < 0) return nullptr;
    return Commit(raw);
  }

  static Tree treeOf(const git_commit* commit) {
    git_tree* raw = nullptr;
    if (git_commit_tree(&raw, commit) < 0) return nullptr;
    return Tree(raw);
  }

  // A blob, held (its bytes stay valid) while a caller keeps the handle.
  // Remembered (up to kMaxBlobBytes in all): locating every thread of a
  // file reads that file once, not once per thread, and a blob rebuilt from
  // a long delta chain is the dearest read there is.
  using BlobRef = std::shared_ptr<git_blob>;
  static std::string_view textOf(const BlobRef& blob) {
    return {static_cast<const char*>(git_blob_rawcontent(blob.get())), static_cast<size_t>(git_blob_rawsize(blob.get()))};
  }
  BlobRef blobContent(const git_oid& oid) {
    const std::string key(reinterpret_cast<const char*>(oid.id), GIT_OID_RAWSZ);
    if (auto it = blobs.find(key); it != blobs.end()) return it->second;
    git_blob* raw = nullptr;
    if (git_blob_lookup(&raw, repo, &oid) < 0) return nullptr;
    BlobRef blob(raw, git_blob_free);
    const size_t size = static_cast<size_t>(git_blob_rawsize(raw));
    if (size <= kMaxBlobBytes / 8) {
      if (blobBytes + size > kMaxBlobBytes) {
        blobs.clear();
        blobBytes = 0;
      }
      blobBytes += size;
      blobs.emplace(key, blob);
    }
    return blob;
  }
  static constexpr size_t kMaxBlobBytes = 64 * 1024 * 1024;

  // The diff from blob `from` (its bytes: `old`) to `text`, remembered for
  // the last few texts (each kept, and compared on a hit): every thread of
  // an open buffer is followed through the same diff.
  struct TextDiff {
    std::string text;
    std::vector<Hunk> hunks;
  };
  const std::vector<Hunk>& hunksTo(const git_oid& from, const git_blob* old, std::string_view text) {
    std::string key(reinterpret_cast<const char*>(from.id), GIT_OID_RAWSZ);
    key += std::to_string(std::hash<std::string_view>{}(text));
    if (auto it = diffs.find(key); it != diffs.end() && it->second.text == text) return it->second.hunks;
    if (diffs.size() >= kMaxDiffs) diffs.clear();
    TextDiff& entry = diffs[key];
    entry = {std::string(text), diffHunks(old, text)};
    return entry.hunks;
  }
  static constexpr size_t kMaxDiffs = 64;
  std::unordered_map<std::string, TextDiff> diffs;

  // The diff between two blobs, remembered for the last few hundred pairs:
  // a thread whose lines the diff does not carry is probed again after its
  // history is traced, and the probes of a trace meet the same pairs.
  std::vector<Hunk> hunksBetween(const git_oid& oldId, const git_blob* old, const git_oid& newId,
                                 const git_blob* now) {
    std::string key(reinterpret_cast<const char*>(oldId.id), GIT_OID_RAWSZ);
    key.append(reinterpret_cast<const char*>(newId.id), GIT_OID_RAWSZ);
    if (auto it = blobDiffs.find(key); it != blobDiffs.end()) return it->second;
    if (blobDiffs.size() >= kMaxBlobDiffs) blobDiffs.clear();
    return blobDiffs.emplace(std::move(key), diffHunks(old, now)).first->second;
  }
  static constexpr size_t kMaxBlobDiffs = 256;
  std::unordered_map<std::string, std::vector<Hunk>> blobDiffs;
  std::unordered_map<std::string, BlobRef> blobs;
  size_t blobBytes = 0;

  // The blob id of the file at `path` in `tree`, without reading it.
  // Remembered per (tree, path): locating every thread at one commit asks
  // for the same few files again and again, and each lookup walks the
  // path's trees.
  std::optional<git_oid> blobIdAt(const git_tree* tree, const std::string& path) {
    std::string key(reinterpret_cast<const char*>(git_tree_id(tree)->id), GIT_OID_RAWSZ);
    key += path;
    if (auto it = blobIds.find(key); it != blobIds.end()) return it->second;
    if (blobIds.size() >= kMaxBlobIds) blobIds.clear();
    std::optional<git_oid> found;
    git_tree_entry* raw = nullptr;
    if (git_tree_entry_bypath(&raw, tree, path.c_str()) == 0) {
      TreeEntry entry(raw);
      if (git_tree_entry_type(entry.get()) == GIT_OBJECT_BLOB) found = *git_tree_entry_id(entry.get());
    }
    return blobIds.emplace(std::move(key), found).first->second;
  }
  static constexpr size_t kMaxBlobIds = 65'536;
  std::unordered_map<std::string, std::optional<git_oid>> blobIds;

  // The same at a commit.
  std::optional<git_oid> blobIdIn(const git_commit* commit, const std::string& path) {
    Tree tree = treeOf(commit);
    return tree ? blobIdAt(tree.get(), path) : std::nullopt;
  }

  // The file at `path` in `tree`: its blob, held, and its bytes.
  struct File {
    git_oid id;
    BlobRef blob;
    std::string_view text;
  };
  std::optional<File> fileAt(const git_tree* tree, const std::string& path) {
    auto id = blobIdAt(tree, path);
    if (!id) return std::nullopt;
    BlobRef blob = blobContent(*id);
    if (!blob) return std::nullopt;
    const std::string_view text = textOf(blob);
    return File{*id, std::move(blob), text};
  }

  // Whether a file has a line (trimmed), maybe: the hashes of its lines,
  // sorted, for the last few files asked about (every anchor in a file is
  // first asked about at the same target). A shared hash says yes.
  std::function<bool(std::string_view)> hasLine(const File& file) {
    const std::string key(reinterpret_cast<const char*>(file.id.id), GIT_OID_RAWSZ);
    auto it = lineHashes.find(key);
    if (it == lineHashes.end()) {
      if (lineHashes.size() >= kMaxLineHashes) lineHashes.clear();
      std::vector<size_t> hashes;
      for (std::string_view line : splitLines(file.text)) hashes.push_back(std::hash<std::string_view>{}(trimmed(line)));
      std::sort(hashes.begin(), hashes.end());
      it = lineHashes.emplace(key, std::move(hashes)).first;
    }
    return [&hashes = it->second](std::string_view line) {
      return std::binary_search(hashes.begin(), hashes.end(), std::hash<std::string_view>{}(line));
    };
  }
  static constexpr size_t kMaxLineHashes = 64;
  std::unordered_map<std::string, std::vector<size_t>> lineHashes;

  // Files of `to` that differ from `from` (added, modified, renamed into);
  // with rename detection, the new name of `renamedFrom` if it was renamed.
  struct TreeChanges {
    std::vector<std::string> changed;
    std::optional<std::string> renamedTo;
  };
  TreeChanges changes(const git_tree* from, const git_tree* to, const std::string& renamedFrom, bool findRenames) {
    git_diff_options opts;
    git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
    git_diff* raw = nullptr;
    TreeChanges out;
    if (git_diff_tree_to_tree(&raw, repo, const_cast<git_tree*>(from), const_cast<git_tree*>(to), &opts) < 0)
      return out;
    Diff diff(raw);
    git_diff_find_options find;
    git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION);
    // Renames only (not copies), also out of files that were rewritten,
    // with git's default 50% similarity.
    find.flags = GIT_DIFF_FIND_RENAMES | GIT_DIFF_FIND_RENAMES_FROM_REWRITES | GIT_DIFF_FIND_IGNORE_LEADING_WHITESPACE;
    find.rename_threshold = 50;
    if (findRenames && git_diff_find_similar(diff.get(), &find) < 0) return out;
    for (size_t i = 0, n = git_diff_num_deltas(diff.get()); i < n; ++i) {
      const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
      if (d->status == GIT_DELTA_RENAMED && renamedFrom == d->old_file.path) out.renamedTo = d->new_file.path;
      if (d->status == GIT_DELTA_ADDED || d->status == GIT_DELTA_MODIFIED || d->status == GIT_DELTA_RENAMED ||
          d->status == GIT_DELTA_COPIED)
        out.changed.emplace_back(d->new_file.path);
    }
    return out;
  }

  // Every blob path in `tree` (the search space when the recorded commit is
  // gone and nothing says which files changed).
  std::vector<std::string> allFiles(const git_tree* tree) {
    std::vector<std::string> out;
    auto walk = [](const char* root, const git_tree_entry* e, void* payload) -> int {
      if (git_tree_entry_type(e) == GIT_OBJECT_BLOB)
        static_cast<std::vector<std::string>*>(payload)->push_back(std::string(root) + git_tree_entry_name(e));
      return 0;
    };
    git_tree_walk(tree, GIT_TREEWALK_PRE, walk, &out);
    return out;
  }

  // `elsewhere`: linesFromElsewhere for `path` in `target` (none when there
  // was no old text to diff). Other files are searched among the lines they
  // gained since `recorded` (every line when it is gone).
  Location search(const Recorded& anchor, const git_tree* recorded, const git_tree* target, const std::string& path,
                  uint32_t expected, const std::vector<bool>* elsewhere,
                  const std::function<const std::vector<std::string>&()>& otherFiles, std::string how) {
    std::optional<Location> found;
    if (auto file = fileAt(target, path); file && !isBinary(file->text))
      found = bestIn(anchor, path, splitLines(file->text), expected, how + "search in " + path, elsewhere);
    if (found && (found->status == Status::Exact || (found->status == Status::Moved && found->confidence >= 0.9)))
      return *found;
    // Code moved to another file: the files changed in between.
    auto quote = splitLines(anchor.text);
    const Tokens quoteTokens = tokens(quote, 0, quote.size());
    std::vector<Candidate> candidates;
    for (const auto& other : otherFiles()) {
      if (other == path) continue;
      auto file = fileAt(target, other);
      if (!file || isBinary(file->text) || file->text.size() > 4 * 1024 * 1024) continue;
      auto lines = splitLines(file->text);
      auto c = searchFile(anchor, quote, quoteTokens, other, lines, 0);
      if (c.empty()) continue;
      if (auto before = recorded ? fileAt(recorded, other) : std::nullopt; before && !isBinary(before->text)) {
        const auto old = linesFromElsewhere(hunksBetween(before->id, before->blob.get(), file->id, file->blob.get()),
                                            lines.size(), 1, 0);
        c = searchFile(anchor, quote, quoteTokens, other, lines, 0, &old);
      }
      candidates.insert(candidates.end(), c.begin(), c.end());
    }
    auto moved = choose(candidates, how + "search in other files");
    if (moved && (!found || (moved->status == Status::Moved && found->status != Status::Moved) ||
                  moved->confidence > found->confidence + 0.1))
      return *moved;
    if (found) return *found;
    return Location{anchor.path, anchor.startLine, anchor.endLine, Status::Orphaned, 0,
                    how + "not found; last seen here"};
  }

  Commit targetOf(std::string_view spec) {
    Commit target = commitOf(spec);
    if (!target) throw AnchorError("unknown revision " + std::string(spec));
    return target;
  }

  Location locate(const Recorded& anchor, std::string_view targetSpec) {
    return locateAt(anchor, targetOf(targetSpec).get(), 0);
  }

  Location locateAt(const Recorded& anchor, const git_commit* target, int depth) {
    // What the diff alone says, unless the text says it cannot carry them.
    if (!surelyNotCarried(anchor, target)) {
      bool carried = false;
      Location probe = locateDirect(anchor, target, false, &carried);
      if (carried) return probe;
    }
    // Not carried by the diff. Across many commits one diff cannot tell a
    // block moved from one deleted next to look-alike code, nor follow a
    // block moved and then edited; the commit where the lines left can.
    // Its answer stands; only without one is the target searched.
    if (depth < kMaxTraceDepth)
      if (auto traced = trace(anchor, target, depth)) return *traced;
    Location direct = locateDirect(anchor, target);
    if (direct.status != Status::Orphaned) return direct;
    if (auto stepped = stepwise(anchor, target)) return *stepped;
    return direct;
  }

  // Whether the diff from the anchor to `target` surely does not carry its
  // lines (cannotCarry), with the file where the anchor says (gone, it may
  // have been renamed). False when unsure.
  bool surelyNotCarried(const Recorded& anchor, const git_commit* target) {
    Tree tree = treeOf(target);
    auto file = tree ? fileAt(tree.get(), anchor.path) : std::nullopt;
    return file && cannotCarry(anchor.text, file->text, hasLine(*file));
  }

  // The first-parent commits after `from` up to `to` (included), oldest
  // first; nullopt when `to` does not descend from `from` or more than
  // `limit` commits lie between.
  std::optional<std::vector<git_oid>> firstParents(const git_commit* from, const git_commit* to, size_t limit) {
    const git_oid* fromId = git_commit_id(from);
    const git_oid* toId = git_commit_id(to);
    if (git_oid_equal(fromId, toId)) return std::nullopt;
    // Most anchors were made on the target's own first-parent line: the
    // part after `from` of that line, walked once per target.
    if (auto after = lineAfter(*fromId, *toId, limit)) return after;
    if (git_graph_descendant_of(repo, toId, fromId) != 1) return std::nullopt;
    git_revwalk* rawWalk = nullptr;
    if (git_revwalk_new(&rawWalk, repo) < 0) return std::nullopt;
    RevWalk walk(rawWalk);
    git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
    git_revwalk_simplify_first_parent(walk.get());
    if (git_revwalk_push(walk.get(), toId) < 0 || git_revwalk_hide(walk.get(), fromId) < 0) return std::nullopt;
    std::vector<git_oid> commits;
    for (git_oid id; git_revwalk_next(&id, walk.get()) == 0;) {
      if (commits.size() == limit) return std::nullopt;
      commits.push_back(id);
    }
    return commits;
  }

  // A commit's first-parent line, newest first, walked only as far as asked
  // (and on from there when asked for more), with each commit's place on
  // it: every trace towards that commit bisects a part of it, and walking
  // costs a commit read per commit (most of a trace).
  struct Line {
    git_oid tip{};
    RevWalk walk;
    bool ended = false;
    std::vector<git_oid> newestFirst;
    std::unordered_map<std::string, size_t> index;  // raw id -> place in newestFirst
  };
  std::optional<Line> line;

  // The commits after `from` on `tip`'s first-parent line, oldest first;
  // nullopt when `from` is not on it (or lies more than `limit` back).
  std::optional<std::vector<git_oid>> lineAfter(const git_oid& from, const git_oid& tip, size_t limit) {
    if (!line || !git_oid_equal(&line->tip, &tip)) {
      line.reset();
      git_revwalk* rawWalk = nullptr;
      if (git_revwalk_new(&rawWalk, repo) < 0) return std::nullopt;
      Line fresh{tip, RevWalk(rawWalk), false, {}, {}};
      git_revwalk_simplify_first_parent(fresh.walk.get());  // one commit queued at a time: the line, in order
      if (git_revwalk_push(fresh.walk.get(), &tip) < 0) return std::nullopt;
      line = std::move(fresh);
    }
    const std::string key(reinterpret_cast<const char*>(from.id), GIT_OID_RAWSZ);
    auto found = line->index.find(key);
    while (found == line->index.end() && !line->ended && line->newestFirst.size() <= limit) {
      git_oid id;
      if (git_revwalk_next(&id, line->walk.get()) != 0) {
        line->ended = true;
        break;
      }
      line->newestFirst.push_back(id);
      found = line->index.emplace(std::string(reinterpret_cast<const char*>(id.id), GIT_OID_RAWSZ),
                                  line->newestFirst.size() - 1).first;
      if (!git_oid_equal(&id, &from)) found = line->index.end();
    }
    if (found == line->index.end() || found->second > limit) return std::nullopt;
    return std::vector<git_oid>(line->newestFirst.rend() - static_cast<ptrdiff_t>(found->second),
                                line->newestFirst.rend());
  }

  // The anchor as recorded at `commit`, at `place` (which must be found there).
  std::optional<Recorded> recordAt(const git_oid& commit, const Location& place) {
    Commit c = commitById(commit);
    Tree tree = c ? treeOf(c.get()) : nullptr;
    auto file = tree ? fileAt(tree.get(), place.path) : std::nullopt;
    if (!file) return std::nullopt;
    return recordWithBlob(place.path, toHex(commit), file->text, place.startLine, place.endLine, toHex(file->id));
  }

  // The anchored lines with the lines recorded right before or right after
  // them, trimmed: what tells a block moved within its file, or lines found
  // all over it, from where they were.
  struct Context {
    std::vector<std::string_view> before, lines, after;
    explicit Context(const Recorded& anchor) {
      for (std::string_view line : splitLines(anchor.before)) before.push_back(trimmed(line));
      for (std::string_view line : splitLines(anchor.text)) lines.push_back(trimmed(line));
      for (std::string_view line : splitLines(anchor.after)) after.push_back(trimmed(line));
    }
    // Whether `text` has them in a row, with either.
    bool in(std::string_view text) const {
      std::vector<std::string_view> file;
      for (std::string_view line : splitLines(text)) file.push_back(trimmed(line));
      const auto at = [&](size_t from, const std::vector<std::string_view>& want) {
        return from + want.size() <= file.size() && std::equal(want.begin(), want.end(), file.begin() + from);
      };
      for (size_t p = 0; p + lines.size() <= file.size(); ++p)
        if (file[p] == lines.front() && at(p, lines) &&
            ((p >= before.size() && at(p - before.size(), before)) || at(p + lines.size(), after)))
          return true;
      return false;
    }
  };

  // Where a text guess splits (lo, hi) of commits 0..last: at the commit
  // whose distance from the target (last) has the most trailing zero bits,
  // still O(log n) steps, and the anchors of one file then read the same
  // commits' blobs first.
  static ptrdiff_t gridSplit(ptrdiff_t last, ptrdiff_t lo, ptrdiff_t hi) {
    const auto nearest = static_cast<uint64_t>(last - hi + 1), farthest = static_cast<uint64_t>(last - lo - 1);
    const uint64_t at =
        nearest == farthest ? nearest : farthest & ~((uint64_t{1} << (std::bit_width(nearest ^ farthest) - 1)) - 1);
    return last - static_cast<ptrdiff_t>(at);
  }

  // Where, between commits lo and hi of `commits`, the anchored lines seem
  // to leave their Context (as `anchor` records it) by text alone: the last
  // commit whose file still has them in it, and the next. nullopt when the
  // target's file still has them so, or a commit cannot be read.
  std::optional<std::pair<ptrdiff_t, ptrdiff_t>> contextBisect(const Recorded& anchor,
                                                              const std::vector<git_oid>& commits, ptrdiff_t lo,
                                                              ptrdiff_t hi) {
    const Context context(anchor);
    std::unordered_map<std::string, bool> byBlob;  // raw blob id -> in context
    const auto in = [&](ptrdiff_t i) -> std::optional<bool> {
      Commit c = commitById(commits[static_cast<size_t>(i)]);
      if (!c) return std::nullopt;
      const auto id = blobIdIn(c.get(), anchor.path);
      if (!id) return false;
      const std::string key(reinterpret_cast<const char*>(id->id), GIT_OID_RAWSZ);
      if (auto it = byBlob.find(key); it != byBlob.end()) return it->second;
      BlobRef blob = blobContent(*id);
      if (!blob) return std::nullopt;
      return byBlob.emplace(key, context.in(textOf(blob))).first->second;
    };
    const auto last = static_cast<ptrdiff_t>(commits.size()) - 1;
    if (auto atTarget = in(last); !atTarget || *atTarget) return std::nullopt;
    while (hi - lo > 1) {
      const ptrdiff_t mid = gridSplit(last, lo, hi);
      auto there = in(mid);
      if (!there) return std::nullopt;
      (*there ? lo : hi) = mid;
    }
    return std::make_pair(lo, hi);
  }

  // Where, between commits lo and hi of `commits` (lo: -1 for the anchor's
  // own), the anchored lines seem to leave by text alone: the last commit
  // whose file still has at least half of their lines with words in them
  // (or, where the target's file still has, has them in their Context), and
  // the next, with whether the diff surely does not carry them there
  // (cannotCarry). nullopt for lines with no words.
  struct TextGuess {
    ptrdiff_t lo, hi;
    bool notCarriedAtHi = false;
  };
  std::optional<TextGuess> textBisect(const Recorded& anchor, const std::vector<git_oid>& commits, ptrdiff_t lo,
                                      ptrdiff_t hi) {
    std::unordered_map<std::string_view, size_t> wanted;  // trimmed line with words -> its place in `seen`
    for (std::string_view line : splitLines(anchor.text))
      if (significant(line)) wanted.emplace(trimmed(line), wanted.size());
    if (wanted.empty()) return std::nullopt;
    // Still there at the target by text, though the diff does not carry
    // them there (they moved within the file, or are lines found all over
    // it): the guess goes by the lines with the context recorded around
    // them instead; still so at the target, the text cannot tell.
    if (Commit c = commitById(commits.back())) {
      Tree tree = treeOf(c.get());
      if (auto file = tree ? fileAt(tree.get(), anchor.path) : std::nullopt) {
        const auto has = hasLine(*file);
        size_t there = 0;
        for (const auto& [line, at] : wanted) there += has(line);
        if (there * 2 >= wanted.size()) {
          auto found = contextBisect(anchor, commits, lo, hi);
          if (!found) return std::nullopt;
          return TextGuess{found->first, found->second};
        }
      }
    }
    std::vector<bool> seen(wanted.size());
    struct Scan {
      bool present = false;
      BlobRef blob;            // when not present (scanned through):
      std::vector<bool> seen;  // which of the wanted lines it has
    };
    std::unordered_map<std::string, Scan> byBlob;  // raw blob id ->
    const auto scan = [&](ptrdiff_t i) -> std::optional<Scan> {
      Commit c = commitById(commits[static_cast<size_t>(i)]);
      if (!c) return std::nullopt;
      const auto id = blobIdIn(c.get(), anchor.path);
      if (!id) return Scan{};
      const std::string key(reinterpret_cast<const char*>(id->id), GIT_OID_RAWSZ);
      if (auto it = byBlob.find(key); it != byBlob.end()) return it->second;
      BlobRef blob = blobContent(*id);
      if (!blob) return std::nullopt;
      std::fill(seen.begin(), seen.end(), false);
      size_t seenCount = 0;
      const std::string_view text = textOf(blob);
      for (size_t at = 0; at < text.size() && seenCount * 2 < wanted.size();) {
        size_t nl = text.find('\n', at);
        if (nl == std::string_view::npos) nl = text.size();
        if (auto it = wanted.find(trimmed(text.substr(at, nl - at))); it != wanted.end() && !seen[it->second]) {
          seen[it->second] = true;
          ++seenCount;
        }
        at = nl + 1;
      }
      Scan out;
      out.present = seenCount * 2 >= wanted.size();
      if (!out.present) {
        out.blob = std::move(blob);
        out.seen = seen;
      }
      return byBlob.emplace(key, std::move(out)).first->second;
    };
    const auto last = static_cast<ptrdiff_t>(commits.size()) - 1;
    while (hi - lo > 1) {
      const ptrdiff_t mid = gridSplit(last, lo, hi);
      auto s = scan(mid);
      if (!s) return std::nullopt;
      (s->present ? lo : hi) = mid;
    }
    TextGuess guess{lo, hi};
    if (hi != last)  // the target's own file was not scanned
      if (auto s = scan(hi); s && s->blob)
        guess.notCarriedAtHi = cannotCarry(anchor.text, textOf(s->blob), [&](std::string_view line) {
          auto it = wanted.find(line);
          return it != wanted.end() && s->seen[it->second];
        });
    return guess;
  }

  static constexpr int kMaxTraceDepth = 8;
  static constexpr size_t kMaxTraceCommits = 100'000;

  // Bisects the first-parent history from the anchor's commit to `target`
  // for the first commit whose diff from the anchor no longer carries the
  // lines (O(log n) diffs; the lines leave once), then locates them across
  // that one commit, where a move shows as lines deleted here and added
  // there and nothing that was already there passes for them. Found, they
  // are followed on from there; gone, they were deleted in that commit.
  std::optional<Location> trace(const Recorded& anchor, const git_commit* target, int depth) {
    Commit recorded = existingCommit(anchor.commit);
    if (!recorded) return std::nullopt;
    // Only for lines that were committed where the anchor says: lines made
    // on unsaved or uncommitted text arrive in some later commit, and the
    // search at the target finds them.
    const auto blobId = parseOid(anchor.blob);
    const auto committed = blobIdIn(recorded.get(), anchor.path);
    if (!blobId || !committed || !git_oid_equal(&*blobId, &*committed)) return std::nullopt;
    auto commits = firstParents(recorded.get(), target, kMaxTraceCommits);
    if (!commits || commits->size() < 2) return std::nullopt;  // one commit: the direct answer is that step
    auto commitAt = [&](ptrdiff_t i) { return commitById((*commits)[static_cast<size_t>(i)]); };
    ptrdiff_t lo = -1, hi = static_cast<ptrdiff_t>(commits->size()) - 1;  // carried at lo, not at hi
    std::optional<Location> atLo;
    // The file's blob at lo and at hi: a probe that finds one of them has
    // the answer already (a probe's answer depends only on that blob).
    std::optional<git_oid> loBlob = committed, hiBlob = blobIdIn(target, anchor.path);
    const auto same = [](const std::optional<git_oid>& a, const std::optional<git_oid>& b) {
      return a && b && git_oid_equal(&*a, &*b);
    };
    // One probe: is the range carried by the diff at commit i? It moves lo
    // or hi there (false: the commit could not be read). `notCarried`: known
    // already by text.
    const auto probe = [&](ptrdiff_t i, bool notCarried = false) {
      Commit c = commitAt(i);
      if (!c) return false;
      const auto blob = blobIdIn(c.get(), anchor.path);
      bool carried = false;
      if (lo >= 0 && same(blob, loBlob)) {
        carried = true;
      } else if (!notCarried && !same(blob, hiBlob)) {
        Location at = locateDirect(anchor, c.get(), false, &carried);
        if (carried) atLo = std::move(at);
      }
      if (carried) {
        lo = i;
        loBlob = blob;
      } else {
        hi = i;
        hiBlob = blob;
      }
      return true;
    };
    // A first guess by text alone, confirmed by a probe on each side: most
    // of the anchored lines still present in the file agrees with the diff
    // on nearly every commit, for a read and a scan instead of a diff.
    const auto confirm = [&](ptrdiff_t guessLo, ptrdiff_t guessHi, bool notCarriedAtHi) {
      if (guessHi < hi && !probe(guessHi, notCarriedAtHi)) return false;
      return !(guessLo > lo && guessLo < hi && !probe(guessLo));
    };
    if (auto guess = textBisect(anchor, *commits, lo, hi))
      if (!confirm(guess->lo, guess->hi, guess->notCarriedAtHi)) return std::nullopt;
    // The anchor as recorded where lo has the lines (atLo is set with lo).
    const auto atLoRecorded = [&] {
      return atLo ? recordAt((*commits)[static_cast<size_t>(lo)], *atLo) : std::optional(anchor);
    };
    // No guess, or a wrong one: once more, by the lines in their context as
    // lo has them (a block moved within its file, lines found all over it,
    // lines without words).
    if (hi - lo > 1)
      if (const auto at = atLoRecorded())
        if (auto guess = contextBisect(*at, *commits, lo, hi))
          if (!confirm(guess->first, guess->second, false)) return std::nullopt;
    while (hi - lo > 1)
      if (!probe(lo + (hi - lo) / 2)) return std::nullopt;
    std::optional<Recorded> before = atLoRecorded();
    Commit across = commitAt(hi);
    if (!before || !across) return std::nullopt;
    const std::string where = toHex((*commits)[static_cast<size_t>(hi)]).substr(0, 12);
    Location step = locateDirect(*before, across.get());
    if (step.status == Status::Orphaned)
      return Location{before->path, before->startLine, before->endLine, Status::Orphaned, 0,
                      "deleted in commit " + where + "; last seen here"};
    Location now = step;
    if (!git_oid_equal(git_commit_id(across.get()), git_commit_id(target))) {
      auto after = recordAt((*commits)[static_cast<size_t>(hi)], step);
      if (!after) return std::nullopt;
      now = locateAt(*after, target, depth + 1);
      if (now.status == Status::Orphaned) return now;
    }
    // Against the anchor as it was made.
    auto text = readAt(target, now.path, now.startLine, now.endLine);
    if (!text) return std::nullopt;
    Location out{now.path, now.startLine, now.endLine, Status::Moved, 1.0,
                 "traced through commit " + where + " (" + step.how + ")"};
    if (*text != anchor.text) {
      auto a = splitLines(anchor.text), b = splitLines(*text);
      out.confidence = similarity(tokens(a, 0, a.size()), tokens(b, 0, b.size()));
      out.status = out.confidence >= kFoundThreshold ? Status::Changed : Status::Orphaned;
    }
    return out;
  }

  // Lines [start, end] of `path` at `commit`, joined as anchors keep them.
  std::optional<std::string> readAt(const git_commit* commit, const std::string& path, uint32_t start, uint32_t end) {
    Tree tree = treeOf(commit);
    auto file = tree ? fileAt(tree.get(), path) : std::nullopt;
    if (!file) return std::nullopt;
    if (start == 0 || start > end) return std::nullopt;
    const std::string_view span = lineSpan(file->text, start - 1, end);
    if (lineCount(span) != end - start + 1) return std::nullopt;  // past the end of the file
    return std::string(span);
  }

  // Stepping is bounded: at most kMaxWalk commits between the two (the
  // location cache keeps that distance short in use: each answer is
  // reached from the nearest cached one), at most kMaxSteps of them
  // changing the file.
  static constexpr size_t kMaxWalk = 1000;
  static constexpr size_t kMaxSteps = 256;

  // When one diff across many commits cannot place the range (the lines
  // were rewritten bit by bit, or moved and then edited), following them
  // commit by commit through every change of their file can.
  std::optional<Location> stepwise(const Recorded& anchor, const git_commit* target) {
    Commit recorded = existingCommit(anchor.commit);
    if (!recorded) return std::nullopt;
    auto walked = firstParents(recorded.get(), target, kMaxWalk);
    if (!walked) return std::nullopt;
    const std::vector<git_oid>& commits = *walked;
    Recorded current = anchor;
    Tree currentTree = treeOf(recorded.get());
    size_t steps = 0;
    bool edited = false;
    for (const git_oid& id : commits) {
      Commit commit = commitById(id);
      if (!commit) return std::nullopt;
      Tree tree = treeOf(commit.get());
      if (!tree) return std::nullopt;
      git_tree_entry* rawOld = nullptr;
      git_tree_entry* rawNew = nullptr;
      git_tree_entry_bypath(&rawOld, currentTree.get(), current.path.c_str());
      git_tree_entry_bypath(&rawNew, tree.get(), current.path.c_str());
      TreeEntry oldEntry(rawOld), newEntry(rawNew);
      const bool same = oldEntry && newEntry && git_oid_equal(git_tree_entry_id(oldEntry.get()), git_tree_entry_id(newEntry.get()));
      currentTree = std::move(tree);
      if (same) continue;
      if (++steps > kMaxSteps) return std::nullopt;
      Location step = locateDirect(current, commit.get());
      if (step.status == Status::Orphaned) return std::nullopt;  // lost here: the direct answer stands
      if (step.status == Status::Changed) edited = true;
      auto content = fileAt(currentTree.get(), step.path);
      if (!content) return std::nullopt;
      auto next = recordWithBlob(step.path, toHex(id), content->text, step.startLine, step.endLine,
                                 toHex(content->id));
      if (!next) return std::nullopt;
      current = std::move(*next);
    }
    if (steps == 0) return std::nullopt;
    Location out{current.path, current.startLine, current.endLine, Status::Exact, 1.0,
                 "followed through " + std::to_string(steps) + " commits"};
    if (current.text == anchor.text) {
      out.status = current.path == anchor.path && !edited ? Status::Exact : Status::Moved;
    } else {
      auto a = splitLines(anchor.text), b = splitLines(current.text);
      out.confidence = similarity(tokens(a, 0, a.size()), tokens(b, 0, b.size()));
      out.status = Status::Changed;
      // Edited step by step past recognition: say where, but not as found.
      if (out.confidence < kFoundThreshold) out.status = Status::Orphaned;
    }
    return out;
  }

  // `searching` false: only what the diff says (a probe of trace), with
  // Orphaned "not carried" where a search would begin. `carried` (if given)
  // is set when the place comes from the diff itself or an unchanged file,
  // not from a search.
  Location locateDirect(const Recorded& anchor, const git_commit* target, bool searching = true,
                        bool* carried = nullptr) {
    const auto carry = [&](Location l) {
      if (carried) *carried = true;
      return l;
    };
    Tree targetTree = treeOf(target);
    if (!targetTree) throw AnchorError("reading the tree of " + toHex(*git_commit_id(target)));
    auto recordedBlobId = parseOid(anchor.blob);
    // The common case first, before reading any blob: the file is as it was.
    if (auto now = blobIdAt(targetTree.get(), anchor.path); now && recordedBlobId && git_oid_equal(&*now, &*recordedBlobId))
      return carry({anchor.path, anchor.startLine, anchor.endLine, Status::Exact, 1.0, "unchanged file"});

    Commit recorded = existingCommit(anchor.commit);
    Tree recordedTree = recorded ? treeOf(recorded.get()) : nullptr;
    BlobRef oldBlob = recordedBlobId ? blobContent(*recordedBlobId) : nullptr;

    // Where to look. Rename detection (pairwise similarity of every added
    // and deleted file) only when the path is gone.
    std::string path = anchor.path;
    std::string how = recorded ? "" : "text only (commit " + anchor.commit.substr(0, 12) + " is not here), ";
    auto targetFile = fileAt(targetTree.get(), path);
    std::optional<std::vector<std::string>> changedFiles;
    if (recordedTree && !targetFile) {
      auto c = changes(recordedTree.get(), targetTree.get(), anchor.path, true);
      changedFiles = std::move(c.changed);
      if (c.renamedTo) {
        path = *c.renamedTo;
        targetFile = fileAt(targetTree.get(), path);
        how = "rename, ";
      }
    }
    // The files code may have moved to: those changed in between, or every
    // file when the recorded commit is gone.
    const auto notCarried = [&] {
      return Location{anchor.path, anchor.startLine, anchor.endLine, Status::Orphaned, 0, "not carried by the diff"};
    };
    auto changed = [&]() -> const std::vector<std::string>& {
      if (!changedFiles)
        changedFiles = recordedTree ? changes(recordedTree.get(), targetTree.get(), anchor.path, false).changed
                                    : allFiles(targetTree.get());
      return *changedFiles;
    };

    if (oldBlob && targetFile) {
      if (recordedBlobId && git_oid_equal(&targetFile->id, &*recordedBlobId)) {
        Status status = path == anchor.path ? Status::Exact : Status::Moved;
        return carry({path, anchor.startLine, anchor.endLine, status, 1.0, how + "unchanged file"});
      }
      if (isBinary(textOf(oldBlob)) || isBinary(targetFile->text))
        return Location{anchor.path, anchor.startLine, anchor.endLine, Status::Orphaned, 0,
                        how + "binary file changed"};
      const auto hunks = hunksBetween(*recordedBlobId, oldBlob.get(), targetFile->id, targetFile->blob.get());
      auto mapped = mapRange(hunks, anchor.startLine, anchor.endLine);
      if (mapped) {
        const std::string_view now = lineSpan(targetFile->text, mapped->start - 1, mapped->end);
        if (!mapped->touched && now == anchor.text) {
          Status status = path == anchor.path ? Status::Exact : Status::Moved;
          return carry({path, mapped->start, mapped->end, status, 1.0, how + "diff"});
        }
        auto quote = splitLines(anchor.text);
        const auto nowLines = splitLines(now);
        double score = similarity(tokens(quote, 0, quote.size()), tokens(nowLines, 0, nowLines.size()));
        if (score >= kRespaced)  // re-indented or reformatted in place
          return carry({path, mapped->start, mapped->end, Status::Changed, score, how + "diff (whitespace only)"});
        // The diff keeps most of the anchored lines (those with words in
        // them: a kept brace proves nothing) where it says: edited in place,
        // or lines inserted among them. That place is known whatever the
        // similarity of the whole range.
        size_t significantLines = 0, significantKept = 0;
        for (uint32_t line = anchor.startLine; line <= anchor.endLine; ++line) {
          if (!significant(quote[line - anchor.startLine])) continue;
          ++significantLines;
          if (mapLine(hunks, line)) ++significantKept;
        }
        const double kept = significantLines ? static_cast<double>(significantKept) / significantLines : 0.0;
        if (significantKept > 0 && kept >= 0.5) {
          return carry({path, mapped->start, mapped->end, Status::Changed,
                        std::max(kFoundThreshold, std::max(score, 0.5 + 0.5 * kept)), how + "diff (edited)"});
        }
        if (!searching) return notCarried();
        const auto elsewhere = linesFromElsewhere(hunks, lineCount(targetFile->text), anchor.startLine, anchor.endLine);
        return search(anchor, recordedTree.get(), targetTree.get(), path, mapped->start, &elsewhere, changed, how);
      }
      // The range was swallowed by a hunk: expected where that hunk lands.
      uint32_t expected = anchor.startLine;
      bool deleted = false;  // by a hunk that adds nothing in its place
      for (const Hunk& h : hunks)
        if (h.oldStart <= anchor.startLine && h.oldStart + h.oldLines > anchor.startLine) {
          expected = h.newStart;
          deleted = h.newLines == 0 && h.oldStart + h.oldLines > anchor.endLine;
        }
      if (!searching) return notCarried();
      const auto elsewhere =
          linesFromElsewhere(hunks, lineCount(targetFile->text), anchor.startLine, anchor.endLine);
      Location found = search(anchor, recordedTree.get(), targetTree.get(), path, expected, &elsewhere, changed, how);
      if (deleted && found.status == Status::Orphaned) found.how = how + "deleted";
      return found;
    }
    // No old blob to diff (made on unsaved text, or the object is gone):
    // by the text alone.
    if (!oldBlob && how.empty()) how = "text only, ";
    if (!searching) return notCarried();
    return search(anchor, recordedTree.get(), targetTree.get(), path, anchor.startLine, nullptr, changed, how);
  }

  Location follow(const Recorded& anchor, const Location& atCommit, std::string_view commit, std::string_view path,
                  std::string_view text) {
    Commit base = commitOf(commit);
    Tree tree = base ? treeOf(base.get()) : nullptr;
    auto file = tree ? fileAt(tree.get(), std::string(path)) : std::nullopt;
    const uint32_t expected = atCommit.path == path ? atCommit.startLine : anchor.startLine;
    auto byText = [&](const char* why) {
      if (auto found = findInText(anchor, path, text, expected)) return *found;
      return Location{std::string(path), atCommit.path == path ? atCommit.startLine : 0,
                      atCommit.path == path ? atCommit.endLine : 0, Status::Orphaned, 0, why};
    };
    // Not in this file at the commit (or the file is new): by text alone.
    if (atCommit.path != path || atCommit.status == Status::Orphaned || !file) return byText("not in this text");
    if (text == file->text) return atCommit;
    const std::vector<Hunk>& hunks = hunksTo(file->id, file->blob.get(), text);
    auto mapped = mapRange(hunks, atCommit.startLine, atCommit.endLine);
    if (!mapped) return byText("edited away in this text");
    Location out = atCommit;
    out.startLine = mapped->start;
    out.endLine = mapped->end;
    if (mapped->touched) {
      auto quote = splitLines(anchor.text);
      auto lines = splitLines(text);
      double score = similarity(tokens(quote, 0, quote.size()), tokens(lines, mapped->start - 1, mapped->end));
      if (score < kFoundThreshold) return byText("edited away in this text");
      out.status = Status::Changed;
      out.confidence = std::min(out.confidence, score);
      out.how += ", then edited";
    }
    return out;
  }
};

Locator::Locator(git_repository* repo) : impl_(std::make_unique<Impl>(repo)) { git::setUp(); }
Locator::~Locator() = default;

Location Locator::locate(const Recorded& anchor, std::string_view commit) { return impl_->locate(anchor, commit); }

std::vector<Location> Locator::locateAll(std::span<const Recorded> anchors, std::string_view commit) {
  Commit target = impl_->targetOf(commit);
  std::vector<size_t> order(anchors.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return anchors[a].path < anchors[b].path; });
  std::vector<Location> out(anchors.size());
  for (size_t i : order) out[i] = impl_->locateAt(anchors[i], target.get(), 0);
  return out;
}

Location Locator::locateInText(const Recorded& anchor, std::string_view commit, std::string_view path,
                               std::string_view text) {
  return impl_->follow(anchor, impl_->locate(anchor, commit), commit, path, text);
}

std::optional<std::string> Locator::read(std::string_view commit, std::string_view path) {
  Commit c = impl_->commitOf(commit);
  Tree tree = c ? Impl::treeOf(c.get()) : nullptr;
  if (!tree) return std::nullopt;
  auto file = impl_->fileAt(tree.get(), std::string(path));
  if (!file) return std::nullopt;
  return std::string(file->text);
}

Location Locator::follow(const Recorded& anchor, const Location& atCommit, std::string_view commit,
                         std::string_view path, std::string_view text) {
  return impl_->follow(anchor, atCommit, commit, path, text);
}

std::optional<Location> findInText(const Recorded& anchor, std::string_view path, std::string_view text,
                                   uint32_t expected) {
  if (isBinary(text)) return std::nullopt;
  return bestIn(anchor, std::string(path), splitLines(text), expected, "search in text");
}

}  // namespace tacit::anchor
