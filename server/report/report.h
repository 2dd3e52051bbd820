// `tacit report`: the team's questions (and, when asked, notes and lessons)
// as findings for CI, with how long people wait. Read-only over the store:
// it needs no identity and writes no event, ref or config (only the index,
// the cache under .git/tacit). Formats: text, JSON, SARIF 2.1.0, JUnit XML,
// GitHub Actions workflow commands, Markdown (docs/ci.md).
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
  std::string changedSince;                // a revision: only threads on lines changed since it
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

// StoreError for an unknown revision.
Report build(store::Store& store, const Options& options);

// The report in `format`, for `version` (the tool's). Paths in the output are
// always relative to the repository's root and inside it.
std::string render(const Report& report, Format format, const std::string& version);

// "3d 4h", "12m", "45s".
std::string humanDuration(int64_t millis);

}  // namespace tacit::report
