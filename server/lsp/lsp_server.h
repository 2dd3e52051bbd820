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
struct SetClockParams;
struct InitializeResult;
struct DidOpenTextDocumentParams;
struct DidChangeTextDocumentParams;
struct DidCloseTextDocumentParams;
struct DidSaveTextDocumentParams;
struct DocumentTextParams;
struct DocumentTextResult;
struct ExecuteCommandParams;
struct CodeLensParams;
struct CodeLens;
struct HoverParams;
struct HoverResult;
struct RangeParams;
struct InlayHint;
struct CodeAction;
struct WorkspaceSymbolParams;
struct SymbolInformation;
struct ThreadsParams;
struct InboxParams;
struct ThreadsResult;
struct NoParams;
}  // namespace tacit::protocol

namespace tacit::host {
class Host;
class Knowledge;
class Scheduler;
struct DocumentInfo;
}  // namespace tacit::host
namespace tacit::transport {
class EventLoop;
}

namespace tacit::lsp {

enum class Phase {
  Uninitialized,  // only `initialize` and `exit` are accepted
  Running,        // after `initialize`
  ShutDown,       // after `shutdown`: only `exit` is accepted
};

struct ServerOptions {
  // Serve the knowledge store of the workspace's repository and the plugin
  // host (code lenses, hovers, ... from extensions); off for the fuzzer,
  // which must not write into whatever repository it runs in.
  bool knowledge = true;
  // The event loop and clock for external extensions and timers; without a
  // loop only built-in extensions run.
  transport::EventLoop* loop = nullptr;
  host::Scheduler* scheduler = nullptr;
  std::string configPath;  // the user configuration; default $XDG_CONFIG_HOME/tacit/config.json
};

class LspServer {
 public:
  explicit LspServer(rpc::Connection::Send send, bool knowledge = true);
  LspServer(rpc::Connection::Send send, ServerOptions options);
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
  void onInbox(const protocol::InboxParams&, Reply<nlohmann::json>);
  void onSetClock(const protocol::SetClockParams&, Reply<nlohmann::json>);
  void onExecuteCommand(const protocol::ExecuteCommandParams&, Reply<nlohmann::json>);
  void onCodeLens(const protocol::CodeLensParams&, Reply<std::vector<protocol::CodeLens>>);
  void onHover(const protocol::HoverParams&, Reply<protocol::HoverResult>);
  void onInlayHint(const protocol::RangeParams&, Reply<std::vector<protocol::InlayHint>>);
  void onCodeAction(const protocol::RangeParams&, Reply<std::vector<protocol::CodeAction>>);
  void onWorkspaceSymbol(const protocol::WorkspaceSymbolParams&, Reply<std::vector<protocol::SymbolInformation>>);
  // The document as extensions see it; nullopt when it is not open.
  std::optional<host::DocumentInfo> documentInfo(const std::string& uri);
  class HostClient;

  rpc::Connection connection_;
  Phase phase_ = Phase::Uninitialized;
  documents::PositionEncoding encoding_ = documents::PositionEncoding::Utf16;
  documents::DocumentStore documents_;
  std::function<void()> onExit_;
  ServerOptions options_;
  bool refreshCodeLens_ = false, refreshInlayHints_ = false;  // the client's refreshSupport
  bool showDocument_ = false;  // the client's window.showDocument.support
  // The client's window.showMessage.messageActionItem.additionalPropertiesSupport.
  bool actionItemProperties_ = false;
  std::unique_ptr<host::Scheduler> ownScheduler_;  // when none is given: a clock that never moves
  std::unique_ptr<host::Knowledge> knowledge_;     // after initialize
  std::unique_ptr<HostClient> hostClient_;
  std::unique_ptr<host::Host> host_;               // after initialize
};

// Chooses the position encoding from the client's offer (LSP 3.17): UTF-8
// when offered (it is what the server stores), else UTF-16, which every
// client supports.
documents::PositionEncoding negotiatePositionEncoding(const std::vector<std::string>& offered);

}  // namespace tacit::lsp
