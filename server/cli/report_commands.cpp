#include "server/cli/report_commands.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include <CLI/CLI.hpp>

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
                "First fetch the knowledge refs from REMOTE (read-only: nothing is pushed, no identity needed)");
}

ReportCommands::~ReportCommands() { delete state_; }

int ReportCommands::run() {
  State& st = *state_;
  if (!st.command->parsed()) return -1;
  report::Options o;
  report::Format format = report::Format::Text;
  std::unique_ptr<store::Store> s;
  try {
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
    o.changedSince = st.changedSince;
    o.to = st.to;
    // Not refreshed here: build() indexes (what was fetched too) and counts what it refused.
    s = store::Store::open(std::filesystem::current_path().string());
    if (!st.fetch.empty()) store::fetchKnowledge(*s, st.fetch);
    const report::Report built = report::build(*s, o);
    const std::string out = report::render(built, format, st.version);
    if (st.output.empty() || st.output == "-") {
      std::cout << out << std::flush;
    } else {
      std::ofstream file(st.output, std::ios::binary | std::ios::trunc);
      file << out;
      file.close();
      if (!file) throw store::StoreError("cannot write " + st.output);
    }
    return built.summary.failing > 0 ? 1 : 0;
  } catch (const std::exception& e) {
    std::cerr << "tacit: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace tacit::cli
