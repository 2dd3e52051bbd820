#include "server/cli/report_commands.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>

#include <CLI/CLI.hpp>

#include "server/cli/verbs.h"
#include "server/log/log.h"
#include "server/report/report.h"
#include "server/store/clock.h"
#include "server/store/event_log.h"
#include "server/store/store.h"
#include "server/store/sync.h"

namespace tacit::cli {

struct ReportCommands::State {
  std::string version;
  CLI::App* command = nullptr;
  std::string format = "text", output, state = "unanswered", olderThan, changedSince, to, failOn = "none",
              fetch, staleAfter = "7d", window = "30d";
  std::vector<std::string> kinds{"question"};
};

ReportCommands::ReportCommands(CLI::App& app, std::string version) : state_(new State()) {
  State& st = *state_;
  st.version = std::move(version);
  auto* r = app.add_subcommand("report", "Unanswered questions and how long people wait, for CI (docs/ci.md)");
  st.command = r;
  r->add_option("--format", st.format, "text, json, sarif, junit, github or markdown")
      ->check(CLI::IsMember({"text", "json", "sarif", "junit", "github", "markdown"}))
      ->capture_default_str();
  r->add_option("--output", st.output, "Write the report to FILE instead of stdout");
  r->add_option("--state", st.state, "unanswered (no answer yet), open (not resolved) or all")
      ->check(CLI::IsMember({"unanswered", "open", "all"}))
      ->capture_default_str();
  r->add_option("--kind", st.kinds, "question, note, lesson or all (repeatable)")
      ->check(CLI::IsMember({"question", "note", "lesson", "all"}))
      ->capture_default_str();
  r->add_option("--older-than", st.olderThan, "Only threads at least this old: 2d, 12h");
  r->add_option("--changed-since", st.changedSince,
                "Only threads on lines changed between REV and HEAD (a pull request's base)");
  r->add_option("--to", st.to, "Only questions for this email");
  r->add_option("--fail-on", st.failOn, "Exit 1 when a question is unanswered, stale, or never (none)")
      ->check(CLI::IsMember({"unanswered", "stale", "none"}))
      ->capture_default_str();
  r->add_option("--stale-after", st.staleAfter, "An unanswered question this old is stale")->capture_default_str();
  r->add_option("--window", st.window, "Waiting-time statistics over questions asked this recently")
      ->capture_default_str();
  r->add_option("--fetch", st.fetch,
                "First fetch the knowledge refs from REMOTE into refs/tacit/v1/remotes/REMOTE/* (only those refs and "
                "their objects are written; nothing is pushed, no identity needed)");
}

ReportCommands::~ReportCommands() { delete state_; }

namespace {

// Fails unless FILE can be created: before any fetch or index work, so that
// a typo costs nothing and fails alone.
void checkWritable(const std::string& file) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(file, ec)) throw store::StoreError("cannot write " + file + ": " + std::strerror(EISDIR));
  const fs::path parent = fs::path(file).parent_path();
  const std::string dir = parent.empty() ? "." : parent.string();
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    throw store::StoreError("cannot write " + file + ": " + std::strerror(errno));
}

void writeFile(const std::string& file, const std::string& text) {
  std::FILE* f = std::fopen(file.c_str(), "wb");
  if (!f) throw store::StoreError("cannot write " + file + ": " + std::strerror(errno));
  const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  const int writeErrno = errno;
  if (std::fclose(f) != 0 || !written)
    throw store::StoreError("cannot write " + file + ": " + std::strerror(written ? errno : writeErrno));
}

}  // namespace

int ReportCommands::run() {
  State& st = *state_;
  if (!st.command->parsed()) return -1;
  report::Options o;
  report::Format format = report::Format::Text;
  // Until the report is out, log lines (indexing warnings) are held: an
  // error must be the one line on stderr. They follow the report otherwise.
  std::optional<log::Hold> held;
  try {
    // Every argument is checked before anything is opened, fetched or indexed.
    for (const char* name : {"--fetch", "--changed-since", "--output", "--to"})
      if (st.command->count(name) && st.command->get_option(name)->as<std::string>().empty())
        throw store::StoreError(std::string(name) + ": an empty value");
    static const std::map<std::string, report::Format> formats = {
        {"text", report::Format::Text},     {"json", report::Format::Json},
        {"sarif", report::Format::Sarif},   {"junit", report::Format::Junit},
        {"github", report::Format::Github}, {"markdown", report::Format::Markdown}};
    format = formats.at(st.format);
    o.state = st.state == "open"  ? report::StateFilter::Open
              : st.state == "all" ? report::StateFilter::All
                                  : report::StateFilter::Unanswered;
    o.failOn = st.failOn == "unanswered" ? report::FailOn::Unanswered
               : st.failOn == "stale"    ? report::FailOn::Stale
                                         : report::FailOn::None;
    o.kinds.clear();
    for (const auto& k : st.kinds) {
      if (k == "all") {
        o.kinds = {store::ThreadKind::Question, store::ThreadKind::Note, store::ThreadKind::Lesson};
        break;
      }
      const auto kind = k == "note" ? store::ThreadKind::Note : k == "lesson" ? store::ThreadKind::Lesson
                                                                              : store::ThreadKind::Question;
      if (std::find(o.kinds.begin(), o.kinds.end(), kind) == o.kinds.end()) o.kinds.push_back(kind);
    }
    if (!st.olderThan.empty()) o.olderThanMillis = store::parseDuration(st.olderThan);
    o.staleAfterMillis = store::parseDuration(st.staleAfter);
    o.windowMillis = store::parseDuration(st.window);
    o.to = st.to;
    const bool toFile = !st.output.empty() && st.output != "-";
    if (toFile) checkWritable(st.output);

    held.emplace();
    auto s = store::Store::open(std::filesystem::current_path().string(), store::Store::Access::ReadOnly);
    // Before the fetch: the revision may be FETCH_HEAD (docs/ci.md's GitLab
    // job), and a bad one fails before any network or index work.
    if (!st.changedSince.empty()) o.changedSince = report::resolveRevision(*s, st.changedSince);
    if (!st.fetch.empty()) store::fetchKnowledge(*s, st.fetch);
    // Not refreshed here: build() indexes (what was fetched too) and counts what it refused.
    const report::Report built = report::build(*s, o);
    const std::string out = report::render(built, format, st.version);
    if (toFile) {
      writeFile(st.output, out);
    } else {
      std::cout << out << std::flush;
    }
    held->release();
    return built.summary.failing > 0 ? 1 : 0;
  } catch (const std::exception& e) {
    if (held) held->discard();
    printError(e);
    return 2;
  }
}

}  // namespace tacit::cli
