#include "server/lsp/lsp_server.h"

#include <algorithm>

#include "extensions/builtin/reminders.h"
#include "extensions/builtin/threads.h"
#include "extensions/builtin/walkthroughs.h"
#include "protocol/features.h"
#include "protocol/lsp.h"
#include "protocol/tacit.h"
#include "server/host/host.h"
#include "server/host/knowledge.h"
#include "server/host/scheduler.h"
#include "server/log/log.h"
#include "server/store/clock.h"
#include "server/store/event.h"
#include "server/store/inbox.h"
#include "server/store/locations.h"
#include "server/store/store.h"
#include "server/store/walkthroughs.h"
#include "server/store/write_rules.h"

#ifndef TACIT_VERSION
#define TACIT_VERSION "0.0.0"
#endif

namespace tacit::lsp {

using namespace tacit::protocol;
using documents::PositionEncoding;

namespace {

// What may be done to a thread of this kind in this state: what the store
// allows on its kind (store/write_rules.h), and of that what makes sense now.
std::vector<std::string> threadActions(const std::string& kind, const std::string& state) {
  const auto k = store::parseThreadKind(kind).value_or(store::ThreadKind::Note);
  auto allowed = [&](store::EventType type, const json& payload = json::object()) {
    return !store::refusal(k, type, payload);
  };
  std::vector<std::string> out;
  if (allowed(store::EventType::Reply)) out.push_back("tacit.reply");
  // "Seen — will answer" means nothing once answered.
  if (allowed(store::EventType::Answer) && state != "resolved") out.push_back("tacit.answer");
  if (allowed(store::EventType::Reaction, {{"reaction", "ack"}}) && state == "open") out.push_back("tacit.ack");
  if (allowed(store::EventType::State, {{"state", "resolved"}}))
    out.push_back(state == "resolved" ? "tacit.reopen" : "tacit.resolve");
  if (allowed(store::EventType::Reanchor)) out.push_back("tacit.moveThread");
  return out;
}

documents::ContentChange toContentChange(const TextDocumentContentChangeEvent& e) {
  documents::ContentChange change;
  change.text = e.text;
  if (e.range)
    change.range = documents::TextRange{{e.range->start.line, e.range->start.character},
                                        {e.range->end.line, e.range->end.character}};
  return change;
}

}  // namespace

PositionEncoding negotiatePositionEncoding(const std::vector<std::string>& offered) {
  auto has = [&](std::string_view name) {
    return std::find(offered.begin(), offered.end(), name) != offered.end();
  };
  if (has("utf-8")) return PositionEncoding::Utf8;
  if (offered.empty() || has("utf-16")) return PositionEncoding::Utf16;
  if (has("utf-32")) return PositionEncoding::Utf32;
  return PositionEncoding::Utf16;
}

// What the host says to the editor.
class LspServer::HostClient final : public host::Host::Client {
 public:
  explicit HostClient(LspServer& server) : server_(server) {}
  void showMessage(MessageType type, const std::string& message) override {
    server_.connection_.notify("window/showMessage", MessageParams{type, message});
  }
  void logMessage(MessageType type, const std::string& message) override {
    server_.connection_.notify("window/logMessage", MessageParams{type, message});
  }
  void publishDiagnostics(const std::string& uri, const std::vector<Diagnostic>& all) override {
    server_.connection_.notify("textDocument/publishDiagnostics", PublishDiagnosticsParams{uri, all});
  }
  void refresh() override {
    auto ignore = [](std::optional<json>, std::optional<rpc::Error>) {};
    if (server_.refreshCodeLens_) server_.connection_.call("workspace/codeLens/refresh", nullptr, ignore);
    if (server_.refreshInlayHints_) server_.connection_.call("workspace/inlayHint/refresh", nullptr, ignore);
  }
  void knowledgeChanged() override { server_.connection_.notify("tacit/didChange", json::object()); }
  void showMessageRequest(MessageType type, const std::string& message,
                          const std::vector<protocol::MessageActionItem>& actions,
                          std::function<void(std::optional<std::string>)> chosen) override {
    json items = json::array();
    for (const auto& a : actions) {
      json item = {{"title", a.title}};
      if (server_.actionItemProperties_) {
        if (!a.command.is_null()) item["command"] = a.command;
        if (!a.location.is_null()) item["location"] = a.location;
      }
      items.push_back(std::move(item));
    }
    json params = {{"type", static_cast<int>(type)}, {"message", message}, {"actions", items}};
    server_.connection_.call("window/showMessageRequest", params,
                             [chosen = std::move(chosen)](std::optional<json> result, std::optional<rpc::Error>) {
                               if (result && result->is_object() && result->contains("title") &&
                                   result->at("title").is_string())
                                 return chosen(result->at("title").get<std::string>());
                               chosen(std::nullopt);
                             });
  }
  void showDocument(const std::string& uri, const std::optional<Range>& selection,
                    std::function<void(bool)> shown) override {
    if (!server_.showDocument_) return shown(false);
    json params = {{"uri", uri}, {"takeFocus", true}};
    if (selection) params["selection"] = *selection;
    server_.connection_.call("window/showDocument", params,
                             [shown = std::move(shown)](std::optional<json> result, std::optional<rpc::Error>) {
                               shown(result && result->is_object() && result->value("success", false) == true);
                             });
  }

 private:
  LspServer& server_;
};

LspServer::LspServer(rpc::Connection::Send send, bool knowledge)
    : LspServer(std::move(send), ServerOptions{knowledge, nullptr, nullptr, ""}) {}

LspServer::LspServer(rpc::Connection::Send send, ServerOptions options)
    : connection_(std::move(send), "client"), options_(std::move(options)) {
  const bool knowledge = options_.knowledge;
  connection_.setGate([this](std::string_view method, bool isRequest) { return gate(method, isRequest); });

  // The binding table: one line per method.
  auto& c = connection_;
  c.onRequest<InitializeParams, InitializeResult>("initialize", [this](auto& p, auto r) { onInitialize(p, std::move(r)); });
  c.onNotification<NoParams>("initialized", [this](auto& p) { onInitialized(p); });
  c.onRequest<NoParams, NoParams>("shutdown", [this](auto& p, auto r) { onShutdown(p, std::move(r)); });
  c.onNotification<NoParams>("exit", [this](auto& p) { onExit(p); });
  c.onNotification<DidOpenTextDocumentParams>("textDocument/didOpen", [this](auto& p) { onDidOpen(p); });
  c.onNotification<DidChangeTextDocumentParams>("textDocument/didChange", [this](auto& p) { onDidChange(p); });
  c.onNotification<DidCloseTextDocumentParams>("textDocument/didClose", [this](auto& p) { onDidClose(p); });
  c.onNotification<DidSaveTextDocumentParams>("textDocument/didSave", [this](auto& p) { onDidSave(p); });
  c.onRequest<DocumentTextParams, DocumentTextResult>("tacit/documentText", [this](auto& p, auto r) { onDocumentText(p, std::move(r)); });
  if (!knowledge) return;
  c.onRequest<ThreadsParams, ThreadsResult>("tacit/threads", [this](auto& p, auto r) { onThreads(p, std::move(r)); });
  c.onRequest<InboxParams, json>("tacit/inbox", [this](auto& p, auto r) { onInbox(p, std::move(r)); });
  c.onRequest<SetClockParams, json>("tacit/test/setClock", [this](auto& p, auto r) { onSetClock(p, std::move(r)); });
  c.onRequest<ExecuteCommandParams, json>("workspace/executeCommand", [this](auto& p, auto r) { onExecuteCommand(p, std::move(r)); });
  c.onRequest<CodeLensParams, std::vector<CodeLens>>("textDocument/codeLens", [this](auto& p, auto r) { onCodeLens(p, std::move(r)); });
  c.onRequest<HoverParams, HoverResult>("textDocument/hover", [this](auto& p, auto r) { onHover(p, std::move(r)); });
  c.onRequest<RangeParams, std::vector<InlayHint>>("textDocument/inlayHint", [this](auto& p, auto r) { onInlayHint(p, std::move(r)); });
  c.onRequest<RangeParams, std::vector<CodeAction>>("textDocument/codeAction", [this](auto& p, auto r) { onCodeAction(p, std::move(r)); });
  c.onRequest<WorkspaceSymbolParams, std::vector<SymbolInformation>>("workspace/symbol", [this](auto& p, auto r) { onWorkspaceSymbol(p, std::move(r)); });
}

LspServer::~LspServer() = default;

std::optional<rpc::Error> LspServer::gate(std::string_view method, bool isRequest) const {
  switch (phase_) {
    case Phase::Uninitialized:
      if (method == "initialize" || method == "exit") return std::nullopt;
      return rpc::Error{ErrorCode::ServerNotInitialized,
                        isRequest ? "server not initialized: send initialize first"
                                  : "notification before initialize"};
    case Phase::Running:
      return std::nullopt;
    case Phase::ShutDown:
      if (method == "exit") return std::nullopt;
      return rpc::Error{ErrorCode::InvalidRequest, "server is shut down: only exit is accepted"};
  }
  return std::nullopt;
}

void LspServer::onInitialize(const InitializeParams& params, Reply<InitializeResult> reply) {
  if (phase_ != Phase::Uninitialized)
    return reply(rpc::Error{ErrorCode::InvalidRequest, "initialize may only be sent once"});
  encoding_ = negotiatePositionEncoding(params.positionEncodings);
  phase_ = Phase::Running;
  TACIT_LOG(Info) << "initialize from "
                  << (params.clientInfo ? params.clientInfo->name : std::string("an unnamed client"))
                  << "; position encoding " << documents::toString(encoding_);
  InitializeResult result;
  result.capabilities.positionEncoding = std::string(documents::toString(encoding_));
  if (options_.knowledge) {
    // The workspace's repository: the first folder, else rootUri, else rootPath.
    std::string root;
    if (params.workspaceFolders && !params.workspaceFolders->empty())
      root = host::pathFromUri(params.workspaceFolders->front().uri);
    else if (params.rootUri)
      root = host::pathFromUri(*params.rootUri);
    else if (params.rootPath)
      root = *params.rootPath;
    knowledge_ = std::make_unique<host::Knowledge>(root);
    auto flag = [&](const char* section, const char* key) {
      auto ws = params.capabilities.find("workspace");
      if (ws == params.capabilities.end() || !ws->is_object()) return false;
      auto s = ws->find(section);
      return s != ws->end() && s->is_object() && s->value(key, false) == true;
    };
    refreshCodeLens_ = flag("codeLens", "refreshSupport");
    refreshInlayHints_ = flag("inlayHint", "refreshSupport");
    if (auto w = params.capabilities.find("window"); w != params.capabilities.end() && w->is_object()) {
      auto sd = w->find("showDocument");
      showDocument_ = sd != w->end() && sd->is_object() && sd->value("support", false) == true;
      auto sm = w->find("showMessage");
      if (sm != w->end() && sm->is_object())
        if (auto item = sm->find("messageActionItem"); item != sm->end() && item->is_object())
          actionItemProperties_ = item->value("additionalPropertiesSupport", false) == true;
    }

    host::Host::Options o;
    if (store::Store* s = knowledge_->storeFor()) {
      root = s->workdir();
      if (root.size() > 1 && root.back() == '/') root.pop_back();
    }
    o.root = root;
    o.positionEncoding = std::string(documents::toString(encoding_));
    o.store = [this] { return knowledge_->storeFor(); };
    o.knowledge = knowledge_.get();
    o.documentText = [this](const std::string& uri) -> std::optional<std::string> {
      const auto* doc = documents_.get(uri);
      if (!doc) return std::nullopt;
      return doc->text();
    };
    if (!options_.scheduler) {
      ownScheduler_ = std::make_unique<host::ManualScheduler>();
      options_.scheduler = ownScheduler_.get();
    }
    o.scheduler = options_.scheduler;
    o.loop = options_.loop;
    o.external = options_.loop != nullptr;
    o.configPath = options_.configPath;
    hostClient_ = std::make_unique<HostClient>(*this);
    host_ = std::make_unique<host::Host>(std::move(o), *hostClient_);
    host_->add(extensions::makeThreadsExtension());
    host_->add(extensions::makeRemindersExtension());
    host_->add(extensions::makeWalkthroughsExtension());
    host_->start();
    if (options_.loop) host_->watchKnowledge(std::chrono::seconds(1));
    auto& caps = result.capabilities;
    caps.executeCommands = host_->commands();
    caps.codeLens = caps.hover = caps.inlayHint = caps.codeAction = caps.workspaceSymbol = true;
  }
  result.serverInfo = {"tacit", TACIT_VERSION};
  reply(result);
}

void LspServer::onInitialized(const NoParams&) { TACIT_LOG(Debug) << "client initialized"; }

void LspServer::onShutdown(const NoParams&, Reply<NoParams> reply) {
  phase_ = Phase::ShutDown;
  TACIT_LOG(Info) << "shutdown requested";
  if (!host_) return reply(NoParams{});
  // Extensions finish what they are doing first (each bounded by its timeout).
  auto shared = std::make_shared<Reply<NoParams>>(std::move(reply));
  host_->shutdown([shared](bool) { (*shared)(NoParams{}); });
}

void LspServer::onExit(const NoParams&) {
  TACIT_LOG(Info) << "exit (status " << exitCode() << ")";
  if (onExit_) onExit_();
}

void LspServer::onDidOpen(const DidOpenTextDocumentParams& p) {
  const auto& doc = p.textDocument;
  if (!documents_.open(doc.uri, doc.languageId, doc.version, doc.text))
    TACIT_LOG(Info) << "reopened " << doc.uri << " (replacing the open copy)";
  TACIT_LOG(Debug) << "opened " << doc.uri << " v" << doc.version;
  if (host_) {
    host_->checkHead();
    if (auto info = documentInfo(doc.uri)) host_->documentOpened(*info);
  }
}

void LspServer::onDidChange(const DidChangeTextDocumentParams& p) {
  std::vector<documents::ContentChange> changes;
  changes.reserve(p.contentChanges.size());
  for (const auto& e : p.contentChanges) changes.push_back(toContentChange(e));
  const auto* before = documents_.get(p.textDocument.uri);
  if (before && p.textDocument.version <= before->version())
    TACIT_LOG(Warn) << "didChange for " << p.textDocument.uri << " goes from version "
                    << before->version() << " to " << p.textDocument.version;
  auto outcome = documents_.change(p.textDocument.uri, p.textDocument.version, changes, encoding_);
  if (!outcome.found) {
    TACIT_LOG(Warn) << "didChange for a document that is not open: " << p.textDocument.uri;
    return;
  }
  if (knowledge_) {
    for (const auto& e : p.contentChanges) {
      if (!e.range) {
        knowledge_->replaced(p.textDocument.uri);
        continue;
      }
      const auto newLines = static_cast<uint32_t>(std::count(e.text.begin(), e.text.end(), '\n'));
      knowledge_->edited(p.textDocument.uri, {e.range->start.line, e.range->end.line, newLines});
    }
  }
  if (outcome.clamped)
    TACIT_LOG(Warn) << "didChange for " << p.textDocument.uri << ": " << outcome.clamped
                    << " position(s) out of range were clamped to the document";
  if (host_)
    if (auto info = documentInfo(p.textDocument.uri)) {
      json params = {{"textDocument", info->toJson()}};
      params["textDocument"]["version"] = info->version;
      host_->emit("document/changed", params);
    }
}

void LspServer::onDidClose(const DidCloseTextDocumentParams& p) {
  if (knowledge_) knowledge_->closed(p.textDocument.uri);
  if (!documents_.close(p.textDocument.uri))
    TACIT_LOG(Warn) << "didClose for a document that is not open: " << p.textDocument.uri;
}

void LspServer::onDidSave(const DidSaveTextDocumentParams& p) {
  if (!documents_.get(p.textDocument.uri))
    TACIT_LOG(Warn) << "didSave for a document that is not open: " << p.textDocument.uri;
  // Anchors are located again, lazily, on the next tacit/threads.
  if (knowledge_) knowledge_->saved(p.textDocument.uri);
  if (host_) {
    if (auto info = documentInfo(p.textDocument.uri)) host_->emit("document/saved", {{"textDocument", info->toJson()}});
    host_->checkHead();
  }
}

void LspServer::onDocumentText(const DocumentTextParams& p, Reply<DocumentTextResult> reply) {
  const auto* doc = documents_.get(p.textDocument.uri);
  if (!doc)
    return reply(rpc::Error{ErrorCode::RequestFailed, "document is not open: " + p.textDocument.uri});
  reply(DocumentTextResult{doc->uri(), doc->version(), doc->text(),
                           static_cast<uint32_t>(doc->lineCount())});
}

void LspServer::onThreads(const ThreadsParams& p, Reply<ThreadsResult> reply) {
  const auto* doc = documents_.get(p.textDocument.uri);
  if (!doc) return reply(rpc::Error{ErrorCode::RequestFailed, "document is not open: " + p.textDocument.uri});
  try {
    ThreadsResult result;
    const auto located = knowledge_->threadsIn(doc->uri(), doc->text());
    store::Store* s = located.empty() ? nullptr : knowledge_->storeFor(doc->uri());
    for (const auto& t : located) {
      // Whole lines: from the start of the first to the start of the next.
      Range range{{t.location.startLine - 1, 0}, {t.location.endLine, 0}};
      LocatedThread out;
      out.id = t.id;
      out.kind = t.kind;
      out.state = t.state;
      out.title = t.title;
      out.range = range;
      out.status = std::string(anchor::toString(t.location.status));
      out.confidence = t.location.confidence;
      out.actions = threadActions(t.kind, t.state);
      if (auto thread = s ? s->index().get(t.id) : std::nullopt) {
        out.authorName = thread->author.name;
        out.authorEmail = thread->author.email;
        out.assignees = thread->assignees;
        out.replies = static_cast<uint32_t>(thread->replies.size());
        const bool replied = !thread->replies.empty();
        out.latestAuthor = replied ? thread->replies.back().author.name : thread->author.name;
        out.latest = store::firstLineOf(replied ? thread->replies.back().body : thread->body);
        out.updatedAt = store::formatTimestamp(thread->updatedAt);
        if (p.full) out.thread = store::locatedJson(*thread, t.location);
      }
      result.threads.push_back(std::move(out));
    }
    reply(result);
  } catch (const std::exception& e) {
    reply(rpc::Error{ErrorCode::RequestFailed, e.what()});
  }
}

std::optional<host::DocumentInfo> LspServer::documentInfo(const std::string& uri) {
  const auto* doc = documents_.get(uri);
  if (!doc) return std::nullopt;
  host::DocumentInfo info;
  info.uri = uri;
  info.path = knowledge_ ? knowledge_->pathOf(uri) : "";
  info.languageId = doc->languageId();
  info.version = doc->version();
  return info;
}

void LspServer::onInbox(const InboxParams& p, Reply<json> reply) {
  try {
    store::Store* s = knowledge_->storeFor();
    if (!s) return reply(rpc::Error{ErrorCode::RequestFailed, "no knowledge store: the workspace is not in a git repository"});
    const int64_t since = store::sinceNow(store::parseDuration(p.since));
    s->refresh();
    reply(store::inboxJson(*s, store::inbox(*s, s->identity().email, since)));
  } catch (const std::exception& e) {
    reply(rpc::Error{ErrorCode::RequestFailed, e.what()});
  }
}

void LspServer::onSetClock(const SetClockParams& p, Reply<json> reply) {
  if (!store::clockIsInjected())
    return reply(rpc::Error{ErrorCode::MethodNotFound, "tacit/test/setClock: only when the server runs with TACIT_NOW"});
  const auto at = store::parseTimestamp(p.now);
  if (!at) return reply(rpc::Error{ErrorCode::InvalidParams, "params.now: expected an RFC 3339 time, got \"" + p.now + "\""});
  store::setNow(*at);
  TACIT_LOG(Info) << "the clock is now " << store::formatTimestamp(*at);
  if (host_) host_->emit("time/moved", {{"now", store::formatTimestamp(*at)}});
  reply(json{{"now", store::formatTimestamp(*at)}});
}

void LspServer::onExecuteCommand(const ExecuteCommandParams& p, Reply<json> reply) {
  auto shared = std::make_shared<Reply<json>>(std::move(reply));
  host_->executeCommand(p.command, p.arguments, [shared](host::CommandResult r) {
    if (r.error) return (*shared)(*r.error);
    (*shared)(r.value);
  });
}

namespace {

// A request about a document that is not open is an error the client can read.
rpc::Error notOpen(const std::string& uri) { return {ErrorCode::RequestFailed, "document is not open: " + uri}; }

template <typename R>
std::shared_ptr<rpc::Reply<R>> share(rpc::Reply<R> reply) {
  return std::make_shared<rpc::Reply<R>>(std::move(reply));
}

}  // namespace

void LspServer::onCodeLens(const CodeLensParams& p, Reply<std::vector<CodeLens>> reply) {
  auto doc = documentInfo(p.textDocument.uri);
  if (!doc) return reply(notOpen(p.textDocument.uri));
  host_->checkHead();
  host_->codeLenses(*doc, [r = share(std::move(reply))](std::vector<CodeLens> lenses) { (*r)(lenses); });
}

void LspServer::onHover(const HoverParams& p, Reply<HoverResult> reply) {
  auto doc = documentInfo(p.textDocument.uri);
  if (!doc) return reply(notOpen(p.textDocument.uri));
  host_->hover(*doc, p.position, [r = share(std::move(reply))](std::optional<Hover> h) { (*r)(HoverResult{std::move(h)}); });
}

void LspServer::onInlayHint(const RangeParams& p, Reply<std::vector<InlayHint>> reply) {
  auto doc = documentInfo(p.textDocument.uri);
  if (!doc) return reply(notOpen(p.textDocument.uri));
  host_->inlayHints(*doc, p.range, [r = share(std::move(reply))](std::vector<InlayHint> hints) { (*r)(hints); });
}

void LspServer::onCodeAction(const RangeParams& p, Reply<std::vector<CodeAction>> reply) {
  auto doc = documentInfo(p.textDocument.uri);
  if (!doc) return reply(notOpen(p.textDocument.uri));
  host_->codeActions(*doc, p.range, [r = share(std::move(reply))](std::vector<CodeAction> actions) { (*r)(actions); });
}

void LspServer::onWorkspaceSymbol(const WorkspaceSymbolParams& p, Reply<std::vector<SymbolInformation>> reply) {
  host_->workspaceSymbols(p.query, [r = share(std::move(reply))](std::vector<SymbolInformation> s) { (*r)(s); });
}

}  // namespace tacit::lsp
