// An external extension: an executable declared by a manifest, started with
// Boost.Process (process.h) and spoken to over JSON-RPC through the same
// rpc::Connection and transport as the editor. It is an Extension like any
// other; the host does not know the difference.
//
// Supervision (docs/extensions.md, "Supervision"): every call is bounded by
// a timeout; a crash, a hang or anything on stdout that is not a framed
// JSON-RPC message is a failure: the process is killed, calls in flight
// complete without it, and it is restarted with exponential backoff until
// `giveUpAfter` failures in a row, when the user is told once.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "server/host/extension.h"
#include "server/host/scheduler.h"

namespace tacit::transport {
class EventLoop;
class Transport;
}  // namespace tacit::transport
namespace tacit::rpc {
class Connection;
}

namespace tacit::host {

class ChildProcess;

struct RestartPolicy {
  std::chrono::milliseconds firstBackoff{1000};
  std::chrono::milliseconds maxBackoff{30000};
  // A run this long without failing resets the count of failures in a row.
  std::chrono::milliseconds healthyAfter{60000};
  int giveUpAfter = 5;
  // The delay before starting again after the `failures`-th failure in a row.
  std::chrono::milliseconds backoff(int failures) const;
};

class ExternalExtension final : public Extension {
 public:
  struct Options {
    Manifest manifest;
    json settings = json::object();
    json workspace = json::object();  // {root, remoteUrl}
    std::string positionEncoding = "utf-16";
    std::chrono::milliseconds timeout{2000};
    RestartPolicy policy;
  };
  ExternalExtension(Options options, transport::EventLoop& loop, Scheduler& scheduler);
  ~ExternalExtension() override;

  enum class State { Idle, Starting, Running, Backoff, GivenUp, Stopped };
  State state() const { return state_; }
  int failures() const { return failures_; }       // in a row
  int starts() const { return starts_; }           // processes started so far
  std::optional<int> pid() const;                  // of the running process
  const std::string& lastFailure() const { return lastFailure_; }
  size_t callsInFlight() const { return inFlight_.size() + queued_.size(); }

  const Manifest& manifest() const override { return options_.manifest; }
  void activate(HostApi& api) override;
  bool available() const override { return state_ == State::Running || state_ == State::Starting; }

  void codeLenses(const DocumentInfo&, Done<std::vector<protocol::CodeLens>> done) override;
  void hover(const DocumentInfo&, const protocol::Position&, Done<std::optional<protocol::Hover>> done) override;
  void inlayHints(const DocumentInfo&, const protocol::Range&, Done<std::vector<protocol::InlayHint>> done) override;
  void codeActions(const DocumentInfo&, const protocol::Range&, Done<std::vector<protocol::CodeAction>> done) override;
  void workspaceSymbols(const std::string& query, Done<std::vector<protocol::SymbolInformation>> done) override;
  void executeCommand(const std::string& command, const json& arguments, Done<CommandResult> done) override;
  void event(std::string_view name, const json& params) override;
  void shutdown(Done<bool> done) override;

 private:
  using Answer = std::function<void(std::optional<json> result, std::optional<rpc::Error> error)>;
  struct Call;

  void start();
  void bindHostApi();
  void armTimer(const std::string& id, std::chrono::milliseconds delay, bool repeat);
  // Sends now (running), queues (starting) or answers "unavailable".
  void call(const std::string& method, json params, Answer answer);
  void send(const std::shared_ptr<Call>& c);
  void onInitialized(std::optional<json> result, std::optional<rpc::Error> error);
  void received(std::string body);
  void outputClosed(const std::string& detail);
  void reapAfterClose(uint64_t gen, int attempt, const std::string& detail);
  void awaitExit(uint64_t gen, Scheduler::Clock::time_point deadline);
  void fail(const std::string& reason);
  void teardown();
  void finishShutdown();
  // Decodes a list result, dropping (and logging) what does not decode.
  template <typename T>
  void callList(const char* method, json params, Done<std::vector<T>> done);
  template <typename T>
  std::vector<T> decodeList(const std::optional<json>& result, const char* method);

  Options options_;
  transport::EventLoop& loop_;
  Scheduler& scheduler_;
  HostApi* api_ = nullptr;

  State state_ = State::Idle;
  uint64_t generation_ = 0;  // one per process; stale callbacks compare it
  int failures_ = 0, starts_ = 0;
  std::string lastFailure_;
  Scheduler::Clock::time_point runningSince_{};
  std::optional<Scheduler::TimerId> backoffTimer_;

  std::unique_ptr<ChildProcess> process_;
  std::shared_ptr<transport::Transport> transport_;
  std::unique_ptr<rpc::Connection> connection_;

  std::deque<std::shared_ptr<Call>> queued_;          // waiting for the start to finish
  std::map<uint64_t, std::shared_ptr<Call>> inFlight_;  // sent, by local sequence
  uint64_t nextCall_ = 1;
  std::deque<std::pair<std::string, json>> queuedEvents_;
  std::map<std::string, Scheduler::TimerId> timers_;  // tacit/setTimer, by the extension's id
  std::optional<Done<bool>> shutdownDone_;
  bool exitSent_ = false;  // after shutdown: its end is expected, not a failure
  std::shared_ptr<char> alive_ = std::make_shared<char>();  // for loop callbacks
};

std::string_view toString(ExternalExtension::State);

}  // namespace tacit::host
