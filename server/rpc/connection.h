// One JSON-RPC 2.0 peer: decodes incoming messages, dispatches them through a
// table of typed handlers, matches responses to our own outgoing requests,
// and guarantees every incoming request is answered exactly once.
//
// Used for the editor connection and for out-of-process extensions alike. It
// knows nothing about transports: bodies come in through receive(), and go
// out through the Send function given at construction.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "protocol/decode.h"
#include "server/rpc/cancellation.h"
#include "server/rpc/error.h"

namespace tacit::rpc {

using json = nlohmann::json;

namespace detail {
struct Core;
struct PendingReply;
}  // namespace detail

// The untyped answer to one request. Move-only; answering twice is a
// programmer error (logged, second answer dropped); destroying it unanswered
// sends -32603 so the client never waits forever.
class RawReply {
 public:
  RawReply(RawReply&&) noexcept;
  RawReply& operator=(RawReply&&) noexcept;
  RawReply(const RawReply&) = delete;
  RawReply& operator=(const RawReply&) = delete;
  ~RawReply();

  void result(json value);
  void error(Error e);
  // Set when the client cancelled the request; the reply has then been sent.
  const CancellationToken& token() const;

 private:
  friend struct detail::Core;
  friend class Connection;
  explicit RawReply(std::shared_ptr<detail::PendingReply>);
  // True once: the caller may answer. Logs a second answer.
  bool claimAnswer();
  std::shared_ptr<detail::PendingReply> pending_;
};

// The typed answer: result(R) is encoded with to_json.
template <typename R>
class Reply {
 public:
  explicit Reply(RawReply raw) : raw_(std::move(raw)) {}
  void operator()(const R& value) { raw_.result(json(value)); }
  void operator()(Error e) { raw_.error(std::move(e)); }
  const CancellationToken& token() const { return raw_.token(); }

 private:
  RawReply raw_;
};

class Connection {
 public:
  // Receives one serialized message; must be thread-safe.
  using Send = std::function<void(std::string body)>;
  using RequestHandler = std::function<void(const json& params, RawReply)>;
  using NotificationHandler = std::function<void(const json& params)>;
  // Decides, before dispatch, whether a message may run now. Returning an
  // error refuses a request with it and drops a notification.
  using Gate = std::function<std::optional<Error>(std::string_view method, bool isRequest)>;
  using ResponseHandler = std::function<void(std::optional<json> result, std::optional<Error>)>;

  Connection(Send send, std::string peerName);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void setGate(Gate gate);
  void onRequestRaw(std::string method, RequestHandler handler);
  void onNotificationRaw(std::string method, NotificationHandler handler);

  // handler(const P&, Reply<R>); params that fail to decode get -32602.
  template <typename P, typename R, typename H>
  void onRequest(std::string method, H handler) {
    onRequestRaw(std::move(method), [handler = std::move(handler)](const json& params,
                                                                  RawReply reply) mutable {
      P decoded{};
      try {
        fromJSON(params, decoded, "params");
      } catch (const protocol::DecodeError& e) {
        reply.error({ErrorCode::InvalidParams, e.what()});
        return;
      }
      handler(static_cast<const P&>(decoded), Reply<R>(std::move(reply)));
    });
  }

  // handler(const P&); params that fail to decode are logged and dropped.
  template <typename P, typename H>
  void onNotification(std::string method, H handler) {
    std::string name = method;
    onNotificationRaw(std::move(method), [handler = std::move(handler), name](const json& params) mutable {
      P decoded{};
      try {
        fromJSON(params, decoded, "params");
      } catch (const protocol::DecodeError& e) {
        logDroppedNotification(name, e.what());
        return;
      }
      handler(static_cast<const P&>(decoded));
    });
  }

  // Incoming: one message body, as framed by the transport.
  void receive(std::string_view body);
  // Incoming: a frame that could not be read (answered with id null).
  void receiveFrameError(ErrorCode code, const std::string& message);

  // Outgoing. Thread-safe.
  void notify(const std::string& method, json params);
  // Returns the id used; `onResponse` runs on the thread that receives the
  // response (or that calls failOutgoing / cancelOutgoing).
  json call(const std::string& method, json params, ResponseHandler onResponse);
  // Resolves an outgoing call with `error` now, and tells the peer.
  void cancelOutgoing(const json& id, Error error);
  // Resolves every outgoing call with `error` (the peer went away).
  void failOutgoing(const Error& error);

  size_t pendingIncoming() const;
  size_t pendingOutgoing() const;

 private:
  static void logDroppedNotification(const std::string& method, const std::string& why);
  std::shared_ptr<detail::Core> core_;
};

}  // namespace tacit::rpc
