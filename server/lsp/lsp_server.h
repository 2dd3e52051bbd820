// The language server: LSP lifecycle, capabilities, open documents, and the
// one table binding LSP methods to handlers. Transport-agnostic: messages
// come in through connection().receive() and leave through the Send function.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "server/documents/document_store.h"
#include "server/documents/position_encoding.h"
#include "server/rpc/connection.h"

namespace tacit::protocol {
struct InitializeParams;
struct InitializeResult;
struct DidOpenTextDocumentParams;
struct DidChangeTextDocumentParams;
struct DidCloseTextDocumentParams;
struct DidSaveTextDocumentParams;
struct DocumentTextParams;
struct DocumentTextResult;
struct ExecuteCommandParams;
struct ThreadsParams;
struct ThreadsResult;
struct NoParams;
}  // namespace tacit::protocol

namespace tacit::lsp {

class Knowledge;

enum class Phase {
  Uninitialized,  // only `initialize` and `exit` are accepted
  Running,        // after `initialize`
  ShutDown,       // after `shutdown`: only `exit` is accepted
};

class LspServer {
 public:
  // `knowledge`: serve the knowledge store (tacit/threads, tacit.moveThread)
  // of the workspace's repository; off for the fuzzer, which must not write
  // into whatever repository it runs in.
  explicit LspServer(rpc::Connection::Send send, bool knowledge = true);
  ~LspServer();
  LspServer(const LspServer&) = delete;
  LspServer& operator=(const LspServer&) = delete;

  rpc::Connection& connection() { return connection_; }

  // Runs when the client sends `exit`; the owner flushes output and stops.
  void setExitHandler(std::function<void()> onExit) { onExit_ = std::move(onExit); }

  Phase phase() const { return phase_; }
  // LSP: 0 when `shutdown` came before the end, 1 otherwise.
  int exitCode() const { return phase_ == Phase::ShutDown ? 0 : 1; }

  const documents::DocumentStore& documents() const { return documents_; }
  documents::PositionEncoding positionEncoding() const { return encoding_; }

 private:
  using NoParams = protocol::NoParams;
  template <typename R>
  using Reply = rpc::Reply<R>;

  std::optional<rpc::Error> gate(std::string_view method, bool isRequest) const;

  void onInitialize(const protocol::InitializeParams&, Reply<protocol::InitializeResult>);
  void onInitialized(const NoParams&);
  void onShutdown(const NoParams&, Reply<NoParams>);
  void onExit(const NoParams&);
  void onDidOpen(const protocol::DidOpenTextDocumentParams&);
  void onDidChange(const protocol::DidChangeTextDocumentParams&);
  void onDidClose(const protocol::DidCloseTextDocumentParams&);
  void onDidSave(const protocol::DidSaveTextDocumentParams&);
  void onDocumentText(const protocol::DocumentTextParams&, Reply<protocol::DocumentTextResult>);
  void onThreads(const protocol::ThreadsParams&, Reply<protocol::ThreadsResult>);
  void onExecuteCommand(const protocol::ExecuteCommandParams&, Reply<nlohmann::json>);

  rpc::Connection connection_;
  Phase phase_ = Phase::Uninitialized;
  documents::PositionEncoding encoding_ = documents::PositionEncoding::Utf16;
  documents::DocumentStore documents_;
  std::function<void()> onExit_;
  bool knowledgeEnabled_;
  std::unique_ptr<Knowledge> knowledge_;  // after initialize
};

// Chooses the position encoding from the client's offer (LSP 3.17): UTF-8
// when offered (it is what the server stores), else UTF-16, which every
// client supports.
documents::PositionEncoding negotiatePositionEncoding(const std::vector<std::string>& offered);

}  // namespace tacit::lsp
