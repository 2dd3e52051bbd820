// The plugin host: holds the extensions (built-in C++ classes and external
// executables, see external.h), starts them on their activation events,
// fans editor requests out to every extension that contributes and merges
// the answers, routes commands to their owner, delivers events to
// subscribers, and gives each extension its HostApi. It knows nothing of LSP
// framing: server/lsp turns requests into calls here and the answers into
// LSP. One thread (the event loop's).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "server/host/config.h"
#include "server/host/extension.h"
#include "server/host/external.h"
#include "server/host/scheduler.h"

namespace tacit::transport {
class EventLoop;
}

namespace tacit::host {

class Host {
 public:
  // What the host needs from the editor side.
  class Client {
   public:
    virtual ~Client() = default;
    virtual void showMessage(protocol::MessageType type, const std::string& message) = 0;
    virtual void logMessage(protocol::MessageType type, const std::string& message) { (void)type, (void)message; }
    // The merged diagnostics of every extension for `uri`.
    virtual void publishDiagnostics(const std::string& uri, const std::vector<protocol::Diagnostic>& all) = 0;
    virtual void refresh() = 0;
    // window/showMessageRequest: `chosen` gets the action's title, or nullopt
    // when dismissed (or the editor cannot ask).
    virtual void showMessageRequest(protocol::MessageType type, const std::string& message,
                                    const std::vector<protocol::MessageActionItem>& actions,
                                    std::function<void(std::optional<std::string>)> chosen) {
      (void)type, (void)message, (void)actions;
      chosen(std::nullopt);
    }
    // window/showDocument with the range selected; `shown` is false when the
    // editor could not (or cannot) show it.
    virtual void showDocument(const std::string& uri, const std::optional<protocol::Range>& selection,
                              std::function<void(bool)> shown) {
      (void)uri, (void)selection;
      shown(false);
    }
    // The knowledge changed underneath (another process, a sync): for shims.
    virtual void knowledgeChanged() {}
  };

  struct Options {
    std::string root;  // the workspace's root ("" when unknown: no workspace extensions)
    std::string positionEncoding = "utf-16";
    // The workspace's store, opened lazily; may return nullptr (no repository).
    std::function<store::Store*()> store;
    Knowledge* knowledge = nullptr;  // the editor's open documents (none on the command line)
    std::function<std::optional<std::string>(const std::string& uri)> documentText;
    Scheduler* scheduler = nullptr;        // required
    transport::EventLoop* loop = nullptr;  // required for external extensions
    bool external = true;                  // load external extensions from configuration
    std::string configPath;                // default: userConfigPath()
    RestartPolicy policy;
  };

  Host(Options options, Client& client);
  ~Host();
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  // Registers a built-in extension (before start()).
  void add(std::unique_ptr<Extension> extension);
  // Reads the configuration, adds the external extensions it allows (an
  // untrusted workspace's declarations get one message, nothing starts) and
  // activates every extension whose activation events include "*".
  void start();

  const Discovery& discovery() const { return discovery_; }
  const UserConfig& config() const { return config_; }
  std::vector<Extension*> extensions() const;
  Extension* find(const std::string& name) const;
  // Every command id, for executeCommandProvider.
  std::vector<std::string> commands() const;

  // Editor requests, merged over the extensions that contribute them and are
  // available; each external part is bounded by the timeout.
  void codeLenses(const DocumentInfo& doc, Done<std::vector<protocol::CodeLens>> done);
  void hover(const DocumentInfo& doc, const protocol::Position& at, Done<std::optional<protocol::Hover>> done);
  void inlayHints(const DocumentInfo& doc, const protocol::Range& range, Done<std::vector<protocol::InlayHint>> done);
  void codeActions(const DocumentInfo& doc, const protocol::Range& range, Done<std::vector<protocol::CodeAction>> done);
  void workspaceSymbols(const std::string& query, Done<std::vector<protocol::SymbolInformation>> done);
  void executeCommand(const std::string& command, const json& arguments, Done<CommandResult> done);

  // Events: activates the extensions waiting for it, then tells subscribers.
  void documentOpened(const DocumentInfo& doc);
  void emit(std::string_view event, const json& params);
  // thread/created and thread/changed for a change made in this clone.
  void threadCreated(const std::string& id);
  void threadChanged(const std::string& id, const std::string& eventId, store::EventType type, const json& payload);

  // Sends head/moved when HEAD is not where it was last seen (the first
  // look counts, with `from` null). Cheap: one ref read.
  void checkHead();

  // Watches the knowledge refs (every `interval`, on the scheduler): a write
  // by another process or a sync makes open documents be located again,
  // the editor refresh (lenses, hints, `tacit/didChange`) and extensions get
  // knowledge/changed. Only with an editor (options.knowledge).
  void watchKnowledge(Scheduler::Clock::duration interval);

  // Asks every running extension to shut down (bounded), then `done`.
  void shutdown(Done<bool> done);

  // For HostApi implementations.
  store::Store* store();
  Knowledge* knowledge() { return options_.knowledge; }
  std::optional<std::string> documentText(const std::string& uri) {
    return options_.documentText ? options_.documentText(uri) : std::nullopt;
  }
  json threadJson(const std::string& id);
  void publishDiagnostics(const std::string& extension, const std::string& uri, std::vector<protocol::Diagnostic> d);
  Client& client() { return client_; }
  const std::string& positionEncoding() const { return options_.positionEncoding; }
  Scheduler& scheduler() { return *options_.scheduler; }

 private:
  class Api;
  struct Entry {
    std::unique_ptr<Extension> extension;
    std::unique_ptr<Api> api;
    bool activated = false;
  };

  // A thread was written here: open documents are located again and the
  // editor is asked to fetch lenses and hints again.
  void knowledgeChanged();
  void activate(Entry& e);
  void activateOn(const std::string& trigger);
  std::vector<Entry*> contributing(bool Contributions::*flag);
  template <typename Item, typename Ask>
  void gather(bool Contributions::*flag, Ask ask, Done<std::vector<Item>> done);

  Options options_;
  Client& client_;
  UserConfig config_;
  Discovery discovery_;
  std::vector<Entry> entries_;
  // uri → extension → its diagnostics
  std::map<std::string, std::map<std::string, std::vector<protocol::Diagnostic>>> diagnostics_;
  bool started_ = false;
  std::optional<std::string> head_;  // HEAD when last checked
  store::Store::RefsSnapshot refs_;  // the knowledge refs when last checked
  std::optional<Scheduler::TimerId> watchTimer_;
};

}  // namespace tacit::host
