// `tacit report`: the team's questions (and, when asked, notes and lessons)
// as findings for CI, with how long people wait. Read-only over the store
// (Store::Access::ReadOnly): it needs no identity and writes no event, ref
// or config (only the index, the cache under .git/tacit, when it can).
// Formats: text, JSON, SARIF 2.1.0, JUnit XML, GitHub Actions workflow
// commands, Markdown (docs/ci.md).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "server/anchor/anchor.h"
#include "server/store/thread.h"

namespace tacit::store {
class Store;
}

namespace tacit::report {

enum class StateFilter { Unanswered, Open, All };
enum class FailOn { None, Unanswered, Stale };
enum class Format { Text, Json, Sarif, Junit, Github, Markdown };

struct Options {
  StateFilter state = StateFilter::Unanswered;
  std::vector<store::ThreadKind> kinds = {store::ThreadKind::Question};
  std::optional<int64_t> olderThanMillis;  // only threads at least this old
  std::string changedSince;                // a commit (resolveRevision): only threads on lines changed since it
  std::string to;                          // an assignee's email: only questions for them
  int64_t staleAfterMillis = 7 * 24 * 3600'000LL;  // an unanswered question this old is stale
  int64_t windowMillis = 30 * 24 * 3600'000LL;     // waiting-time statistics over questions this recent
  FailOn failOn = FailOn::None;
};

// What a thread is, for CI: one rule each (SARIF rule ids "tacit/<rule>").
enum class Rule { StaleQuestion, UnansweredQuestion, AnsweredQuestion, ResolvedQuestion, Note, Lesson };
const char* ruleId(Rule);           // "stale-question", ...
const char* ruleDescription(Rule);  // one sentence

struct Finding {
  Rule rule = Rule::UnansweredQuestion;
  store::Thread thread;
  anchor::Location location;  // where its lines are at HEAD (orphaned: last seen)
  int64_t ageMillis = 0;
  std::optional<int64_t> firstAckMillis;  // from asking to the first acknowledgement
  std::optional<int64_t> answerMillis;    // from asking to the first answer
  bool fails = false;                     // matches --fail-on
};

struct Percentiles {
  size_t count = 0;
  std::optional<int64_t> medianMillis, p90Millis;
};

struct Summary {
  size_t findings = 0, unanswered = 0, stale = 0, failing = 0;
  // Over the questions asked within the window (whatever their state now).
  size_t windowQuestions = 0;
  Percentiles firstAck, answer;
  std::map<std::string, size_t> unansweredByAssignee;  // "" for nobody
};

struct Report {
  std::string head;          // HEAD's commit ("" without one)
  std::string changedSince;  // the revision as resolved (40 hex), when given
  int64_t generatedAt = 0;
  Options options;
  std::vector<Finding> findings;  // oldest first
  Summary summary;
  std::vector<std::string> warnings;  // threads skipped or not followed, one line each
};

// The commit `rev` names, as 40 hex digits: what --changed-since is resolved
// to before anything is fetched (FETCH_HEAD is the user's; the report's own
// fetch never moves it). StoreError for an unknown revision or when the
// repository has no commit yet.
std::string resolveRevision(store::Store& store, const std::string& rev);

// StoreError for an unknown revision.
Report build(store::Store& store, const Options& options);

// Waiting times of a question, from its asking: to the first
// acknowledgement and to the first answer, each by someone other than the
// asker (the asker's own ack or answer is no one's wait ending; such an
// answer still makes the question answered). nullopt: none yet. A reply
// dated before the question (a clock behind) counts as 0.
std::optional<int64_t> timeToFirstAck(const store::Thread& question);
std::optional<int64_t> timeToAnswer(const store::Thread& question);

// Median and 90th percentile by nearest rank: the smallest value with at
// least half (90%) of the values at or below it.
Percentiles percentiles(std::vector<int64_t> values);

// The report in `format`, for `version` (the tool's). Paths in the output are
// always relative to the repository's root and inside it.
std::string render(const Report& report, Format format, const std::string& version);

// "3d 4h", "12m", "45s".
std::string humanDuration(int64_t millis);

}  // namespace tacit::report
