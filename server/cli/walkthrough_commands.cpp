#include "server/cli/walkthrough_commands.h"

#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>

#include <CLI/CLI.hpp>

#include "server/cli/extensions.h"
#include "server/cli/knowledge_commands.h"
#include "server/cli/verbs.h"
#include "server/host/host.h"
#include "server/store/event_log.h"
#include "server/store/locations.h"
#include "server/store/store.h"
#include "server/store/walkthroughs.h"

namespace tacit::cli {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using store::StoreError;

// Writes a plan in one commit and tells the workspace's extensions; returns
// the event ids (nothing written: none).
std::vector<std::string> writePlan(store::Store& s, const store::WalkthroughPlan& plan,
                                   const std::function<void()>& printResult) {
  std::vector<std::string> ids;
  if (plan.created || !plan.events.empty()) ids = s.write(plan.created, plan.events);
  printResult();
  std::cout << std::flush;
  if (ids.empty()) return ids;
  tellExtensions(s, [&](host::Host& h) {
    size_t next = 0;
    if (plan.created) h.threadCreated(ids[next++]);
    for (const auto& e : plan.events) h.threadChanged(e.thread, ids[next++], e.type, e.payload);
  });
  return ids;
}

std::string chapters(size_t n) { return std::to_string(n) + (n == 1 ? " chapter" : " chapters"); }

// A 1-based position as typed (CLI11 would wrap a negative one around).
size_t positionArgument(int64_t value, const char* what) {
  if (value < 1) throw StoreError(std::string(what) + " " + std::to_string(value) + ": chapters are numbered from 1");
  return static_cast<size_t>(value);
}

}  // namespace

struct WalkthroughCommands::State {
  Verbs commands;
  std::string id, title, message, spec, rev, note, chapter, output;
  std::optional<int64_t> position;
  int64_t to = 0;
  bool asJson = false, deleteNote = false;

};

WalkthroughCommands::WalkthroughCommands(CLI::App& app) : state_(new State()) {
  State& st = *state_;
  auto add = [&](CLI::App* cmd, std::function<int()> fn) { st.commands.emplace_back(cmd, std::move(fn)); };

  auto* wt = app.add_subcommand("walkthrough", "Walkthroughs: ordered chapters, each a note on lines of code");
  wt->require_subcommand(1);

  auto* create = wt->add_subcommand("create", "Start a walkthrough; prints its id");
  create->add_option("title", st.title, "Its title (one line)")->required();
  create->add_option("-m,--message", st.message, "A description (Markdown)");
  add(create, [&st] {
    auto s = openStore();
    auto plan = store::Walkthroughs::create(st.title, st.message);
    writePlan(*s, plan, [&] { std::cout << plan.subject << "\n"; });
    return 0;
  });

  auto* addChapter = wt->add_subcommand(
      "add", "Add a chapter: a new note on PATH:START[-END] with -m TEXT, or an existing note with --note ID");
  addChapter->add_option("walkthrough", st.id, "Walkthrough id or unique prefix")->required();
  addChapter->add_option("location", st.spec, "PATH:START[-END], lines 1-based and inclusive");
  addChapter->add_option("-m,--message", st.message, "The chapter's text (Markdown)");
  addChapter->add_option("--note", st.note, "An existing note or lesson (id or unique prefix) as the chapter");
  addChapter->add_option("--position", st.position, "Its position, 1-based (default: the last)");
  addChapter->add_option("--at", st.rev, "Take the lines from this revision instead of the work tree");
  add(addChapter, [&st] {
    auto s = openStore();
    store::Walkthroughs walkthroughs(*s);
    auto w = walkthroughs.get(st.id);
    store::WalkthroughPlan plan;
    std::string chapter;
    std::optional<size_t> position;
    if (st.position) position = positionArgument(*st.position, "position");
    if (!st.note.empty()) {
      if (!st.spec.empty() || !st.message.empty())
        throw StoreError("give either --note ID or PATH:START[-END] with -m TEXT, not both");
      chapter = s->index().resolve(st.note);
      plan = walkthroughs.addNote(w, chapter, position);
    } else {
      if (st.spec.empty() || st.message.empty())
        throw StoreError("a chapter needs PATH:START[-END] and -m TEXT (or --note ID)");
      // Checked before the anchor is read, so a bad position is the error given.
      store::Walkthroughs::checkPosition(w, position.value_or(w.chapters.size() + 1), w.chapters.size() + 1,
                                         "position");
      plan = store::Walkthroughs::addChapter(w, captureAnchor(*s, st.spec, st.rev), st.message, position);
      chapter = plan.subject;
    }
    writePlan(*s, plan, [&] { std::cout << chapter << "\n"; });
    return 0;
  });

  auto* move = wt->add_subcommand("move", "Move a chapter to another position");
  move->add_option("walkthrough", st.id, "Walkthrough id or unique prefix")->required();
  move->add_option("chapter", st.chapter, "The chapter: its position (1-based) or its note's id")->required();
  move->add_option("--to", st.to, "Its new position, 1-based")->required();
  add(move, [&st] {
    auto s = openStore();
    store::Walkthroughs walkthroughs(*s);
    auto w = walkthroughs.get(st.id);
    auto plan = store::Walkthroughs::move(w, walkthroughs.position(w, st.chapter), positionArgument(st.to, "position"));
    writePlan(*s, plan, [&] { std::cout << w.thread.id << "\n"; });
    return 0;
  });

  auto* remove = wt->add_subcommand("remove", "Take a chapter out of the walkthrough (its note stays unless --delete)");
  remove->add_option("walkthrough", st.id, "Walkthrough id or unique prefix")->required();
  remove->add_option("chapter", st.chapter, "The chapter: its position (1-based) or its note's id")->required();
  remove->add_flag("--delete", st.deleteNote, "Delete the chapter's note too (for everyone, on the next sync)");
  add(remove, [&st] {
    auto s = openStore();
    store::Walkthroughs walkthroughs(*s);
    auto w = walkthroughs.get(st.id);
    auto plan = store::Walkthroughs::remove(w, walkthroughs.position(w, st.chapter), st.deleteNote);
    writePlan(*s, plan, [&] { std::cout << w.thread.id << "\n"; });
    return 0;
  });

  auto* list = wt->add_subcommand("list", "List the walkthroughs");
  list->add_flag("--json", st.asJson, "JSON output (docs/cli.md)");
  add(list, [&st] {
    auto s = openStore();
    json out = json::array();
    for (const auto& w : store::Walkthroughs(*s).list()) {
      if (st.asJson) out.push_back(store::walkthroughSummaryJson(w));
      else
        std::cout << w.thread.id.substr(0, 12) << "  " << chapters(w.chapters.size()) << "  " << w.title << " ("
                  << w.thread.author.name << ")\n";
    }
    if (st.asJson) std::cout << out.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    return 0;
  });

  auto* show = wt->add_subcommand("show", "Show a walkthrough's chapters and where each one is now");
  show->add_option("walkthrough", st.id, "Walkthrough id or unique prefix")->required();
  show->add_flag("--json", st.asJson, "JSON output (docs/cli.md)");
  add(show, [&st] {
    auto s = openStore();
    store::Walkthroughs walkthroughs(*s);
    auto w = walkthroughs.get(st.id);
    std::vector<store::ChapterPlace> places;
    {
      store::Locations locations(*s);
      for (const auto& c : w.chapters) places.push_back(walkthroughs.place(locations, c));
    }
    auto loose = walkthroughs.unordered(w);
    if (st.asJson) {
      std::cout << store::walkthroughJson(w, places, loose).dump(2, ' ', false, json::error_handler_t::replace)
                << "\n";
      return 0;
    }
    std::cout << "walkthrough " << w.thread.id << "  " << w.title << "\n"
              << "by " << w.thread.author.name << " <" << w.thread.author.email << "> on "
              << store::formatTimestamp(w.thread.createdAt) << ", " << chapters(w.chapters.size()) << "\n";
    if (!w.description.empty()) std::cout << "\n" << w.description << "\n";
    if (!w.chapters.empty()) std::cout << "\n";
    for (size_t i = 0; i < w.chapters.size(); ++i) {
      const auto& at = places[i].location;
      std::cout << (i + 1) << ". ";
      if (at.status == anchor::Status::Orphaned) {  // not found now: where it was last seen
        std::cout << at.path << ":" << at.startLine;
        if (at.endLine != at.startLine) std::cout << "-" << at.endLine;
        std::cout << " (orphaned: last seen there)";
      } else {
        std::cout << placeText(at);
      }
      std::cout << "  " << firstLine(w.chapters[i].body) << "  (" << w.chapters[i].id.substr(0, 12) << ")\n";
    }
    if (!loose.empty()) {
      std::cout << "\nnotes made for it that are not in its order (tacit walkthrough add "
                << w.thread.id.substr(0, 8) << " --note ID):\n";
      for (const auto& t : loose) std::cout << "  " << t.id.substr(0, 12) << "  " << firstLine(t.body) << "\n";
    }
    return 0;
  });

  auto* exportCmd = wt->add_subcommand("export", "Markdown: each chapter's text and its code as it is now");
  exportCmd->add_option("walkthrough", st.id, "Walkthrough id or unique prefix")->required();
  exportCmd->add_option("-o,--output", st.output, "Write to this file instead of stdout");
  add(exportCmd, [&st] {
    auto s = openStore();
    store::Walkthroughs walkthroughs(*s);
    const std::string md = walkthroughs.exportMarkdown(walkthroughs.get(st.id));
    if (st.output.empty()) {
      std::cout << md << std::flush;
      return 0;
    }
    std::ofstream out(st.output, std::ios::binary | std::ios::trunc);
    if (!out) throw StoreError("cannot write " + st.output);
    out << md;
    out.close();
    if (!out) throw StoreError("cannot write " + st.output);
    return 0;
  });
}

WalkthroughCommands::~WalkthroughCommands() { delete state_; }

int WalkthroughCommands::run() { return runVerbs(state_->commands); }

}  // namespace tacit::cli
