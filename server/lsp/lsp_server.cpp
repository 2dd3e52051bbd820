#include "server/lsp/lsp_server.h"

#include <algorithm>

#include "protocol/lsp.h"
#include "protocol/tacit.h"
#include "server/log/log.h"

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

LspServer::LspServer(rpc::Connection::Send send) : connection_(std::move(send), "client") {
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
}

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
  if (outcome.clamped)
    TACIT_LOG(Warn) << "didChange for " << p.textDocument.uri << ": " << outcome.clamped
                    << " position(s) out of range were clamped to the document";
}

void LspServer::onDidClose(const DidCloseTextDocumentParams& p) {
  if (!documents_.close(p.textDocument.uri))
    TACIT_LOG(Warn) << "didClose for a document that is not open: " << p.textDocument.uri;
}

void LspServer::onDidSave(const DidSaveTextDocumentParams& p) {
  if (!documents_.get(p.textDocument.uri))
    TACIT_LOG(Warn) << "didSave for a document that is not open: " << p.textDocument.uri;
  // Saved files matter to anchors (issue 4), which recompute lazily.
}

void LspServer::onDocumentText(const DocumentTextParams& p, Reply<DocumentTextResult> reply) {
  const auto* doc = documents_.get(p.textDocument.uri);
  if (!doc)
    return reply(rpc::Error{ErrorCode::RequestFailed, "document is not open: " + p.textDocument.uri});
  reply(DocumentTextResult{doc->uri(), doc->version(), doc->text(),
                           static_cast<uint32_t>(doc->lineCount())});
}

}  // namespace tacit::lsp
