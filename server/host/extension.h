// The one extension API (docs/extensions.md). Every knowledge feature is an
// Extension: built-in ones are C++ classes registered with the Host, external
// ones are executables proxied by ExternalExtension over JSON-RPC. Both
// answer the same calls, and both read and write knowledge only through the
// HostApi they are given. Everything runs on the event loop's thread; every
// callback is called exactly once.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/features.h"
#include "server/rpc/error.h"
#include "server/store/event.h"
#include "server/store/store.h"

namespace tacit::store {
class Store;
}  // namespace tacit::store

namespace tacit::host {

using json = nlohmann::json;
template <typename T>
using Done = std::function<void(T)>;

class Scheduler;
class Knowledge;

// What an extension contributes, from its manifest (or its C++ class).
struct Contributions {
  struct CommandInfo {
    std::string command, title;
  };
  std::vector<CommandInfo> commands;
  std::vector<std::string> events;  // event names it is sent (kEventNames)
  bool codeLens = false, hover = false, inlayHints = false, codeActions = false, workspaceSymbols = false;
};

struct Manifest {
  std::string name, version;
  int protocolVersion = 1;
  std::vector<std::string> command;           // argv; external extensions only
  std::vector<std::string> activationEvents;  // "*", onLanguage:ID, onCommand:ID, onEvent:NAME
  Contributions contributes;
  std::string folder;  // the manifest's folder (external) or "" (built-in)
  std::string origin;  // "built-in", "user configuration" or "workspace"
};

// Events an extension may subscribe to, as named on the wire.
inline constexpr std::string_view kEventNames[] = {
    "document/opened", "document/changed", "document/saved", "thread/created",
    "thread/changed",  "reminder/due",     "head/moved",     "sync/finished",
    "knowledge/changed"};

// A document as extensions see it: its URI and, inside the repository, its
// path relative to the repository's root ("" outside).
struct DocumentInfo {
  std::string uri, path, languageId;
  int64_t version = 0;
  json toJson() const;  // {uri, path}
};

// The answer to a command: a JSON value or an error.
struct CommandResult {
  json value;
  std::optional<rpc::Error> error;
};

// What an extension may do: read and write knowledge through the store's
// API, talk to the user, publish diagnostics, set timers. One per extension
// (so diagnostics and messages are attributed to it).
class HostApi {
 public:
  virtual ~HostApi() = default;
  virtual const std::string& extensionName() const = 0;

  // The workspace's store for reading (index().list/get/search); nullptr
  // outside a repository. Write only through the calls below, which tell the
  // other extensions (thread/created, thread/changed).
  virtual store::Store* store() = 0;
  // The threads located in open documents and kept current through their
  // edits; nullptr when the host serves no editor (the command line).
  virtual Knowledge* knowledge() = 0;
  // The text of an open document as the editor has it; nullopt when not open.
  virtual std::optional<std::string> documentText(const std::string& uri) = 0;
  // A thread as `tacit show --json` prints it (docs/cli.md). Throws
  // store::StoreError for an unknown id.
  virtual json threadJson(const std::string& id) = 0;
  // Appends one event to a thread (assign, reply, answer, state, reaction,
  // ...); returns the thread's full id. Throws store::StoreError.
  virtual std::string addEvent(const std::string& threadId, store::EventType type, json payload) = 0;
  // Creates a thread (one event, one commit); returns its id. Throws
  // store::StoreError.
  virtual std::string createThread(const store::Store::NewThread& thread) = 0;
  // Several events in one commit (store::Store::write): `created` first when
  // given, then `events`; nothing is written when one is refused. Returns
  // the event ids in order. Throws store::StoreError.
  virtual std::vector<std::string> write(const std::optional<store::Store::NewThread>& created,
                                         const std::vector<store::Store::Append>& events) = 0;
  // The position encoding the editor negotiated ("utf-16", "utf-8", "utf-32").
  virtual const std::string& positionEncoding() const = 0;

  virtual void showMessage(protocol::MessageType type, const std::string& message) = 0;
  virtual void logMessage(protocol::MessageType type, const std::string& message) = 0;
  // Asks the user to pick one of `actions`; `chosen` gets its title, or
  // nullopt when dismissed or the editor cannot ask.
  virtual void showMessageRequest(protocol::MessageType type, const std::string& message,
                                  const std::vector<protocol::MessageActionItem>& actions, Done<std::optional<std::string>> chosen) = 0;
  // Opens `uri` in the editor with `selection` selected (window/showDocument);
  // `shown` is false when the editor did not.
  virtual void showDocument(const std::string& uri, const std::optional<protocol::Range>& selection,
                            Done<bool> shown) = 0;
  // Replaces this extension's diagnostics for `uri`.
  virtual void publishDiagnostics(const std::string& uri, std::vector<protocol::Diagnostic> diagnostics) = 0;
  // Asks the editor to fetch lenses and inlay hints again.
  virtual void refresh() = 0;
  virtual Scheduler& scheduler() = 0;
  // Tells the other extensions of something this one noticed (an event of
  // kEventNames, such as reminder/due), as the host's own events are sent.
  virtual void emit(std::string_view event, const json& params) = 0;
};

class Extension {
 public:
  virtual ~Extension() = default;
  virtual const Manifest& manifest() const = 0;

  // Called once the host decides to run it (an activation event); `api`
  // outlives the extension.
  virtual void activate(HostApi& api) = 0;
  // Is it ready to answer? External extensions are not while starting,
  // waiting to restart or given up; the host then leaves them out.
  virtual bool available() const { return true; }

  // Contributions; defaults contribute nothing.
  virtual void codeLenses(const DocumentInfo&, Done<std::vector<protocol::CodeLens>> done) { done({}); }
  virtual void hover(const DocumentInfo&, const protocol::Position&, Done<std::optional<protocol::Hover>> done) {
    done(std::nullopt);
  }
  virtual void inlayHints(const DocumentInfo&, const protocol::Range&, Done<std::vector<protocol::InlayHint>> done) {
    done({});
  }
  virtual void codeActions(const DocumentInfo&, const protocol::Range&,
                           Done<std::vector<protocol::CodeAction>> done) {
    done({});
  }
  virtual void workspaceSymbols(const std::string& query, Done<std::vector<protocol::SymbolInformation>> done) {
    (void)query;
    done({});
  }
  virtual void executeCommand(const std::string& command, const json& arguments, Done<CommandResult> done) {
    (void)arguments;
    done({nullptr, rpc::Error{rpc::ErrorCode::InvalidParams, "unknown command: " + command}});
  }
  // An event it subscribed to (contributes.events), with its params as on
  // the wire (docs/extensions.md).
  virtual void event(std::string_view name, const json& params) {
    (void)name;
    (void)params;
  }
  // Finish what is in flight; `done` when it may be destroyed.
  virtual void shutdown(Done<bool> done) { done(true); }
};

}  // namespace tacit::host
