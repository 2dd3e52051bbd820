#include "extensions/builtin/threads.h"

#include <chrono>
#include <map>

#include "extensions/builtin/common.h"
#include "protocol/tacit.h"
#include "server/anchor/anchor.h"
#include "server/documents/position_encoding.h"
#include "server/git/handles.h"
#include "server/host/knowledge.h"
#include "server/store/clock.h"
#include "server/store/event_log.h"
#include "server/store/locations.h"
#include "server/store/personal.h"
#include "server/store/write_rules.h"

#include <git2.h>

namespace tacit::extensions {

namespace {

using namespace tacit::host;
using protocol::CodeAction;
using protocol::CodeLens;
using protocol::DecodeError;
using protocol::Diagnostic;
using protocol::InlayHint;
using protocol::ObjectReader;
using protocol::SymbolInformation;

constexpr uint32_t kMaxBody = 64 * 1024;

// "2 notes · 1 lesson · 1 question", in that order, from counts by kind.
std::string lensTitle(const std::map<std::string, int>& byKind) {
  static const std::pair<const char*, const char*> kinds[] = {
      {"note", "notes"}, {"lesson", "lessons"}, {"question", "questions"}};
  std::string title;
  for (const auto& [one, many] : kinds) {
    auto it = byKind.find(one);
    if (it == byKind.end()) continue;
    if (!title.empty()) title += " · ";
    title += std::to_string(it->second) + " " + (it->second == 1 ? one : many);
  }
  return title;
}

std::string capitalized(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

// "3 days ago", from milliseconds since the epoch.
std::string age(int64_t unixMillis) {
  const int64_t s = std::max<int64_t>(0, (store::nowMillis() - unixMillis) / 1000);
  auto plural = [](int64_t n, const char* unit) {
    return std::to_string(n) + " " + unit + (n == 1 ? "" : "s") + " ago";
  };
  if (s < 60) return "just now";
  if (s < 3600) return plural(s / 60, "minute");
  if (s < 86400) return plural(s / 3600, "hour");
  if (s < 86400 * 60) return plural(s / 86400, "day");
  if (s < 86400 * 730) return plural(s / (86400 * 30), "month");
  return plural(s / (86400 * 365), "year");
}

// Markdown shown as text: no raw HTML, no command links (DESIGN.md, security).
std::string quoteMarkdown(const std::string& body) {
  std::string out;
  for (char c : body) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  size_t at = 0;
  while ((at = out.find("](command:", at)) != std::string::npos) {
    out.replace(at, 10, "](#command-");
    at += 11;
  }
  return out;
}

// The arguments of tacit.addNote / tacit.ask: one object.
struct NewThreadArguments {
  std::string uri;
  uint32_t startLine = 0, endLine = 0;  // 0-based, inclusive
  std::string body;
  bool lesson = false, isPrivate = false;
  std::vector<std::string> to;
  std::optional<std::string> sendAt;  // ask: send later (a time as people write it)
};

NewThreadArguments decodeNewThread(const json& arguments) {
  if (!arguments.is_array() || arguments.size() != 1)
    throw DecodeError("params.arguments: expected one object");
  ObjectReader r(arguments[0], "params.arguments[0]");
  NewThreadArguments a;
  r.required("uri", a.uri);
  r.required("startLine", a.startLine);
  r.required("endLine", a.endLine);
  if (a.endLine < a.startLine) throw DecodeError("params.arguments[0].endLine: before startLine");
  std::optional<std::string> body;
  r.optional("body", body);
  if (!body || store::isBlank(*body))
    throw DecodeError("params.arguments[0].body: the text is required (the editor asks for it)");
  if (body->size() > kMaxBody) throw DecodeError("params.arguments[0].body: longer than 64 KiB");
  a.body = *body;
  std::optional<bool> lesson, isPrivate;
  r.optional("lesson", lesson);
  r.optional("private", isPrivate);
  a.lesson = lesson.value_or(false);
  a.isPrivate = isPrivate.value_or(false);
  r.optional("sendAt", a.sendAt);
  std::optional<std::vector<std::string>> to;
  r.optional("to", to);
  if (to)
    for (const auto& email : *to)
      if (std::find(a.to.begin(), a.to.end(), email) == a.to.end()) a.to.push_back(email);
  return a;
}

class Threads final : public Extension {
 public:
  Threads() {
    manifest_.name = "threads";
    manifest_.version = "built-in";
    manifest_.origin = "built-in";
    manifest_.activationEvents = {"*"};
    auto& k = manifest_.contributes;
    k.codeLens = k.hover = k.inlayHints = k.codeActions = k.workspaceSymbols = true;
    k.commands = {{"tacit.moveThread", "Move a thread to these lines"},
                  {"tacit.addNote", "Add note here"},
                  {"tacit.ask", "Ask about this code"},
                  {"tacit.reply", "Reply"},
                  {"tacit.answer", "Answer"},
                  {"tacit.ack", "Seen — will answer"},
                  {"tacit.resolve", "Resolve"},
                  {"tacit.reopen", "Reopen"},
                  {"tacit.similarQuestions", "Asked before?"}};
    k.events = {"document/opened", "document/changed", "document/saved", "thread/created", "thread/changed",
                "head/moved",      "knowledge/changed"};
  }

  const Manifest& manifest() const override { return manifest_; }
  void activate(HostApi& api) override {
    api_ = &api;
    encoding_ = documents::parsePositionEncoding(api.positionEncoding()).value_or(documents::PositionEncoding::Utf16);
  }

  void codeLenses(const DocumentInfo& doc, Done<std::vector<CodeLens>> done) override {
    struct Place {
      std::map<std::string, int> byKind;
      int threads = 0, orphaned = 0;
    };
    std::map<uint32_t, Place> byLine;  // 1-based first line
    for (const auto& t : located(doc)) {
      Place& p = byLine[t.location.startLine];
      ++p.byKind[t.kind];
      ++p.threads;
      if (t.location.status == anchor::Status::Orphaned) ++p.orphaned;
    }
    std::vector<CodeLens> lenses;
    for (const auto& [line, p] : byLine) {
      protocol::Position at{line - 1, 0};
      // Orphaned threads sit where they were last seen, not on code of theirs: the lens says so.
      std::string title = lensTitle(p.byKind);
      if (p.orphaned) title += p.orphaned == p.threads ? " (orphaned)" : " (" + std::to_string(p.orphaned) + " orphaned)";
      lenses.push_back({{at, at}, protocol::Command{title, "", nullptr}});
    }
    done(std::move(lenses));
  }

  void hover(const DocumentInfo& doc, const protocol::Position& at, Done<std::optional<protocol::Hover>> done) override {
    store::Store* s = api_->store();
    std::string markdown;
    std::optional<protocol::Range> range;
    for (const auto& t : located(doc)) {
      if (at.line + 1 < t.location.startLine || at.line + 1 > t.location.endLine) continue;
      auto thread = s ? s->index().get(t.id) : std::nullopt;
      if (!thread) continue;
      if (!markdown.empty()) markdown += "\n\n---\n\n";
      markdown += "**" + capitalized(t.kind) + "** · " + thread->author.name + " · " + age(thread->createdAt);
      if (t.kind == "question") markdown += " · " + t.state;
      if (t.kind == "question" && !thread->acks.empty()) {
        markdown += " · seen by ";
        for (size_t i = 0; i < thread->acks.size(); ++i) markdown += (i ? ", " : "") + thread->acks[i].author.name;
      }
      if (!thread->replies.empty())
        markdown += " · " + std::to_string(thread->replies.size()) + (thread->replies.size() == 1 ? " reply" : " replies");
      if (t.location.status != anchor::Status::Exact) markdown += " · " + std::string(anchor::toString(t.location.status));
      markdown += "\n\n" + quoteMarkdown(thread->body);
      for (const auto& reply : thread->replies)
        markdown += "\n\n> **" + reply.author.name + "** (" + (reply.isAnswer ? "answer, " : "") + age(reply.createdAt) +
                    "): " + quoteMarkdown(firstLine(reply.body, 200));
      markdown += "\n\n`" + t.id.substr(0, 8) + "`";
      if (!range) range = wholeLines(t.location);
    }
    if (markdown.empty()) return done(std::nullopt);
    done(protocol::Hover{markdown, range});
  }

  void inlayHints(const DocumentInfo& doc, const protocol::Range& range, Done<std::vector<InlayHint>> done) override {
    auto text = api_->documentText(doc.uri);
    std::vector<InlayHint> hints;
    if (!text) return done(hints);
    auto lines = anchor::splitLines(*text);
    std::map<uint32_t, std::vector<const Knowledge::Located*>> byLine;
    auto threads = located(doc);
    for (const auto& t : threads) byLine[t.location.startLine].push_back(&t);
    for (const auto& [line, list] : byLine) {
      if (line == 0 || line - 1 < range.start.line || line - 1 > range.end.line || line > lines.size()) continue;
      std::string_view content = lines[line - 1];
      if (!content.empty() && content.back() == '\n') content.remove_suffix(1);
      if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
      const bool orphaned = list[0]->location.status == anchor::Status::Orphaned;
      std::string label = list.size() == 1 ? list[0]->kind + (orphaned ? " (orphaned): " : ": ") +
                                                 firstLine(list[0]->title, 40)
                                           : std::to_string(list.size()) + " threads: " + firstLine(list[0]->title, 30);
      InlayHint hint;
      hint.position = {line - 1, documents::characterInLine(content, content.size(), encoding_)};
      hint.label = label;
      hint.paddingLeft = true;
      hints.push_back(std::move(hint));
    }
    done(std::move(hints));
  }

  void codeActions(const DocumentInfo& doc, const protocol::Range& range, Done<std::vector<CodeAction>> done) override {
    auto lines = linesForThread(*api_, doc, range);
    if (!lines) return done({});
    json args = json::array({{{"uri", doc.uri}, {"startLine", lines->start}, {"endLine", lines->end}}});
    done({CodeAction{"Add note here", "", protocol::Command{"Add note here", "tacit.addNote", args}},
          CodeAction{"Ask about this code", "", protocol::Command{"Ask about this code", "tacit.ask", args}}});
  }

  void workspaceSymbols(const std::string& query, Done<std::vector<SymbolInformation>> done) override {
    store::Store* s = api_->store();
    std::vector<SymbolInformation> out;
    if (!s || query.find_first_not_of(" \t") == std::string::npos) return done(out);
    try {
      s->refresh();
      store::Locations locations(*s);
      std::string root = s->workdir();
      for (const auto& hit : s->index().search(query, 50)) {
        anchor::Location at = locations.inWorkTree(hit.thread);
        if (at.startLine == 0) continue;  // nowhere at all
        const bool orphaned = at.status == anchor::Status::Orphaned;
        const std::string uri = host::uriFromPath(root + at.path);
        if (orphaned) {
          // Where it was last seen, kept in the file as it is now; a file
          // that is gone has no place to open.
          auto lines = lineCountNow(*api_, uri, root + at.path);
          if (!lines) continue;
          anchor::clampToLines(at, *lines);
        }
        SymbolInformation sym;
        sym.name = firstLine(hit.thread.body, 80);
        sym.kind = 15;  // String
        sym.uri = uri;
        sym.range = wholeLines(at);
        sym.containerName = std::string(store::toString(hit.thread.kind)) + " · " + hit.thread.author.name +
                            (orphaned ? " · orphaned" : "");
        out.push_back(std::move(sym));
      }
    } catch (const std::exception& e) {
      api_->logMessage(protocol::MessageType::Warning, std::string("workspace/symbol: ") + e.what());
    }
    done(std::move(out));
  }

  void executeCommand(const std::string& command, const json& arguments, Done<CommandResult> done) override {
    answerCommand(done, [&] {
      if (command == "tacit.moveThread") return moveThread(arguments);
      if (command == "tacit.addNote" || command == "tacit.ask")
        return createThread(decodeNewThread(arguments), command == "tacit.ask");
      if (auto verb = threadVerb(command)) return apply(*verb, arguments);
      if (command == "tacit.similarQuestions") return similarQuestions(arguments);
      throw DecodeError("unknown command: " + command);
    });
  }

  void event(std::string_view name, const json& params) override {
    if (name == "document/changed") {
      followEdits(params["textDocument"].value("uri", ""));
    } else if (name == "document/opened" || name == "document/saved") {
      publishQuestions(params["textDocument"].value("uri", ""));
    } else {  // knowledge or HEAD changed: every open document
      Knowledge* knowledge = api_->knowledge();
      if (!knowledge) return;
      for (const auto& uri : knowledge->openUris()) publishQuestions(uri);
    }
  }

 private:
  std::vector<Knowledge::Located> located(const DocumentInfo& doc) {
    Knowledge* knowledge = api_->knowledge();
    auto text = api_->documentText(doc.uri);
    if (!knowledge || !text || doc.path.empty()) return {};
    try {
      return knowledge->threadsIn(doc.uri, *text);
    } catch (const std::exception& e) {
      api_->logMessage(protocol::MessageType::Warning, "threads of " + doc.uri + ": " + e.what());
      return {};
    }
  }

  // The verbs on a thread, as on the command line (docs/cli.md).
  struct Verb {
    store::EventType type;
    bool needsBody;
    json payload;
  };
  static std::optional<Verb> threadVerb(const std::string& command) {
    if (command == "tacit.reply") return Verb{store::EventType::Reply, true, json::object()};
    if (command == "tacit.answer") return Verb{store::EventType::Answer, true, json::object()};
    if (command == "tacit.ack") return Verb{store::EventType::Reaction, false, {{"reaction", "ack"}}};
    if (command == "tacit.resolve") return Verb{store::EventType::State, false, {{"state", "resolved"}}};
    if (command == "tacit.reopen") return Verb{store::EventType::State, false, {{"state", "open"}}};
    return std::nullopt;
  }

  // arguments: [{id, body?}]; result: the thread as `tacit show --json` prints it.
  json apply(const Verb& verb, const json& arguments) {
    if (!arguments.is_array() || arguments.size() != 1) throw DecodeError("params.arguments: expected one object");
    ObjectReader r(arguments[0], "params.arguments[0]");
    std::string id;
    r.required("id", id);
    json payload = verb.payload;
    if (verb.needsBody) {
      std::optional<std::string> body;
      r.optional("body", body);
      if (!body || store::isBlank(*body))
        throw DecodeError("params.arguments[0].body: the text is required");
      if (body->size() > kMaxBody) throw DecodeError("params.arguments[0].body: longer than 64 KiB");
      payload["body"] = *body;
    }
    std::string full = api_->addEvent(id, verb.type, std::move(payload));
    return api_->threadJson(full);
  }

  // "Asked before?": [{text}] → the answered questions most like it, each
  // {id, body, state, author, answer} (the latest answer's text, or null).
  json similarQuestions(const json& arguments) {
    if (!arguments.is_array() || arguments.size() != 1) throw DecodeError("params.arguments: expected one object");
    std::string text;
    ObjectReader(arguments[0], "params.arguments[0]").required("text", text);
    store::Store* s = api_->store();
    if (!s) throw std::runtime_error("no knowledge store: the workspace is not in a git repository");
    s->refresh();
    json out = json::array();
    for (const auto& hit : s->index().similarAnswered(text, 5)) {
      json answer = nullptr;
      for (const auto& r : hit.thread.replies)
        if (r.isAnswer) answer = r.body;
      out.push_back({{"id", hit.thread.id},
                     {"body", hit.thread.body},
                     {"state", store::toString(hit.thread.state)},
                     {"author", {{"name", hit.thread.author.name}, {"email", hit.thread.author.email}}},
                     {"answer", answer}});
    }
    return out;
  }

  json moveThread(const json& arguments) {
    protocol::MoveThreadArguments args;
    if (!arguments.is_array() || arguments.size() != 1) throw DecodeError("params.arguments: expected one object");
    fromJSON(arguments[0], args, "params.arguments[0]");
    Knowledge* knowledge = api_->knowledge();
    auto text = api_->documentText(args.uri);
    if (!knowledge || !text) throw std::runtime_error("document is not open: " + args.uri);
    auto [id, payload] = knowledge->reanchor(args.id, args.uri, *text, args.startLine + 1, args.endLine + 1);
    api_->addEvent(id, store::EventType::Reanchor, std::move(payload));
    return {{"id", id}};
  }

  json createThread(const NewThreadArguments& a, bool question) {
    Knowledge* knowledge = api_->knowledge();
    auto text = api_->documentText(a.uri);
    if (!knowledge || !text) throw std::runtime_error("document is not open: " + a.uri);
    if (!question && !a.to.empty()) throw DecodeError("params.arguments[0].to: only a question has recipients");
    if (!question && a.sendAt) throw DecodeError("params.arguments[0].sendAt: only a question is sent later");
    std::optional<int64_t> sendAt;
    if (a.sendAt) {
      if (a.isPrivate) throw DecodeError("params.arguments[0].sendAt: a private question is never sent");
      const int64_t now = store::nowMillis();
      try {
        sendAt = store::parseTime(*a.sendAt, now);
      } catch (const store::StoreError& e) {
        throw DecodeError(std::string("params.arguments[0].sendAt: ") + e.what());
      }
      if (*sendAt <= now) throw DecodeError("params.arguments[0].sendAt: " + *a.sendAt + " is in the past");
    }
    store::Store::NewThread t;
    t.kind = question ? store::ThreadKind::Question : a.lesson ? store::ThreadKind::Lesson : store::ThreadKind::Note;
    t.body = a.body;
    t.isPrivate = a.isPrivate;
    t.assignees = a.to;
    t.anchor = knowledge->anchorIn(a.uri, *text, a.startLine + 1, a.endLine + 1);
    if (question) {
      // The answerer needs no back-and-forth: what was asked about, where.
      if (store::Store* s = api_->store()) t.context = s->questionContext(t.anchor);
    }
    if (sendAt) {  // kept private until then; the reminders extension sends it
      store::Store* s = api_->store();
      if (!s) throw std::runtime_error("no knowledge store: the workspace is not in a git repository");
      const auto q = store::scheduleQuestion(*s, t, *sendAt);
      return {{"id", q.id}, {"sendAt", store::formatTimestamp(q.sendAt)}};
    }
    std::string id = api_->createThread(t);
    return {{"id", id}};
  }

  // The question diagnostics shown per document (shown_), with the thread
  // each is about, so that edits move them (followEdits).
  struct Shown {
    std::string id;
    Diagnostic diagnostic;
  };

  // Open questions assigned to me, as Information diagnostics on their lines.
  void publishQuestions(const std::string& uri) {
    store::Store* s = api_->store();
    auto text = api_->documentText(uri);
    if (!s || !text) return;
    std::string me;
    try {
      me = s->identity().email;
    } catch (const std::exception&) {
      return;  // no identity: nobody is "me"
    }
    std::vector<Shown> shown;
    for (const auto& t : located(documentInfo(uri))) {
      if (t.kind != "question" || t.state != "open") continue;
      auto thread = s->index().get(t.id);
      if (!thread || std::find(thread->assignees.begin(), thread->assignees.end(), me) == thread->assignees.end())
        continue;
      Diagnostic d;
      d.range = wholeLines(t.location);
      d.severity = protocol::DiagnosticSeverity::Information;
      d.message = "Question for you from " + thread->author.name + ": " + firstLine(thread->body, 200);
      d.code = t.id.substr(0, 8);
      shown.push_back({t.id, std::move(d)});
    }
    publish(uri, std::move(shown));
  }

  // An edit moved lines: the questions shown follow their lines at once, as
  // the lenses do, without asking the store again (every keystroke comes
  // here; a document showing none costs one lookup).
  void followEdits(const std::string& uri) {
    auto it = shown_.find(uri);
    if (it == shown_.end()) return;
    std::vector<Shown> shown = it->second;
    bool moved = false;
    for (const auto& t : located(documentInfo(uri)))
      for (auto& q : shown)
        if (q.id == t.id && !(q.diagnostic.range == wholeLines(t.location))) {
          q.diagnostic.range = wholeLines(t.location);
          moved = true;
        }
    if (moved) publish(uri, std::move(shown));
  }

  void publish(const std::string& uri, std::vector<Shown> shown) {
    std::vector<Diagnostic> out;
    for (const auto& q : shown) out.push_back(q.diagnostic);
    if (shown.empty())
      shown_.erase(uri);
    else
      shown_[uri] = std::move(shown);
    api_->publishDiagnostics(uri, std::move(out));
  }

  DocumentInfo documentInfo(const std::string& uri) {
    return {uri, api_->knowledge() ? api_->knowledge()->pathOf(uri) : "", "", 0};
  }

  std::map<std::string, std::vector<Shown>> shown_;

  Manifest manifest_;
  HostApi* api_ = nullptr;
  documents::PositionEncoding encoding_ = documents::PositionEncoding::Utf16;
};

}  // namespace

std::unique_ptr<host::Extension> makeThreadsExtension() { return std::make_unique<Threads>(); }

}  // namespace tacit::extensions
