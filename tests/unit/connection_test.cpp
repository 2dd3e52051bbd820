#include <catch2/catch.hpp>

#include <optional>
#include <thread>
#include <vector>

#include "protocol/lsp.h"
#include "server/rpc/connection.h"

using tacit::rpc::Connection;
using tacit::rpc::Error;
using tacit::rpc::ErrorCode;
using tacit::rpc::RawReply;
using tacit::rpc::Reply;
using json = nlohmann::json;

namespace {

// A connection whose output is collected for inspection.
struct Peer {
  std::vector<json> sent;
  std::mutex mutex;
  Connection connection{[this](std::string body) {
                          std::lock_guard lock(mutex);
                          sent.push_back(json::parse(body));
                        },
                        "test"};

  json only() {
    REQUIRE(sent.size() == 1);
    json j = sent.front();
    sent.clear();
    return j;
  }
  void receive(const json& j) { connection.receive(j.dump()); }
};

int code(const json& reply) { return reply.at("error").at("code").get<int>(); }

struct Echo {
  std::string text;
};
void fromJSON(const json& j, Echo& out, const std::string& path) {
  tacit::protocol::ObjectReader(j, path).required("text", out.text);
}
void to_json(json& j, const Echo& e) { j = {{"text", e.text}}; }

}  // namespace

TEST_CASE("typed requests are decoded, answered and ids echoed exactly", "[rpc]") {
  Peer peer;
  peer.connection.onRequest<Echo, Echo>("echo", [](const Echo& e, Reply<Echo> reply) {
    reply(Echo{e.text + "!"});
  });
  for (json id : {json(1), json("1"), json(-7), json(9007199254740993ull), json("ü-id"), json(2.5),
                  json(nullptr)}) {
    INFO(id.dump());
    peer.receive({{"jsonrpc", "2.0"}, {"id", id}, {"method", "echo"}, {"params", {{"text", "hi"}}}});
    json reply = peer.only();
    CHECK(reply["id"] == id);
    CHECK(reply["id"].dump() == id.dump());  // the same JSON text, not just an equal number
    CHECK(reply["result"]["text"] == "hi!");
    CHECK(reply["jsonrpc"] == "2.0");
  }
}

TEST_CASE("params that fail to decode get -32602 naming the field", "[rpc]") {
  Peer peer;
  bool called = false;
  peer.connection.onRequest<Echo, Echo>("echo", [&](const Echo&, Reply<Echo> reply) {
    called = true;
    reply(Echo{});
  });
  peer.receive({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "echo"}, {"params", {{"text", 5}}}});
  json reply = peer.only();
  CHECK(code(reply) == -32602);
  CHECK(reply["error"]["message"] == "params.text: expected a string, got number");
  peer.receive({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "echo"}});
  CHECK(peer.only()["error"]["message"] == "params: expected an object, got null");
  CHECK_FALSE(called);
}

TEST_CASE("malformed messages get the JSON-RPC error the spec names", "[rpc]") {
  Peer peer;
  peer.connection.onRequest<Echo, Echo>("echo", [](const Echo& e, Reply<Echo> r) { r(e); });

  peer.connection.receive("{\"jsonrpc\":\"2.0\",");
  json parse = peer.only();
  CHECK(code(parse) == -32700);
  CHECK(parse["id"].is_null());

  peer.connection.receive("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":{\"text\":\"\xff\"}}");
  CHECK(code(peer.only()) == -32700);  // invalid UTF-8

  for (std::string bad : {"[]", "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\"}]", "42", "\"s\"", "null"}) {
    INFO(bad);
    peer.connection.receive(bad);
    json reply = peer.only();
    CHECK(code(reply) == -32600);
    CHECK(reply["id"].is_null());
  }
  struct Case {
    json message;
    json id;
  };
  for (auto& c : std::vector<Case>{
           {{{"id", 3}, {"method", "echo"}}, 3},                                   // no jsonrpc
           {{{"jsonrpc", "1.0"}, {"id", 4}, {"method", "echo"}}, 4},               // wrong version
           {{{"jsonrpc", "2.0"}, {"id", 5}, {"method", 7}}, 5},                    // method not a string
           // An id that is not a valid id is not echoed: JSON-RPC says null.
           {{{"jsonrpc", "2.0"}, {"id", {{"x", 1}}}, {"method", "echo"}}, nullptr},
           {{{"jsonrpc", "2.0"}, {"id", 7}}, 7},                                   // no method
           {{{"jsonrpc", "2.0"}, {"id", 6}, {"method", "echo"}, {"params", 3}}, 6},     // scalar params
       }) {
    INFO(c.message.dump());
    peer.receive(c.message);
    json reply = peer.only();
    CHECK(code(reply) == -32600);
    CHECK(reply["id"] == c.id);
  }
}

TEST_CASE("unknown methods: requests get -32601, notifications are dropped", "[rpc]") {
  Peer peer;
  peer.receive({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "no/such"}});
  json reply = peer.only();
  CHECK(code(reply) == -32601);
  CHECK(reply["error"]["message"] == "method not found: no/such");
  peer.receive({{"jsonrpc", "2.0"}, {"method", "no/such"}});
  peer.receive({{"jsonrpc", "2.0"}, {"method", "$/progress"}, {"params", json::object()}});
  CHECK(peer.sent.empty());
  peer.receive({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "$/optional"}});
  CHECK(code(peer.only()) == -32601);
}

TEST_CASE("the gate refuses requests and drops notifications", "[rpc]") {
  Peer peer;
  bool open = false;
  int notified = 0;
  peer.connection.setGate([&](std::string_view method, bool) -> std::optional<Error> {
    if (open || method == "open") return std::nullopt;
    return Error{ErrorCode::ServerNotInitialized, "not yet"};
  });
  peer.connection.onRequest<Echo, Echo>("echo", [](const Echo& e, Reply<Echo> r) { r(e); });
  peer.connection.onNotification<tacit::protocol::NoParams>("ping", [&](auto&) { ++notified; });
  peer.receive({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "echo"}, {"params", {{"text", "a"}}}});
  json refused = peer.only();
  CHECK(code(refused) == -32002);
  CHECK(refused["error"]["message"] == "not yet");
  peer.receive({{"jsonrpc", "2.0"}, {"method", "ping"}});
  CHECK(notified == 0);
  CHECK(peer.sent.empty());
  open = true;
  peer.receive({{"jsonrpc", "2.0"}, {"method", "ping"}});
  CHECK(notified == 1);
}

TEST_CASE("every request is answered exactly once", "[rpc]") {
  Peer peer;
  std::optional<RawReply> kept;
  peer.connection.onRequestRaw("twice", [](const json&, RawReply r) {
    r.result(1);
    r.result(2);
    r.error({ErrorCode::InternalError, "late"});
  });
  peer.connection.onRequestRaw("never", [](const json&, RawReply) {});
  peer.connection.onRequestRaw("throws", [](const json&, RawReply) { throw std::runtime_error("boom\nline"); });
  peer.connection.onRequestRaw("later", [&](const json&, RawReply r) { kept.emplace(std::move(r)); });

  peer.receive({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "twice"}});
  CHECK(peer.only()["result"] == 1);

  peer.receive({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "never"}});
  json dropped = peer.only();
  CHECK(code(dropped) == -32603);
  CHECK(dropped["id"] == 2);

  peer.receive({{"jsonrpc", "2.0"}, {"id", 3}, {"method", "throws"}});
  json thrown = peer.only();
  CHECK(code(thrown) == -32603);
  CHECK(thrown["id"] == 3);

  peer.receive({{"jsonrpc", "2.0"}, {"id", 4}, {"method", "later"}});
  CHECK(peer.sent.empty());
  CHECK(peer.connection.pendingIncoming() == 1);
  // A second request with an id still in flight is refused; the first stays pending.
  peer.receive({{"jsonrpc", "2.0"}, {"id", 4}, {"method", "later"}});
  CHECK(code(peer.only()) == -32600);
  // Answered from another thread, as pool work does.
  std::thread([&] { kept->result("done"); }).join();
  json done = peer.only();
  CHECK(done["id"] == 4);
  CHECK(done["result"] == "done");
  CHECK(peer.connection.pendingIncoming() == 0);
  kept.reset();
  CHECK(peer.sent.empty());
}

TEST_CASE("$/cancelRequest answers work still running with -32800", "[rpc]") {
  Peer peer;
  std::vector<RawReply> running;
  peer.connection.onRequestRaw("slow", [&](const json&, RawReply r) { running.push_back(std::move(r)); });
  peer.receive({{"jsonrpc", "2.0"}, {"id", "a"}, {"method", "slow"}});
  peer.receive({{"jsonrpc", "2.0"}, {"id", 7}, {"method", "slow"}});
  REQUIRE(running.size() == 2);
  CHECK_FALSE(running[0].token().cancelled());

  peer.receive({{"jsonrpc", "2.0"}, {"method", "$/cancelRequest"}, {"params", {{"id", "a"}}}});
  json cancelled = peer.only();
  CHECK(cancelled["id"] == "a");
  CHECK(code(cancelled) == -32800);
  CHECK(running[0].token().cancelled());
  CHECK_FALSE(running[1].token().cancelled());

  // The handler finishing afterwards sends nothing more.
  running[0].result("too late");
  CHECK(peer.sent.empty());
  // Cancelling finished, unknown or differently typed ids does nothing.
  running[1].result("in time");
  CHECK(peer.only()["id"] == 7);
  peer.receive({{"jsonrpc", "2.0"}, {"method", "$/cancelRequest"}, {"params", {{"id", 7}}}});
  peer.receive({{"jsonrpc", "2.0"}, {"method", "$/cancelRequest"}, {"params", {{"id", "7"}}}});
  peer.receive({{"jsonrpc", "2.0"}, {"method", "$/cancelRequest"}, {"params", {{"id", 99}}}});
  peer.receive({{"jsonrpc", "2.0"}, {"method", "$/cancelRequest"}, {"params", {{"id", true}}}});
  CHECK(peer.sent.empty());
}

TEST_CASE("outgoing requests are matched with their responses", "[rpc]") {
  Peer peer;
  std::vector<std::string> seen;
  auto record = [&](std::optional<json> result, std::optional<Error> error) {
    seen.push_back(result ? "result " + result->dump() : "error " + std::to_string(int(error->code)) + " " + error->message);
  };
  json first = peer.connection.call("window/showMessageRequest", {{"message", "hi"}}, record);
  json second = peer.connection.call("workspace/configuration", json::object(), record);
  json third = peer.connection.call("x", nullptr, record);
  REQUIRE(peer.sent.size() == 3);
  CHECK(peer.sent[0]["method"] == "window/showMessageRequest");
  CHECK(peer.sent[0]["id"] == first);
  CHECK_FALSE(peer.sent[2].contains("params"));
  peer.sent.clear();
  CHECK(peer.connection.pendingOutgoing() == 3);

  peer.receive({{"jsonrpc", "2.0"}, {"id", second}, {"error", {{"code", -32601}, {"message", "nope"}}}});
  peer.receive({{"jsonrpc", "2.0"}, {"id", first}, {"result", {{"title", "Open"}}}});
  peer.receive({{"jsonrpc", "2.0"}, {"id", first}, {"result", nullptr}});  // duplicate: ignored
  peer.receive({{"jsonrpc", "2.0"}, {"id", 12345}, {"result", 1}});       // unknown: ignored
  CHECK(seen == std::vector<std::string>{"error -32601 nope", "result {\"title\":\"Open\"}"});
  CHECK(peer.sent.empty());

  peer.connection.cancelOutgoing(third, {ErrorCode::RequestCancelled, "timed out"});
  CHECK(seen.back() == "error -32800 timed out");
  json cancel = peer.only();
  CHECK(cancel["method"] == "$/cancelRequest");
  CHECK(cancel["params"]["id"] == third);

  peer.connection.call("y", nullptr, record);
  peer.connection.failOutgoing({ErrorCode::RequestFailed, "gone"});
  CHECK(seen.back() == "error -32803 gone");
  CHECK(peer.connection.pendingOutgoing() == 0);
}

TEST_CASE("notifications are sent without an id", "[rpc]") {
  Peer peer;
  peer.connection.notify("window/logMessage", {{"type", 3}, {"message", "m"}});
  peer.connection.notify("exit", nullptr);
  REQUIRE(peer.sent.size() == 2);
  CHECK_FALSE(peer.sent[0].contains("id"));
  CHECK(peer.sent[0]["params"]["message"] == "m");
  CHECK_FALSE(peer.sent[1].contains("params"));
}
