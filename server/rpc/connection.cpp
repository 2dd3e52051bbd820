#include "server/rpc/connection.h"

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <unordered_map>

#include "server/log/log.h"

namespace tacit::rpc {
namespace detail {

using Clock = std::chrono::steady_clock;

struct PendingReply {
  std::weak_ptr<Core> core;
  json id;
  std::string key;  // id.dump(): "1" and 1 are different ids
  std::string method;
  Clock::time_point start = Clock::now();
  CancellationToken token;
  std::atomic<bool> answered{false};

  // True for the first answer only.
  bool claim() { return !answered.exchange(true); }
};

struct Core {
  Connection::Send send;
  std::string peer;
  Connection::Gate gate;
  std::map<std::string, Connection::RequestHandler, std::less<>> requests;
  std::map<std::string, Connection::NotificationHandler, std::less<>> notifications;

  mutable std::mutex mutex;
  std::unordered_map<std::string, std::weak_ptr<PendingReply>> incoming;
  std::unordered_map<std::string, Connection::ResponseHandler> outgoing;
  int64_t nextId = 1;

  void write(const json& message) {
    // Invalid UTF-8 cannot reach here from parsed input, but a handler could
    // build it; replace rather than throw.
    send(message.dump(-1, ' ', false, json::error_handler_t::replace));
  }

  void writeError(const json& id, const Error& e) {
    write({{"jsonrpc", "2.0"}, {"id", id},
           {"error", {{"code", static_cast<int>(e.code)}, {"message", e.message}}}});
  }

  // Sends the one answer to a request and forgets it.
  void answer(PendingReply& p, std::optional<json> result, std::optional<Error> error) {
    {
      std::lock_guard lock(mutex);
      incoming.erase(p.key);
    }
    if (log::enabled(log::Level::Debug)) {
      auto ms = std::chrono::duration<double, std::milli>(Clock::now() - p.start).count();
      TACIT_LOG(Debug) << peer << " <-- reply " << p.method << "(" << p.key << ") "
                       << (error ? "error " + std::to_string(static_cast<int>(error->code)) : "ok")
                       << " " << ms << " ms";
    }
    if (error)
      writeError(p.id, *error);
    else
      write({{"jsonrpc", "2.0"}, {"id", p.id}, {"result", std::move(*result)}});
  }
};

}  // namespace detail

using detail::Core;
using detail::PendingReply;

namespace {

std::string oneLine(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  return text;
}

// nlohmann's messages start with "[json.exception.parse_error.101] ".
std::string describeParseError(const std::exception& e) {
  std::string what = e.what();
  if (auto close = what.find("] "); what.rfind("[json.exception.", 0) == 0 && close != std::string::npos)
    what = what.substr(close + 2);
  return oneLine(what);
}

bool isValidId(const json& id) { return id.is_string() || id.is_number() || id.is_null(); }

}  // namespace

// --- RawReply ---------------------------------------------------------------

RawReply::RawReply(std::shared_ptr<PendingReply> p) : pending_(std::move(p)) {}
RawReply::RawReply(RawReply&&) noexcept = default;
RawReply& RawReply::operator=(RawReply&& other) noexcept {
  if (this != &other) {
    RawReply dying(std::move(*this));
    pending_ = std::move(other.pending_);
  }
  return *this;
}

RawReply::~RawReply() {
  if (!pending_ || !pending_->claim()) return;
  TACIT_LOG(Error) << "request " << pending_->method << "(" << pending_->key
                   << ") finished without a reply";
  if (auto core = pending_->core.lock())
    core->answer(*pending_, std::nullopt,
                 Error{ErrorCode::InternalError, "the server failed to answer " + pending_->method});
}

bool RawReply::claimAnswer() {
  if (!pending_) return false;
  if (pending_->claim()) return true;
  // A cancelled request was answered already by the cancellation: not a bug.
  if (!pending_->token.cancelled())
    TACIT_LOG(Error) << "request " << pending_->method << "(" << pending_->key
                     << ") answered twice; second answer dropped";
  return false;
}

void RawReply::result(json value) {
  if (!claimAnswer()) return;
  if (auto core = pending_->core.lock()) core->answer(*pending_, std::move(value), std::nullopt);
}

void RawReply::error(Error e) {
  if (!claimAnswer()) return;
  if (auto core = pending_->core.lock()) core->answer(*pending_, std::nullopt, std::move(e));
}

const CancellationToken& RawReply::token() const { return pending_->token; }

// --- Connection ---------------------------------------------------------------

Connection::Connection(Send send, std::string peerName) : core_(std::make_shared<Core>()) {
  core_->send = std::move(send);
  core_->peer = std::move(peerName);
}

Connection::~Connection() = default;

void Connection::setGate(Gate gate) { core_->gate = std::move(gate); }

void Connection::onRequestRaw(std::string method, RequestHandler handler) {
  core_->requests[std::move(method)] = std::move(handler);
}

void Connection::onNotificationRaw(std::string method, NotificationHandler handler) {
  core_->notifications[std::move(method)] = std::move(handler);
}

void Connection::logDroppedNotification(const std::string& method, const std::string& why) {
  TACIT_LOG(Warn) << "dropped notification " << method << ": " << why;
}

void Connection::receiveFrameError(ErrorCode code, const std::string& message) {
  TACIT_LOG(Warn) << core_->peer << ": unreadable frame: " << message;
  core_->writeError(nullptr, {code, message});
}

void Connection::receive(std::string_view body) {
  Core& core = *core_;
  json message;
  try {
    message = json::parse(body.begin(), body.end());
  } catch (const json::exception& e) {
    std::string why = describeParseError(e);
    TACIT_LOG(Warn) << core.peer << ": unparsable message: " << why;
    core.writeError(nullptr, {ErrorCode::ParseError, why});
    return;
  }

  auto invalid = [&](const json& id, const std::string& why) {
    TACIT_LOG(Warn) << core.peer << ": invalid message: " << why;
    // An id that is not a valid id cannot be echoed: JSON-RPC says null.
    core.writeError(isValidId(id) ? id : json(nullptr), {ErrorCode::InvalidRequest, why});
  };
  if (message.is_array()) return invalid(nullptr, "batch messages are not supported");
  if (!message.is_object()) return invalid(nullptr, "expected a JSON-RPC message object");

  auto idIt = message.find("id");
  json id = idIt != message.end() ? *idIt : json(nullptr);
  auto version = message.find("jsonrpc");
  if (version == message.end() || *version != "2.0")
    return invalid(id, "\"jsonrpc\" must be \"2.0\"");

  auto methodIt = message.find("method");
  if (methodIt == message.end()) {
    // A response to one of our requests.
    bool hasResult = message.contains("result"), hasError = message.contains("error");
    // Neither: a request without its method, which JSON-RPC answers.
    if (!hasResult && !hasError) return invalid(id, "\"method\" is missing");
    // Both, or no id: a malformed response. Answering a response could
    // start an endless exchange with a peer that does the same, so log only.
    if (idIt == message.end() || hasResult == hasError) {
      TACIT_LOG(Warn) << core.peer << ": ignored a malformed response: " << oneLine(message.dump()).substr(0, 200);
      return;
    }
    ResponseHandler handler;
    {
      std::lock_guard lock(core.mutex);
      auto it = core.outgoing.find(id.dump());
      if (it != core.outgoing.end()) {
        handler = std::move(it->second);
        core.outgoing.erase(it);
      }
    }
    if (!handler) {
      TACIT_LOG(Warn) << core.peer << ": response to unknown request id " << id.dump();
      return;
    }
    if (hasResult) return handler(message["result"], std::nullopt);
    const json& err = message["error"];
    Error e{ErrorCode::UnknownErrorCode, "malformed error response"};
    if (err.is_object()) {
      if (auto c = err.find("code"); c != err.end() && c->is_number_integer())
        e.code = static_cast<ErrorCode>(c->get<int>());
      if (auto m = err.find("message"); m != err.end() && m->is_string())
        e.message = m->get<std::string>();
    }
    return handler(std::nullopt, std::move(e));
  }

  if (!methodIt->is_string()) return invalid(id, "\"method\" must be a string");
  std::string method = methodIt->get<std::string>();
  if (idIt != message.end() && !isValidId(id))
    return invalid(id, "\"id\" must be a string, a number or null");
  json params = nullptr;
  if (auto p = message.find("params"); p != message.end()) {
    // JSON-RPC requires a structured value, but LSP clients send `null` for
    // methods without params (shutdown, exit); null is taken as absent.
    if (!p->is_object() && !p->is_array() && !p->is_null())
      return invalid(id, "\"params\" must be an object or an array");
    params = std::move(*p);
  }
  bool isRequest = idIt != message.end();

  if (core.gate) {
    if (auto refused = core.gate(method, isRequest)) {
      if (isRequest) {
        TACIT_LOG(Info) << core.peer << ": refused " << method << ": " << refused->message;
        core.writeError(id, *refused);
      } else {
        TACIT_LOG(Debug) << core.peer << ": dropped " << method << ": " << refused->message;
      }
      return;
    }
  }

  if (!isRequest) {
    TACIT_LOG(Debug) << core.peer << " --> " << method;
    if (method == "$/cancelRequest") {
      auto target = params.is_object() ? params.find("id") : params.end();
      if (!params.is_object() || target == params.end() ||
          !(target->is_string() || target->is_number_integer())) {
        TACIT_LOG(Warn) << "dropped $/cancelRequest without a valid id";
        return;
      }
      std::shared_ptr<PendingReply> pending;
      {
        std::lock_guard lock(core.mutex);
        if (auto it = core.incoming.find(target->dump()); it != core.incoming.end())
          pending = it->second.lock();
      }
      // Finished or unknown requests: nothing to do (the reply crossed the cancel).
      if (pending && pending->claim()) {
        pending->token.cancel();
        core.answer(*pending, std::nullopt,
                    Error{ErrorCode::RequestCancelled, "request cancelled by the client"});
      }
      return;
    }
    auto handler = core.notifications.find(method);
    if (handler == core.notifications.end()) {
      // "$/" notifications are optional by specification.
      TACIT_LOG_AT(method.rfind("$/", 0) == 0 ? log::Level::Debug : log::Level::Info)
          << core.peer << ": ignored notification " << method;
      return;
    }
    try {
      handler->second(params);
    } catch (const std::exception& e) {
      TACIT_LOG(Error) << "notification " << method << " failed: " << oneLine(e.what());
    }
    return;
  }

  TACIT_LOG(Debug) << core.peer << " --> " << method << "(" << id.dump() << ")";
  auto handler = core.requests.find(method);
  if (handler == core.requests.end()) {
    core.writeError(id, {ErrorCode::MethodNotFound, "method not found: " + method});
    return;
  }
  auto pending = std::make_shared<PendingReply>();
  pending->core = core_;
  pending->id = id;
  pending->key = id.dump();
  pending->method = method;
  bool duplicate = false;
  {
    std::lock_guard lock(core.mutex);
    auto [it, inserted] = core.incoming.try_emplace(pending->key, pending);
    if (!inserted) {
      duplicate = !it->second.expired();
      if (!duplicate) it->second = pending;
    }
  }
  if (duplicate) {
    pending->claim();  // this one is refused, not answered by its handler
    core.writeError(id, {ErrorCode::InvalidRequest,
                         "request id " + pending->key + " is already in use"});
    return;
  }
  try {
    handler->second(params, RawReply(pending));
  } catch (const std::exception& e) {
    TACIT_LOG(Error) << "request " << method << " failed: " << oneLine(e.what());
    if (pending->claim())
      core.answer(*pending, std::nullopt, Error{ErrorCode::InternalError, oneLine(e.what())});
  }
}

void Connection::notify(const std::string& method, json params) {
  json message = {{"jsonrpc", "2.0"}, {"method", method}};
  if (!params.is_null()) message["params"] = std::move(params);
  core_->write(message);
}

json Connection::call(const std::string& method, json params, ResponseHandler onResponse) {
  json id;
  {
    std::lock_guard lock(core_->mutex);
    id = core_->nextId++;
    core_->outgoing.emplace(id.dump(), std::move(onResponse));
  }
  json message = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
  if (!params.is_null()) message["params"] = std::move(params);
  core_->write(message);
  return id;
}

void Connection::cancelOutgoing(const json& id, Error error) {
  ResponseHandler handler;
  {
    std::lock_guard lock(core_->mutex);
    auto it = core_->outgoing.find(id.dump());
    if (it == core_->outgoing.end()) return;
    handler = std::move(it->second);
    core_->outgoing.erase(it);
  }
  notify("$/cancelRequest", {{"id", id}});
  handler(std::nullopt, std::move(error));
}

void Connection::failOutgoing(const Error& error) {
  std::unordered_map<std::string, ResponseHandler> failed;
  {
    std::lock_guard lock(core_->mutex);
    failed.swap(core_->outgoing);
  }
  for (auto& [key, handler] : failed) handler(std::nullopt, error);
}

size_t Connection::pendingIncoming() const {
  std::lock_guard lock(core_->mutex);
  size_t live = 0;
  for (auto& [key, weak] : core_->incoming) live += !weak.expired();
  return live;
}

size_t Connection::pendingOutgoing() const {
  std::lock_guard lock(core_->mutex);
  return core_->outgoing.size();
}

}  // namespace tacit::rpc
