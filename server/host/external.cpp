#include "server/host/external.h"

#include <algorithm>

#include "server/host/process.h"
#include "server/log/log.h"
#include "server/store/event_log.h"
#include "server/rpc/connection.h"
#include "server/store/event.h"
#include "server/store/index.h"
#include "server/store/store.h"
#include "server/transport/event_loop.h"
#include "server/transport/transport.h"

#ifndef TACIT_VERSION
#define TACIT_VERSION "0.0.0"
#endif

namespace tacit::host {

using protocol::DecodeError;
using rpc::ErrorCode;

std::chrono::milliseconds RestartPolicy::backoff(int failures) const {
  auto delay = firstBackoff;
  for (int i = 1; i < failures && delay < maxBackoff; ++i) delay *= 2;
  return std::min(delay, maxBackoff);
}

std::string_view toString(ExternalExtension::State s) {
  switch (s) {
    case ExternalExtension::State::Idle: return "idle";
    case ExternalExtension::State::Starting: return "starting";
    case ExternalExtension::State::Running: return "running";
    case ExternalExtension::State::Backoff: return "waiting to restart";
    case ExternalExtension::State::GivenUp: return "given up";
    case ExternalExtension::State::Stopped: return "stopped";
  }
  return "?";
}

// One call into the extension: answered exactly once, by its response, its
// timeout, or the extension's failure.
struct ExternalExtension::Call {
  uint64_t seq = 0;
  std::string method;
  json params;
  Answer answer;
  std::optional<Scheduler::TimerId> timer;
  json id;  // the JSON-RPC id once sent

  void complete(std::optional<json> result, std::optional<rpc::Error> error) {
    if (!answer) return;
    auto a = std::move(answer);
    answer = nullptr;
    a(std::move(result), std::move(error));
  }
};

ExternalExtension::ExternalExtension(Options options, transport::EventLoop& loop, Scheduler& scheduler)
    : options_(std::move(options)), loop_(loop), scheduler_(scheduler) {}

ExternalExtension::~ExternalExtension() {
  shutdownDone_.reset();
  if (backoffTimer_) scheduler_.cancel(*backoffTimer_);
  teardown();
  for (auto& c : queued_) {
    if (c->timer) scheduler_.cancel(*c->timer);
    c->complete(std::nullopt, rpc::Error{ErrorCode::RequestFailed, "the host is stopping"});
  }
}

std::optional<int> ExternalExtension::pid() const {
  if (!process_ || state_ == State::Stopped) return std::nullopt;
  return process_->pid();
}

void ExternalExtension::activate(HostApi& api) {
  api_ = &api;
  if (state_ == State::Idle) start();
}

void ExternalExtension::start() {
  backoffTimer_.reset();
  exitSent_ = false;
  const uint64_t gen = ++generation_;
  state_ = State::Starting;
  ++starts_;
  const auto& m = options_.manifest;
  try {
    process_ = ChildProcess::spawn(m.command, m.folder);
  } catch (const std::exception& e) {
    fail(std::string("could not start: ") + e.what());
    return;
  }
  TACIT_LOG(Info) << "extension " << m.name << " (version " << m.version << ") started (pid " << process_->pid() << ")";
  transport_ = transport::makeFdTransport(loop_, process_->stdoutFd(), process_->stdinFd());
  connection_ = std::make_unique<rpc::Connection>(
      [t = std::weak_ptr<transport::Transport>(transport_)](std::string body) {
        if (auto transport = t.lock()) transport->send(std::move(body));
      },
      "extension " + m.name);
  bindHostApi();
  transport::TransportHandlers handlers;
  handlers.onMessage = [this, gen](std::string body) {
    if (gen == generation_) received(std::move(body));
  };
  handlers.onFrameError = [this, gen](const transport::FrameEvent& e) {
    if (gen == generation_) fail("wrote something on stdout that is not a framed JSON-RPC message (" + e.text + ")");
  };
  handlers.onClose = [this, gen](transport::CloseReason reason, const std::string& detail) {
    if (gen != generation_) return;
    switch (reason) {
      case transport::CloseReason::EndOfInput: return outputClosed(detail.empty() ? "" : " (" + detail + ")");
      case transport::CloseReason::ReadFailed: return fail("its stdout could not be read: " + detail);
      case transport::CloseReason::WriteFailed: return outputClosed(" (it stopped reading its stdin)");
      case transport::CloseReason::Closed: return;
    }
  };
  transport_->start(std::move(handlers));

  json params = {{"protocolVersion", 1},
                 {"host", {{"name", "tacit"}, {"version", TACIT_VERSION}}},
                 {"workspace", options_.workspace},
                 {"positionEncoding", options_.positionEncoding},
                 {"timeoutMs", options_.timeout.count()},
                 {"settings", options_.settings}};
  auto c = std::make_shared<Call>();
  c->seq = nextCall_++;
  c->method = "initialize";
  c->params = std::move(params);
  c->answer = [this, gen](std::optional<json> result, std::optional<rpc::Error> error) {
    if (gen == generation_) onInitialized(std::move(result), std::move(error));
  };
  send(c);
}

void ExternalExtension::onInitialized(std::optional<json> result, std::optional<rpc::Error> error) {
  if (error) return fail("did not initialize: " + error->message);
  (void)result;
  state_ = State::Running;
  runningSince_ = scheduler_.now();
  connection_->notify("initialized", json::object());
  TACIT_LOG(Debug) << "extension " << options_.manifest.name << " is running";
  while (!queuedEvents_.empty() && state_ == State::Running) {
    auto [name, params] = std::move(queuedEvents_.front());
    queuedEvents_.pop_front();
    connection_->notify(name, std::move(params));
  }
  while (!queued_.empty() && state_ == State::Running) {
    auto c = std::move(queued_.front());
    queued_.pop_front();
    if (c->answer) send(c);
  }
  if (state_ == State::Running && shutdownDone_) return shutdown(std::move(*shutdownDone_));
  // What it contributes may have been asked for while it was starting.
  const auto& k = options_.manifest.contributes;
  if (state_ == State::Running && api_ && (k.codeLens || k.inlayHints)) api_->refresh();
}

void ExternalExtension::send(const std::shared_ptr<Call>& c) {
  const uint64_t gen = generation_;
  inFlight_[c->seq] = c;
  std::weak_ptr<Call> weak = c;
  c->id = connection_->call(c->method, c->params, [this, gen, weak](std::optional<json> result, std::optional<rpc::Error> error) {
    auto call = weak.lock();
    if (!call) return;
    if (call->timer) scheduler_.cancel(*call->timer);
    call->timer.reset();
    if (gen == generation_) inFlight_.erase(call->seq);
    call->complete(std::move(result), std::move(error));
  });
  if (!c->answer) return;  // answered synchronously (the connection failed)
  c->timer = scheduler_.after(options_.timeout, [this, gen, weak] {
    auto call = weak.lock();
    if (!call || gen != generation_) return;
    call->timer.reset();
    const std::string why = "did not answer " + call->method + " within " + std::to_string(options_.timeout.count()) + " ms";
    connection_->cancelOutgoing(call->id, rpc::Error{ErrorCode::RequestCancelled, why});
    fail(why);
  });
}

void ExternalExtension::call(const std::string& method, json params, Answer answer) {
  auto c = std::make_shared<Call>();
  c->seq = nextCall_++;
  c->method = method;
  c->params = std::move(params);
  c->answer = std::move(answer);
  if (state_ == State::Running) return send(c);
  if (state_ == State::Starting) {
    // Bounded like any call: from now, not from when it is sent.
    std::weak_ptr<Call> weak = c;
    c->timer = scheduler_.after(options_.timeout, [this, weak] {
      auto call = weak.lock();
      if (!call || !call->answer) return;
      call->timer.reset();
      queued_.erase(std::remove(queued_.begin(), queued_.end(), call), queued_.end());
      call->complete(std::nullopt, rpc::Error{ErrorCode::RequestFailed, "extension " + options_.manifest.name + " is still starting"});
    });
    queued_.push_back(std::move(c));
    return;
  }
  c->complete(std::nullopt, rpc::Error{ErrorCode::RequestFailed,
                                       "extension " + options_.manifest.name + " is " + std::string(toString(state_))});
}

void ExternalExtension::received(std::string body) {
  // stdout belongs to the protocol: a body that is not a JSON-RPC object is
  // garbage, and the extension is treated as broken.
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("jsonrpc", "") != "2.0")
    return fail("wrote a message on stdout that is not JSON-RPC 2.0");
  connection_->receive(body);
}

void ExternalExtension::outputClosed(const std::string& detail) {
  // The usual way an extension dies: its stdout closes as it exits. Reap it
  // to say how (polling briefly on the loop); one that closed stdout but
  // lives on is killed.
  reapAfterClose(generation_, 0, detail);
}

void ExternalExtension::reapAfterClose(uint64_t gen, int attempt, const std::string& detail) {
  if (gen != generation_ || !process_) return;
  if (exitSent_) return awaitExit(gen, scheduler_.now() + options_.timeout);  // the expected end
  if (auto status = process_->exited()) return fail(*status + detail);
  if (attempt >= 50) return fail("closed its stdout" + detail);
  loop_.after(std::chrono::milliseconds(10), [this, alive = std::weak_ptr<char>(alive_), gen, attempt, detail] {
    if (!alive.expired()) reapAfterClose(gen, attempt + 1, detail);
  });
}

void ExternalExtension::awaitExit(uint64_t gen, Scheduler::Clock::time_point deadline) {
  if (gen != generation_ || !process_) return;
  if (process_->exited() || scheduler_.now() >= deadline) return finishShutdown();
  loop_.after(std::chrono::milliseconds(5), [this, alive = std::weak_ptr<char>(alive_), gen, deadline] {
    if (!alive.expired()) awaitExit(gen, deadline);
  });
}

void ExternalExtension::teardown() {
  ++generation_;
  for (auto& [id, timer] : timers_) scheduler_.cancel(timer);
  timers_.clear();
  if (process_) process_->kill();
  if (connection_) {
    connection_->failOutgoing({ErrorCode::RequestFailed, "extension " + options_.manifest.name + " stopped"});
    // Destroyed on the loop: we may be inside one of its callbacks.
    loop_.post([c = std::shared_ptr<rpc::Connection>(std::move(connection_))] {});
  }
  for (auto& [seq, c] : inFlight_) {
    if (c->timer) scheduler_.cancel(*c->timer);
    c->complete(std::nullopt, rpc::Error{ErrorCode::RequestFailed, "extension " + options_.manifest.name + " stopped"});
  }
  inFlight_.clear();
  // The transport's handlers may be on the loop's queue: drop it there,
  // before the pipes it reads (which the process owns).
  loop_.post([t = std::move(transport_), p = std::shared_ptr<ChildProcess>(std::move(process_))]() mutable {
    t.reset();
    p.reset();
  });
}

void ExternalExtension::fail(const std::string& reason) {
  if (state_ != State::Starting && state_ != State::Running) return;
  const auto& name = options_.manifest.name;
  if (state_ == State::Running && scheduler_.now() - runningSince_ >= options_.policy.healthyAfter) failures_ = 0;
  ++failures_;
  lastFailure_ = reason;
  teardown();
  queuedEvents_.clear();
  for (auto& c : queued_) {
    if (c->timer) scheduler_.cancel(*c->timer);
    c->complete(std::nullopt, rpc::Error{ErrorCode::RequestFailed, "extension " + name + " failed"});
  }
  queued_.clear();
  if (shutdownDone_) {
    TACIT_LOG(Warn) << "extension " << name << " " << reason << " while stopping";
    return finishShutdown();
  }
  if (failures_ >= options_.policy.giveUpAfter) {
    state_ = State::GivenUp;
    std::string message = "tacit: extension '" + name + "' failed " + std::to_string(failures_) +
                          " times in a row (last: " + reason + "); it is off until Tacit restarts";
    TACIT_LOG(Error) << message;
    if (api_) api_->showMessage(protocol::MessageType::Error, message);
    return;
  }
  state_ = State::Backoff;
  auto delay = options_.policy.backoff(failures_);
  TACIT_LOG(Warn) << "extension " << name << " " << reason << " (failure " << failures_ << " of "
                  << options_.policy.giveUpAfter << "); restarting in " << delay.count() << " ms";
  backoffTimer_ = scheduler_.after(delay, [this] { start(); });
}

void ExternalExtension::shutdown(Done<bool> done) {
  if (backoffTimer_) {
    scheduler_.cancel(*backoffTimer_);
    backoffTimer_.reset();
  }
  if (state_ == State::Starting) {
    shutdownDone_ = std::move(done);  // after the start, its queued events and calls
    return;
  }
  if (state_ != State::Running) {
    if (state_ != State::GivenUp) state_ = State::Stopped;
    return done(true);
  }
  shutdownDone_ = std::move(done);
  const uint64_t gen = generation_;
  call("shutdown", nullptr, [this, gen](std::optional<json>, std::optional<rpc::Error> error) {
    if (gen != generation_) return;
    if (error) TACIT_LOG(Warn) << "extension " << options_.manifest.name << " shutdown: " << error->message;
    connection_->notify("exit", nullptr);
    exitSent_ = true;
    // It should now exit; give it the same bound before killing it.
    awaitExit(gen, scheduler_.now() + options_.timeout);
  });
}

void ExternalExtension::finishShutdown() {
  if (process_ && !process_->exited())
    TACIT_LOG(Warn) << "extension " << options_.manifest.name << " did not exit after shutdown; killed";
  teardown();
  state_ = State::Stopped;
  TACIT_LOG(Debug) << "extension " << options_.manifest.name << " stopped";
  if (shutdownDone_) {
    auto done = std::move(*shutdownDone_);
    shutdownDone_.reset();
    done(true);
  }
}

void ExternalExtension::event(std::string_view name, const json& params) {
  if (state_ == State::Running) return connection_->notify(std::string(name), params);
  if (state_ == State::Starting) queuedEvents_.emplace_back(std::string(name), params);
  // Otherwise it is down: the event is not kept (docs/extensions.md).
}

template <typename T>
std::vector<T> ExternalExtension::decodeList(const std::optional<json>& result, const char* method) {
  std::vector<T> out;
  if (!result || result->is_null()) return out;
  if (!result->is_array()) {
    TACIT_LOG(Warn) << "extension " << options_.manifest.name << ": " << method << " answered "
                    << result->type_name() << ", not an array; ignored";
    return out;
  }
  for (size_t i = 0; i < result->size(); ++i) {
    T item{};
    try {
      fromJSON((*result)[i], item, std::string("result[") + std::to_string(i) + "]");
      out.push_back(std::move(item));
    } catch (const DecodeError& e) {
      TACIT_LOG(Warn) << "extension " << options_.manifest.name << ": " << method << ": " << e.what() << "; dropped";
    }
  }
  return out;
}

namespace {

void logError(const std::string& name, const char* method, const std::optional<rpc::Error>& error) {
  if (error) TACIT_LOG(Debug) << "extension " << name << ": " << method << ": " << error->message;
}

}  // namespace

template <typename T>
void ExternalExtension::callList(const char* method, json params, Done<std::vector<T>> done) {
  call(method, std::move(params), [this, method, done = std::move(done)](std::optional<json> r, std::optional<rpc::Error> e) {
    logError(options_.manifest.name, method, e);
    done(decodeList<T>(r, method));
  });
}

void ExternalExtension::codeLenses(const DocumentInfo& doc, Done<std::vector<protocol::CodeLens>> done) {
  callList<protocol::CodeLens>("textDocument/codeLens", {{"textDocument", doc.toJson()}}, std::move(done));
}

void ExternalExtension::hover(const DocumentInfo& doc, const protocol::Position& at,
                              Done<std::optional<protocol::Hover>> done) {
  call("textDocument/hover", {{"textDocument", doc.toJson()}, {"position", at}},
       [this, done = std::move(done)](std::optional<json> r, std::optional<rpc::Error> e) {
         logError(options_.manifest.name, "textDocument/hover", e);
         if (!r || r->is_null()) return done(std::nullopt);
         protocol::Hover h;
         try {
           fromJSON(*r, h, "result");
         } catch (const DecodeError& error) {
           TACIT_LOG(Warn) << "extension " << options_.manifest.name << ": textDocument/hover: " << error.what();
           return done(std::nullopt);
         }
         done(std::move(h));
       });
}

void ExternalExtension::inlayHints(const DocumentInfo& doc, const protocol::Range& range,
                                   Done<std::vector<protocol::InlayHint>> done) {
  callList<protocol::InlayHint>("textDocument/inlayHint", {{"textDocument", doc.toJson()}, {"range", range}}, std::move(done));
}

void ExternalExtension::codeActions(const DocumentInfo& doc, const protocol::Range& range,
                                    Done<std::vector<protocol::CodeAction>> done) {
  callList<protocol::CodeAction>("textDocument/codeAction", {{"textDocument", doc.toJson()}, {"range", range}}, std::move(done));
}

void ExternalExtension::workspaceSymbols(const std::string& query,
                                         Done<std::vector<protocol::SymbolInformation>> done) {
  callList<protocol::SymbolInformation>("workspace/symbol", {{"query", query}}, std::move(done));
}

void ExternalExtension::executeCommand(const std::string& command, const json& arguments, Done<CommandResult> done) {
  json params = {{"command", command}};
  if (arguments.is_array()) params["arguments"] = arguments;
  call("workspace/executeCommand", std::move(params),
       [done = std::move(done)](std::optional<json> r, std::optional<rpc::Error> e) {
         if (e) return done({nullptr, std::move(e)});
         done({r.value_or(nullptr), std::nullopt});
       });
}

}  // namespace tacit::host

namespace tacit::host {

namespace {

std::string requiredString(const json& params, const char* key) {
  auto it = params.find(key);
  if (it == params.end() || !it->is_string())
    throw protocol::DecodeError(std::string("params.") + key + ": expected a string");
  return it->get<std::string>();
}

}  // namespace

// What the extension may call: the host API over JSON-RPC
// (docs/extensions.md, "Requests and notifications the extension may send").
void ExternalExtension::bindHostApi() {
  auto& c = *connection_;
  const uint64_t gen = generation_;
  // A request from a process that has since been replaced is refused.
  auto live = [this, gen] { return gen == generation_ && api_; };
  auto guard = [live](auto fn) {
    return [live, fn](const json& params, rpc::RawReply reply) {
      if (!live()) return reply.error({ErrorCode::RequestFailed, "the extension was restarted"});
      try {
        if (!params.is_object() && !params.is_null()) throw protocol::DecodeError("params: expected an object");
        reply.result(fn(params.is_null() ? json::object() : params));
      } catch (const protocol::DecodeError& e) {
        reply.error({ErrorCode::InvalidParams, e.what()});
      } catch (const std::exception& e) {
        reply.error({ErrorCode::RequestFailed, e.what()});
      }
    };
  };
  c.onNotification<protocol::MessageParams>("window/showMessage", [this, live](const protocol::MessageParams& p) {
    if (live()) api_->showMessage(p.type, p.message);
  });
  c.onNotification<protocol::MessageParams>("window/logMessage", [this, live](const protocol::MessageParams& p) {
    if (live()) api_->logMessage(p.type, p.message);
  });
  c.onNotification<protocol::PublishDiagnosticsParams>(
      "tacit/publishDiagnostics", [this, live](const protocol::PublishDiagnosticsParams& p) {
        if (live()) api_->publishDiagnostics(p.uri, p.diagnostics);
      });
  c.onNotificationRaw("tacit/refresh", [this, live](const json&) {
    if (live()) api_->refresh();
  });
  c.onRequestRaw("tacit/setTimer", guard([this](const json& p) -> json {
    std::string id = requiredString(p, "id");
    auto delay = p.find("delayMs");
    if (delay == p.end() || !delay->is_number_unsigned() || delay->get<uint64_t>() > 7ull * 24 * 3600 * 1000)
      throw protocol::DecodeError("params.delayMs: expected milliseconds (at most a week)");
    auto repeat = p.find("repeat");
    bool repeating = repeat != p.end() && repeat->is_boolean() && repeat->get<bool>();
    std::chrono::milliseconds ms(delay->get<uint64_t>());
    if (repeating && ms.count() < 10)
      throw protocol::DecodeError("params.delayMs: a repeating timer needs at least 10 ms");
    if (timers_.size() >= 1000 && !timers_.count(id)) throw std::runtime_error("too many timers (1000)");
    if (auto old = timers_.find(id); old != timers_.end()) scheduler_.cancel(old->second);
    armTimer(id, ms, repeating);
    return nullptr;
  }));
  c.onRequestRaw("tacit/cancelTimer", guard([this](const json& p) -> json {
    std::string id = requiredString(p, "id");
    if (auto it = timers_.find(id); it != timers_.end()) {
      scheduler_.cancel(it->second);
      timers_.erase(it);
    }
    return nullptr;
  }));
  c.onRequestRaw("store/threads", guard([this](const json& p) -> json {
    store::Store* s = api_->store();
    if (!s) throw std::runtime_error("no knowledge store: the workspace is not in a git repository");
    s->refresh();
    store::ThreadFilter filter;
    if (p.contains("kind")) {
      auto kind = store::parseThreadKind(requiredString(p, "kind"));
      if (!kind) throw protocol::DecodeError("params.kind: expected note, lesson, question or walkthrough");
      filter.kind = kind;
    }
    if (p.contains("state")) {
      auto state = store::parseThreadState(requiredString(p, "state"));
      if (!state) throw protocol::DecodeError("params.state: expected open, answered or resolved");
      filter.state = state;
    }
    if (p.contains("assignee")) filter.assignee = requiredString(p, "assignee");
    std::optional<std::string> path;
    if (p.contains("path")) path = requiredString(p, "path");
    json out = json::array();
    for (const auto& t : s->index().list(filter)) {
      json j = api_->threadJson(t.id);
      // A walkthrough has no location (no lines of its own).
      if (path && (!j.contains("location") || j["location"].value("path", "") != *path)) continue;
      out.push_back(std::move(j));
    }
    return out;
  }));
  c.onRequestRaw("store/thread",
                 guard([this](const json& p) -> json { return api_->threadJson(requiredString(p, "id")); }));
  c.onRequestRaw("store/assign", guard([this](const json& p) -> json {
    std::string id = requiredString(p, "id");
    auto list = p.find("assignees");
    if (list == p.end() || !list->is_array())
      throw protocol::DecodeError("params.assignees: expected an array of emails");
    std::vector<std::string> assignees;
    for (const auto& a : *list) {
      if (!a.is_string()) throw protocol::DecodeError("params.assignees: expected an array of emails");
      assignees.push_back(a.get<std::string>());
    }
    std::string full = api_->addEvent(id, store::EventType::Assign, {{"assignees", assignees}});
    return api_->threadJson(full);
  }));
  c.onRequestRaw("store/reply", guard([this](const json& p) -> json {
    std::string id = requiredString(p, "id");
    std::string full = api_->addEvent(id, store::EventType::Reply, {{"body", requiredString(p, "body")}});
    return api_->threadJson(full);
  }));
}

void ExternalExtension::armTimer(const std::string& id, std::chrono::milliseconds delay, bool repeat) {
  timers_[id] = scheduler_.after(delay, [this, id, delay, repeat] {
    timers_.erase(id);
    if (state_ != State::Running) return;
    connection_->notify("timer/fired", {{"id", id}});
    if (repeat) armTimer(id, delay, repeat);
  });
}

}  // namespace tacit::host
