#include "server/cli/knowledge_commands.h"

#include <git2.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "server/anchor/anchor.h"
#include "server/cli/extensions.h"
#include "server/cli/reminder_commands.h"
#include "server/cli/verbs.h"
#include "server/host/host.h"
#include "server/git/handles.h"
#include "server/store/event_log.h"
#include "server/store/clock.h"
#include "server/store/inbox.h"
#include "server/store/locations.h"
#include "server/store/personal.h"
#include "server/store/store.h"
#include "server/store/sync.h"

namespace tacit::cli {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using store::StoreError;

// PATH:START[-END], lines 1-based and inclusive.
struct LineSpec {
  std::string path;
  uint32_t start = 0, end = 0;
};

LineSpec parseLineSpec(const std::string& spec) {
  auto colon = spec.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == spec.size())
    throw StoreError("expected PATH:START[-END], got \"" + spec + "\"");
  LineSpec out;
  out.path = spec.substr(0, colon);
  std::string range = spec.substr(colon + 1);
  auto dash = range.find('-');
  auto number = [&](const std::string& s) -> uint32_t {
    if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos)
      throw StoreError("bad line number \"" + s + "\" in \"" + spec + "\"");
    return static_cast<uint32_t>(std::stoul(s));
  };
  out.start = number(range.substr(0, dash));
  out.end = dash == std::string::npos ? out.start : number(range.substr(dash + 1));
  if (out.start == 0) throw StoreError("lines are numbered from 1: \"" + spec + "\"");
  if (out.end < out.start) throw StoreError("the range ends before it starts: \"" + spec + "\"");
  return out;
}

// The repository-relative path of `path` (relative to the current directory
// or absolute); StoreError when it lies outside the work tree.
std::string repositoryPath(const store::Store& s, const std::string& path) {
  fs::path absolute = fs::weakly_canonical(fs::absolute(path));
  fs::path root = fs::weakly_canonical(fs::path(s.workdir()));
  auto rel = absolute.lexically_relative(root);
  std::string relative = rel.generic_string();
  if (rel.empty() || relative == "." || relative.rfind("..", 0) == 0 || !store::isConfinedPath(relative))
    throw StoreError("path outside the repository: " + path);
  return relative;
}

// The commit REV names, or HEAD when rev is empty ("" for an unborn HEAD).
std::string resolveCommit(git_repository* repo, const std::string& rev) {
  git_object* raw = nullptr;
  if (git_revparse_single(&raw, repo, rev.empty() ? "HEAD" : rev.c_str()) != 0) {
    if (rev.empty()) return std::string(40, '0');  // no commit yet
    throw StoreError("unknown revision " + rev);
  }
  git::Object obj(raw);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, obj.get(), GIT_OBJECT_COMMIT) != 0) throw StoreError("not a commit: " + rev);
  git::Object commit(peeled);
  return git::toHex(*git_object_id(commit.get()));
}

}  // namespace

// Captures an anchor: the lines and three lines of context, from the work
// tree (or from REV's tree with --at).
store::Anchor captureAnchor(store::Store& s, const std::string& spec, const std::string& rev) {
  LineSpec lines = parseLineSpec(spec);
  store::Anchor anchor;
  anchor.path = repositoryPath(s, lines.path);
  anchor.commit = resolveCommit(s.repository(), rev);
  std::string content;
  if (rev.empty()) {
    std::ifstream in(fs::path(s.workdir()) / anchor.path, std::ios::binary);
    if (!in || fs::is_directory(fs::path(s.workdir()) / anchor.path))
      throw StoreError("no such file: " + anchor.path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    content = buffer.str();
  } else {
    auto file = anchor::Locator(s.repository()).read(anchor.commit, anchor.path);
    if (!file) throw StoreError("no such file at " + rev + ": " + anchor.path);
    content = std::move(*file);
  }
  if (anchor::isBinary(content)) throw StoreError(anchor.path + " is a binary file: threads go on lines of text");
  auto recorded = anchor::record(anchor.path, anchor.commit, content, lines.start, lines.end);
  if (!recorded)
    throw StoreError("lines past the end of the file: " + anchor.path + " has " +
                     std::to_string(anchor::splitLines(content).size()) + " lines");
  return store::fromRecorded(*recorded);
}

namespace {

// Where threads are now: in the work tree, or at the commit --at names.
class Placer {
 public:
  Placer(store::Store& s, const std::string& rev)
      : locations_(s), commit_(rev.empty() ? "" : resolveCommit(s.repository(), rev)) {}
  anchor::Location operator()(const store::Thread& t) {
    return commit_.empty() ? locations_.inWorkTree(t) : locations_.atCommit(t, commit_);
  }
  // Many threads to place: those never located are located at once.
  void prepare(const std::vector<store::Thread>& threads) {
    locations_.prepare(threads, commit_.empty() ? locations_.head() : commit_);
  }

 private:
  store::Locations locations_;
  std::string commit_;
};

}  // namespace

std::string firstLine(const std::string& text, size_t max) {
  std::string line = text.substr(0, text.find('\n'));
  if (line.size() > max) line = line.substr(0, max - 3) + "...";
  return line;
}

std::string placeText(const anchor::Location& at) {
  std::string out = at.path + ":" + std::to_string(at.startLine);
  if (at.endLine != at.startLine) out += "-" + std::to_string(at.endLine);
  if (at.status != anchor::Status::Exact) out += " (" + std::string(anchor::toString(at.status)) + ")";
  return out;
}

namespace {

void printThreadLine(const store::Thread& t, const anchor::Location& at) {
  std::cout << t.id.substr(0, 12) << "  " << store::toString(t.kind) << "  " << store::toString(t.state) << "  "
            << placeText(at) << "  " << firstLine(t.body) << " (" << t.author.name << ")\n";
}

void printThread(const store::Thread& t, const anchor::Location& at) {
  std::cout << store::toString(t.kind) << " " << t.id << " [" << store::toString(t.state) << "]"
            << (t.isPrivate ? " private" : "") << "\n";
  if (t.kind == store::ThreadKind::Walkthrough)  // no lines of its own
    std::cout << t.chapters.size() << " chapter(s): tacit walkthrough show " << t.id.substr(0, 8) << "\n";
  else
    std::cout << "at " << placeText(at) << ", made at " << t.anchor.path << ":" << t.anchor.startLine << "-"
              << t.anchor.endLine << " (commit " << t.anchor.commit.substr(0, 12) << ")\n";
  std::cout << "by " << t.author.name << " <" << t.author.email << "> on "
            << store::formatTimestamp(t.createdAt) << "\n";
  if (!t.assignees.empty()) {
    std::cout << "to";
    for (const auto& a : t.assignees) std::cout << " " << a;
    std::cout << "\n";
  }
  std::cout << "\n" << t.body << "\n";
  for (const auto& a : t.acks) std::cout << "\n  seen by " << a.author.name << " on " << store::formatTimestamp(a.at) << "\n";
  for (const auto& r : t.replies)
    std::cout << "\n  " << (r.isAnswer ? "answer" : "reply") << " from " << r.author.name << " on "
              << store::formatTimestamp(r.createdAt) << ":\n  " << r.body << "\n";
}

}  // namespace

void printInbox(store::Store& s, const store::Inbox& box, const std::string& since) {
  Placer place(s, "");
  std::cout << "For you (" << box.forMe.size() << ")\n";
  for (const auto& t : box.forMe) printThreadLine(t, place(t));
  std::cout << "Waiting on others (" << box.waiting.size() << ")\n";
  for (const auto& t : box.waiting) printThreadLine(t, place(t));
  std::cout << "New in the last " << since << " (" << box.news.size() << ")\n";
  for (const auto& n : box.news)
    std::cout << "  " << n.by.name << (n.what == "answer" ? " answered " : " has seen ") << n.thread.id.substr(0, 8)
              << " \"" << firstLine(n.thread.body) << "\""
              << (n.what == "answer" ? ": " + firstLine(n.body) : std::string()) << "  (" << store::formatTimestamp(n.at)
              << ")\n";
  std::cout << "Reminders due (" << box.reminders.size() << ")\n";
  for (const auto& r : box.reminders) printReminderLine(s, r, store::nowMillis());
}

struct KnowledgeCommands::State {
  CLI::App* app = nullptr;
  Verbs commands;

  // Options, one set shared by the verbs (CLI11 binds them by reference).
  std::string spec, message, rev, id, query, path, kind, state, to, remote = "origin";
  std::vector<std::string> recipients;
  bool lesson = false, isPrivate = false, asJson = false;
  std::string since = "7d", sendAt;
  bool similar = false;

};

KnowledgeCommands::KnowledgeCommands(CLI::App& app) : state_(new State()) {
  State& st = *state_;
  st.app = &app;
  auto add = [&](CLI::App* cmd, std::function<int()> fn) { st.commands.emplace_back(cmd, std::move(fn)); };

  auto* note = app.add_subcommand("note", "Notes and lessons learned on lines of code");
  note->require_subcommand(1);
  auto* noteAdd = note->add_subcommand("add", "Attach a note (or with --lesson, a lesson) to PATH:START[-END]");
  noteAdd->add_option("location", st.spec, "PATH:START[-END], lines 1-based and inclusive")->required();
  noteAdd->add_option("-m,--message", st.message, "The note's text (Markdown)")->required();
  noteAdd->add_flag("--lesson", st.lesson, "A lesson learned rather than a note");
  noteAdd->add_flag("--private", st.isPrivate, "Keep it in this clone's private store, never shared");
  noteAdd->add_option("--at", st.rev, "Take the lines from this revision instead of the work tree");
  add(noteAdd, [&st] {
    auto s = openStore();
    store::Store::NewThread t;
    t.kind = st.lesson ? store::ThreadKind::Lesson : store::ThreadKind::Note;
    t.body = st.message;
    t.isPrivate = st.isPrivate;
    t.anchor = captureAnchor(*s, st.spec, st.rev);
    std::string id = s->createThread(t);
    std::cout << id << "\n" << std::flush;
    tellExtensions(*s, [&](host::Host& h) { h.threadCreated(id); });
    return 0;
  });

  auto* ask = app.add_subcommand("ask", "Ask a question about PATH:START[-END]");
  ask->add_option("location", st.spec, "PATH:START[-END], lines 1-based and inclusive")->required();
  ask->add_option("-m,--message", st.message, "The question (Markdown)")->required();
  ask->add_option("--to", st.recipients, "Who should answer (email; repeatable)");
  ask->add_flag("--private", st.isPrivate, "Keep it in this clone's private store, never shared");
  ask->add_option("--at", st.rev, "Take the lines from this revision instead of the work tree");
  ask->add_flag("--similar", st.similar,
                "Print answered questions like this one on stderr (the default when stderr is a terminal)");
  ask->add_option("--send-at", st.sendAt,
                  "Keep it private until TIME, then send it (10m, 2h, tomorrow 09:00, RFC 3339)");
  add(ask, [&st] {
    auto s = openStore();
    const int64_t now = store::nowMillis();
    std::optional<int64_t> sendAt;
    if (!st.sendAt.empty()) {
      if (st.isPrivate) throw StoreError("--send-at sends the question to the team; it cannot be --private");
      sendAt = store::parseTime(st.sendAt, now);
      if (*sendAt <= now) throw StoreError("--send-at " + st.sendAt + " is in the past");
    }
    store::Store::NewThread t;
    t.kind = store::ThreadKind::Question;
    t.body = st.message;
    t.isPrivate = st.isPrivate;
    for (const auto& r : st.recipients)  // --to twice for one person means once
      if (std::find(t.assignees.begin(), t.assignees.end(), r) == t.assignees.end()) t.assignees.push_back(r);
    t.anchor = captureAnchor(*s, st.spec, st.rev);
    t.context = s->questionContext(t.anchor);
    // Asked before? Answered questions like this one, on stderr, for a person
    // at a terminal (or with --similar); scripts are not disturbed.
    const bool hint = st.similar || ::isatty(STDERR_FILENO);
    for (const auto& hit : hint ? s->index().similarAnswered(t.body, 3) : std::vector<store::SearchHit>{}) {
      std::string answer;
      for (const auto& r : hit.thread.replies)
        if (r.isAnswer) answer = r.body;
      std::cerr << "tacit: asked before? " << hit.thread.id.substr(0, 8) << " \"" << firstLine(hit.thread.body)
                << "\"" << (answer.empty() ? std::string(" (resolved)") : " answered: " + firstLine(answer)) << "\n";
    }
    if (sendAt) {
      // Send later: kept in the private store with the id it will have.
      const auto q = store::scheduleQuestion(*s, t, *sendAt);
      std::cout << q.id << "\n" << std::flush;
      if (::isatty(STDERR_FILENO))
        std::cerr << "tacit: will be sent " << store::formatLocalTime(*sendAt, now) << " ("
                  << store::relativeTime(*sendAt, now) << "); tacit send " << q.id.substr(0, 8) << " sends it now\n";
      return 0;
    }
    std::string id = s->createThread(t);
    std::cout << id << "\n" << std::flush;
    tellExtensions(*s, [&](host::Host& h) { h.threadCreated(id); });
    return 0;
  });

  auto* inboxCmd = app.add_subcommand("inbox", "What waits on you and what came back to you");
  inboxCmd->add_flag("--json", st.asJson, "JSON output (docs/cli.md)");
  inboxCmd->add_option("--since", st.since, "News (answers, acknowledgements) this recent: 30m, 12h, 7d")
      ->capture_default_str();
  add(inboxCmd, [&st] {
    auto s = openStore();
    const std::string me = s->identity().email;
    store::Inbox box = store::inbox(*s, me, store::sinceNow(store::parseDuration(st.since)));
    if (st.asJson) {
      std::cout << store::inboxJson(*s, box).dump(2, ' ', false, json::error_handler_t::replace) << "\n";
      return 0;
    }
    printInbox(*s, box, st.since);
    return 0;
  });

  auto* similar = app.add_subcommand("similar", "Questions already answered that are like TEXT (asked before?)");
  similar->add_option("text", st.query, "The question you are about to ask")->required();
  similar->add_flag("--json", st.asJson, "JSON output (docs/cli.md)");
  add(similar, [&st] {
    auto s = openStore();
    Placer place(*s, "");
    json out = json::array();
    for (const auto& hit : s->index().similarAnswered(st.query, 10)) {
      if (st.asJson) {
        json j = store::locatedJson(hit.thread, place(hit.thread));
        j["score"] = hit.score;
        out.push_back(std::move(j));
      } else {
        printThreadLine(hit.thread, place(hit.thread));
      }
    }
    if (st.asJson) std::cout << out.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    return 0;
  });

  struct Verb {
    const char* name;
    const char* help;
    store::EventType type;
    bool needsMessage;
    json payload;
  };
  static const Verb verbs[] = {
      {"reply", "Reply to a thread", store::EventType::Reply, true, json::object()},
      {"answer", "Answer a question", store::EventType::Answer, true, json::object()},
      {"ack", "Acknowledge: seen, will answer", store::EventType::Reaction, false, {{"reaction", "ack"}}},
      {"resolve", "Mark a thread resolved", store::EventType::State, false, {{"state", "resolved"}}},
      {"reopen", "Reopen a resolved thread", store::EventType::State, false, {{"state", "open"}}},
      {"delete", "Delete a thread (for everyone, on the next sync)", store::EventType::Tombstone, false, json::object()},
  };
  for (const Verb& verb : verbs) {
    auto* cmd = app.add_subcommand(verb.name, verb.help);
    cmd->add_option("id", st.id, "Thread id, or a unique prefix of at least 4 characters")->required();
    if (verb.needsMessage) cmd->add_option("-m,--message", st.message, "The text (Markdown)")->required();
    add(cmd, [&st, &verb] {
      auto s = openStore();
      std::string id = s->index().resolve(st.id);
      json payload = verb.payload;
      if (verb.needsMessage) payload["body"] = st.message;
      std::string eventId = s->addEvent(id, verb.type, payload);
      std::cout << id << "\n" << std::flush;
      tellExtensions(*s, [&](host::Host& h) { h.threadChanged(id, eventId, verb.type, payload); });
      return 0;
    });
  }

  auto* list = app.add_subcommand("list", "List notes, lessons and questions");
  list->add_flag("--json", st.asJson, "JSON output (docs/cli.md)");
  list->add_option("--path", st.path, "Only threads on this file");
  list->add_option("--kind", st.kind, "note, lesson or question")->check(CLI::IsMember({"note", "lesson", "question"}));
  list->add_option("--state", st.state, "open, answered or resolved")
      ->check(CLI::IsMember({"open", "answered", "resolved"}));
  list->add_option("--to", st.to, "Only questions to this email, or \"me\"");
  list->add_option("--at", st.rev, "Show locations at this revision");
  add(list, [&st] {
    auto s = openStore();
    store::ThreadFilter filter;
    // --path is where a thread is now (after renames and moves), so it
    // filters located threads rather than the index's recorded paths.
    std::optional<std::string> path;
    if (!st.path.empty()) path = repositoryPath(*s, st.path);
    if (!st.kind.empty()) filter.kind = store::parseThreadKind(st.kind);
    if (!st.state.empty()) filter.state = store::parseThreadState(st.state);
    if (!st.to.empty()) filter.assignee = st.to == "me" ? s->identity().email : st.to;
    Placer place(*s, st.rev);
    const std::vector<store::Thread> threads = s->index().list(filter);
    place.prepare(threads);
    json out = json::array();
    for (const auto& t : threads) {
      anchor::Location at = place(t);
      if (path && at.path != *path) continue;
      if (st.asJson) out.push_back(store::locatedJson(t, at));
      else printThreadLine(t, at);
    }
    if (st.asJson) std::cout << out.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    return 0;
  });

  auto* show = app.add_subcommand("show", "Show one thread with its replies");
  show->add_option("id", st.id, "Thread id or unique prefix")->required();
  show->add_flag("--json", st.asJson, "JSON output (docs/cli.md)");
  show->add_option("--at", st.rev, "Show the location at this revision");
  add(show, [&st] {
    auto s = openStore();
    auto t = s->index().get(s->index().resolve(st.id));
    Placer place(*s, st.rev);
    anchor::Location at = place(*t);
    if (st.asJson) std::cout << store::locatedJson(*t, at).dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    else printThread(*t, at);
    return 0;
  });

  auto* move = app.add_subcommand("move", "Re-anchor a thread by hand to PATH:START[-END] (shared as an event)");
  move->add_option("id", st.id, "Thread id or unique prefix")->required();
  move->add_option("location", st.spec, "PATH:START[-END], lines 1-based and inclusive")->required();
  move->add_option("--at", st.rev, "Take the lines from this revision instead of the work tree");
  add(move, [&st] {
    auto s = openStore();
    std::string id = s->index().resolve(st.id);
    json payload = {{"anchor", store::toJson(captureAnchor(*s, st.spec, st.rev))}};
    std::string eventId = s->addEvent(id, store::EventType::Reanchor, payload);
    std::cout << id << "\n" << std::flush;
    tellExtensions(*s, [&](host::Host& h) { h.threadChanged(id, eventId, store::EventType::Reanchor, payload); });
    return 0;
  });

  auto* search = app.add_subcommand("search", "Full-text search over bodies and replies");
  search->add_option("query", st.query, "Words to find")->required();
  search->add_flag("--json", st.asJson, "JSON output (docs/cli.md)");
  search->add_option("--at", st.rev, "Show locations at this revision");
  add(search, [&st] {
    auto s = openStore();
    auto hits = s->index().search(st.query, 50);
    Placer place(*s, st.rev);
    if (st.asJson) {
      json out = json::array();
      for (const auto& h : hits) {
        json j = store::locatedJson(h.thread, place(h.thread));
        j["score"] = h.score;
        j["snippet"] = h.snippet;
        out.push_back(std::move(j));
      }
      std::cout << out.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    } else {
      for (const auto& h : hits) printThreadLine(h.thread, place(h.thread));
    }
    return 0;
  });

  auto* sync = app.add_subcommand("sync", "Fetch teammates' knowledge, index it, push yours (git fetch/push)");
  sync->add_option("--remote", st.remote, "The git remote")->capture_default_str();
  add(sync, [&st] {
    auto s = openStore();
    // Questions scheduled to be sent by now go out with this sync.
    const auto sent = store::sendDue(*s, store::nowMillis());
    if (!sent.empty()) std::cout << "sent " << sent.size() << " scheduled question(s)\n";
    auto report = store::sync(*s, st.remote);
    std::cout << "fetched " << report.fetchedEvents << " new event(s) from " << st.remote << ", pushed "
              << report.pushedRefs << " ref(s)\n" << std::flush;
    tellExtensions(*s, [&](host::Host& h) {
      for (const auto& id : sent) h.threadCreated(id);
      h.emit("sync/finished",
             {{"remote", st.remote}, {"fetchedEvents", report.fetchedEvents}, {"pushedRefs", report.pushedRefs}});
    });
    return 0;
  });
}

KnowledgeCommands::~KnowledgeCommands() { delete state_; }

int KnowledgeCommands::run() { return runVerbs(state_->commands); }

}  // namespace tacit::cli
