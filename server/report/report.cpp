#include "server/report/report.h"

#include <git2.h>

#include <algorithm>
#include <map>

#include "server/git/handles.h"
#include "server/store/clock.h"
#include "server/store/event.h"
#include "server/store/event_log.h"
#include "server/store/locations.h"
#include "server/store/store.h"

namespace tacit::report {

namespace {

using store::StoreError;
using store::Thread;
using store::ThreadKind;
using store::ThreadState;

constexpr int64_t kSecond = 1000, kMinute = 60 * kSecond, kHour = 60 * kMinute, kDay = 24 * kHour;

// The lines each file has that changed from `from` to `to` (new side; a
// deletion touches the lines on both sides of the gap), from one
// tree-to-tree diff.
using ChangedLines = std::map<std::string, std::vector<std::pair<uint32_t, uint32_t>>>;

git::Tree treeOf(git_repository* repo, const std::string& rev, const char* what) {
  git_object* raw = nullptr;
  if (git_revparse_single(&raw, repo, rev.c_str()) != 0)
    throw StoreError(std::string(what) + ": unknown revision " + rev + " (a shallow clone may not have it: fetch more)");
  git::Object object(raw);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, object.get(), GIT_OBJECT_TREE) != 0)
    throw StoreError(std::string(what) + ": not a commit: " + rev);
  return git::Tree(reinterpret_cast<git_tree*>(peeled));
}

ChangedLines changedLines(git_repository* repo, const std::string& from, const std::string& to) {
  git::Tree a = treeOf(repo, from, "--changed-since"), b = treeOf(repo, to, "HEAD");
  git_diff_options options = GIT_DIFF_OPTIONS_INIT;
  options.context_lines = 0;
  git_diff* raw = nullptr;
  if (git_diff_tree_to_tree(&raw, repo, a.get(), b.get(), &options) != 0)
    throw StoreError("--changed-since: cannot diff " + from + " against HEAD");
  git::Diff diff(raw);
  ChangedLines out;
  auto hunk = [](const git_diff_delta* delta, const git_diff_hunk* h, void* payload) -> int {
    auto& lines = *static_cast<ChangedLines*>(payload);
    if (!delta->new_file.path) return 0;
    const auto count = static_cast<uint32_t>(std::max(0, h->new_lines));
    if (count == 0) {
      // A pure deletion: new_start is the line before the deleted ones (0 at
      // the top); a range around the gap, on either side, was changed.
      const auto before = static_cast<uint32_t>(std::max(0, h->new_start));
      lines[delta->new_file.path].emplace_back(std::max<uint32_t>(1, before), before + 1);
    } else {
      const auto start = static_cast<uint32_t>(std::max(1, h->new_start));
      lines[delta->new_file.path].emplace_back(start, start + count - 1);
    }
    return 0;
  };
  git_diff_foreach(diff.get(), nullptr, nullptr, hunk, nullptr, &out);
  return out;
}

bool touches(const ChangedLines& changed, const anchor::Location& at) {
  auto it = changed.find(at.path);
  if (it == changed.end() || at.startLine == 0) return false;
  return std::any_of(it->second.begin(), it->second.end(),
                     [&](const auto& r) { return r.first <= at.endLine && at.startLine <= r.second; });
}

bool answered(const Thread& t) {
  return std::any_of(t.replies.begin(), t.replies.end(), [](const store::Reply& r) { return r.isAnswer; });
}

// The earliest of `at` (times) since the thread was created, 0 for one dated before it.
void earliest(std::optional<int64_t>& out, const Thread& t, int64_t at) {
  const int64_t since = std::max<int64_t>(0, at - t.createdAt);
  if (!out || since < *out) out = since;
}

bool kindWanted(const Options& o, ThreadKind k) { return std::find(o.kinds.begin(), o.kinds.end(), k) != o.kinds.end(); }

}  // namespace

std::optional<int64_t> timeToFirstAck(const Thread& t) {
  std::optional<int64_t> out;
  for (const auto& a : t.acks)
    if (a.author.email != t.author.email) earliest(out, t, a.at);
  return out;
}

std::optional<int64_t> timeToAnswer(const Thread& t) {
  std::optional<int64_t> out;
  for (const auto& r : t.replies)
    if (r.isAnswer && r.author.email != t.author.email) earliest(out, t, r.createdAt);
  return out;
}

Percentiles percentiles(std::vector<int64_t> values) {
  Percentiles p;
  p.count = values.size();
  if (values.empty()) return p;
  std::sort(values.begin(), values.end());
  // Nearest rank: the ceil(q * n)-th smallest, in integers (q in percent) so
  // that 0.9 * 10 is exactly 9.
  auto rank = [&](size_t percent) {
    const size_t n = (percent * values.size() + 99) / 100;
    return values[std::clamp<size_t>(n, 1, values.size()) - 1];
  };
  p.medianMillis = rank(50);
  p.p90Millis = rank(90);
  return p;
}

const char* ruleId(Rule r) {
  switch (r) {
    case Rule::StaleQuestion: return "stale-question";
    case Rule::UnansweredQuestion: return "unanswered-question";
    case Rule::AnsweredQuestion: return "answered-question";
    case Rule::ResolvedQuestion: return "resolved-question";
    case Rule::Note: return "note";
    case Rule::Lesson: return "lesson";
  }
  return "unknown";
}

const char* ruleDescription(Rule r) {
  switch (r) {
    case Rule::StaleQuestion: return "A question on this code has waited longer than the team's limit without an answer.";
    case Rule::UnansweredQuestion: return "A question on this code has not been answered yet.";
    case Rule::AnsweredQuestion: return "A question on this code was answered and is not resolved yet.";
    case Rule::ResolvedQuestion: return "A question on this code was answered and resolved.";
    case Rule::Note: return "A note on this code.";
    case Rule::Lesson: return "A lesson learned on this code.";
  }
  return "";
}

std::string humanDuration(int64_t millis) {
  if (millis < 0) millis = 0;
  if (millis < kMinute) return std::to_string(millis / kSecond) + "s";
  if (millis < kHour) return std::to_string(millis / kMinute) + "m";
  auto two = [](int64_t big, const char* a, int64_t small, const char* b) {
    return std::to_string(big) + a + (small ? " " + std::to_string(small) + b : std::string());
  };
  if (millis < kDay) return two(millis / kHour, "h", (millis % kHour) / kMinute, "m");
  return two(millis / kDay, "d", (millis % kDay) / kHour, "h");
}

std::string resolveRevision(store::Store& store, const std::string& rev) {
  if (git::headCommit(store.repository()).empty()) throw StoreError("--changed-since: the repository has no commit");
  git_object* raw = nullptr;
  if (git_revparse_single(&raw, store.repository(), (rev + "^{commit}").c_str()) != 0)
    throw StoreError("--changed-since: unknown revision " + rev + " (a shallow clone may not have it: fetch more)");
  git::Object commit(raw);
  return git::toHex(*git_object_id(commit.get()));
}

Report build(store::Store& store, const Options& options) {
  Report report;
  report.options = options;
  report.generatedAt = store::nowMillis();
  store.refresh();
  // Every report says what was refused, not only the one that indexed it.
  // A refused value quoted after the reason (an id, a time) is left out too:
  // the report prints the reason, never what an attacker wrote.
  for (auto why : store.index().refused()) {
    if (const size_t quoted = why.find(" (\""); quoted != std::string::npos) why.erase(quoted);
    report.warnings.push_back(why);
  }
  report.head = git::headCommit(store.repository());
  ChangedLines changed;
  if (!options.changedSince.empty()) {
    report.changedSince = resolveRevision(store, options.changedSince);
    changed = changedLines(store.repository(), report.changedSince, report.head);
  }

  store::Locations locations(store);
  std::vector<int64_t> acks, answers;
  // Only questions (the default): the index leaves the rest out (the
  // waiting-time statistics are over questions too).
  store::ThreadFilter filter;
  if (options.kinds.size() == 1 && options.kinds[0] == ThreadKind::Question) filter.kind = ThreadKind::Question;
  const auto ageOf = [&](const store::Thread& t) {
    return std::max<int64_t>(0, report.generatedAt - t.createdAt);  // a clock ahead is not negative
  };
  // The threads reported on, then located all at once (file by file), then judged.
  std::vector<store::Thread> reported;
  for (auto& t : store.index().list(filter)) {
    if (t.isPrivate || t.deleted) continue;
    const int64_t age = ageOf(t);
    const bool question = t.kind == ThreadKind::Question;
    if (question && (options.to.empty() || std::count(t.assignees.begin(), t.assignees.end(), options.to)) &&
        age <= options.windowMillis) {
      ++report.summary.windowQuestions;
      if (auto a = timeToFirstAck(t)) acks.push_back(*a);
      if (auto a = timeToAnswer(t)) answers.push_back(*a);
    }
    if (!kindWanted(options, t.kind)) continue;
    if (options.state == StateFilter::Unanswered && (t.state == ThreadState::Resolved || (question && answered(t))))
      continue;
    if (options.state == StateFilter::Open && t.state == ThreadState::Resolved) continue;
    if (!options.to.empty() && !std::count(t.assignees.begin(), t.assignees.end(), options.to)) continue;
    if (options.olderThanMillis && age < *options.olderThanMillis) continue;
    reported.push_back(std::move(t));
  }
  if (!report.head.empty()) locations.prepare(reported, report.head);
  for (const auto& t : reported) {
    const int64_t age = ageOf(t);
    const bool hasAnswer = answered(t);
    Finding f;
    f.thread = t;
    f.ageMillis = age;
    f.firstAckMillis = timeToFirstAck(t);
    f.answerMillis = timeToAnswer(t);
    try {
      f.location = report.head.empty() ? anchor::Location{} : locations.atCommit(t, report.head);
    } catch (const std::exception& e) {
      report.warnings.push_back("thread " + t.id.substr(0, 8) + " could not be located: " + e.what());
      f.location = {};
    }
    if (!f.location.path.empty() && !store::isConfinedPath(f.location.path)) {
      report.warnings.push_back("thread " + t.id.substr(0, 8) + " names a path outside the repository; shown without one");
      f.location = {};
    }
    if (f.location.status == anchor::Status::Orphaned && !f.location.path.empty())
      report.warnings.push_back("thread " + t.id.substr(0, 8) + ": its lines could not be followed to HEAD (last seen " +
                                f.location.path + ":" + std::to_string(f.location.startLine) + ")");
    if (!options.changedSince.empty() && !touches(changed, f.location)) continue;

    if (t.kind == ThreadKind::Note) f.rule = Rule::Note;
    else if (t.kind == ThreadKind::Lesson) f.rule = Rule::Lesson;
    else if (t.state == ThreadState::Resolved) f.rule = Rule::ResolvedQuestion;
    else if (hasAnswer) f.rule = Rule::AnsweredQuestion;
    else if (age >= options.staleAfterMillis) f.rule = Rule::StaleQuestion;
    else f.rule = Rule::UnansweredQuestion;
    const bool waiting = f.rule == Rule::StaleQuestion || f.rule == Rule::UnansweredQuestion;
    f.fails = (options.failOn == FailOn::Unanswered && waiting) ||
              (options.failOn == FailOn::Stale && f.rule == Rule::StaleQuestion);

    auto& s = report.summary;
    ++s.findings;
    if (waiting) {
      ++s.unanswered;
      if (t.assignees.empty()) ++s.unansweredByAssignee[""];
      for (const auto& a : t.assignees) ++s.unansweredByAssignee[a];
    }
    if (f.rule == Rule::StaleQuestion) ++s.stale;
    if (f.fails) ++s.failing;
    report.findings.push_back(std::move(f));
  }
  std::sort(report.findings.begin(), report.findings.end(), [](const Finding& a, const Finding& b) {
    return a.thread.createdAt != b.thread.createdAt ? a.thread.createdAt < b.thread.createdAt : a.thread.id < b.thread.id;
  });
  report.summary.firstAck = percentiles(std::move(acks));
  report.summary.answer = percentiles(std::move(answers));
  return report;
}

}  // namespace tacit::report
