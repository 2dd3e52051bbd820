#include "server/lsp/lsp_server.h"

#include <algorithm>

#include "protocol/lsp.h"
#include "protocol/tacit.h"
#include "server/log/log.h"
#include "server/lsp/knowledge.h"

#ifndef TACIT_VERSION
#define TACIT_VERSION "0.0.0"
#endif

namespace tacit::lsp {

using namespace tacit::protocol;
using documents::PositionEncoding;

namespace {

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

LspServer::LspServer(rpc::Connection::Send send, bool knowledge)
    : connection_(std::move(send), "client"), knowledgeEnabled_(knowledge) {
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
  c.onRequest<ExecuteCommandParams, json>("workspace/executeCommand", [this](auto& p, auto r) { onExecuteCommand(p, std::move(r)); });
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
  if (knowledgeEnabled_) {
    // The workspace's repository: the first folder, else rootUri, else rootPath.
    std::string root;
    if (params.workspaceFolders && !params.workspaceFolders->empty())
      root = pathFromUri(params.workspaceFolders->front().uri);
    else if (params.rootUri)
      root = pathFromUri(*params.rootUri);
    else if (params.rootPath)
      root = *params.rootPath;
    knowledge_ = std::make_unique<Knowledge>(root);
  }
  InitializeResult result;
  result.capabilities.positionEncoding = std::string(documents::toString(encoding_));
  if (knowledgeEnabled_) result.capabilities.executeCommands = {"tacit.moveThread"};
  result.serverInfo = {"tacit", TACIT_VERSION};
  reply(result);
}

void LspServer::onInitialized(const NoParams&) { TACIT_LOG(Debug) << "client initialized"; }

void LspServer::onShutdown(const NoParams&, Reply<NoParams> reply) {
  phase_ = Phase::ShutDown;
  TACIT_LOG(Info) << "shutdown requested";
  reply(NoParams{});
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
    for (const auto& t : knowledge_->threadsIn(doc->uri(), doc->text())) {
      // Whole lines: from the start of the first to the start of the next.
      Range range{{t.location.startLine - 1, 0}, {t.location.endLine, 0}};
      result.threads.push_back({t.id, t.kind, t.state, t.title, range,
                                std::string(anchor::toString(t.location.status)), t.location.confidence});
    }
    reply(result);
  } catch (const std::exception& e) {
    reply(rpc::Error{ErrorCode::RequestFailed, e.what()});
  }
}

void LspServer::onExecuteCommand(const ExecuteCommandParams& p, Reply<json> reply) {
  if (p.command != "tacit.moveThread")
    return reply(rpc::Error{ErrorCode::InvalidParams, "unknown command: " + p.command});
  MoveThreadArguments args;
  try {
    if (p.arguments.size() != 1) throw DecodeError("params.arguments: expected one object");
    fromJSON(p.arguments[0], args, "params.arguments[0]");
  } catch (const DecodeError& e) {
    return reply(rpc::Error{ErrorCode::InvalidParams, e.what()});
  }
  const auto* doc = documents_.get(args.uri);
  if (!doc) return reply(rpc::Error{ErrorCode::RequestFailed, "document is not open: " + args.uri});
  try {
    std::string id = knowledge_->move(args.id, args.uri, doc->text(), args.startLine + 1, args.endLine + 1);
    reply(json{{"id", id}});
  } catch (const std::exception& e) {
    reply(rpc::Error{ErrorCode::RequestFailed, e.what()});
  }
}

}  // namespace tacit::lsp
