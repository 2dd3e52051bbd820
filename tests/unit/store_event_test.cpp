// Events: canonical encoding, strict decoding (every refusal), ids, paths and
// timestamps.
#include "server/store/event.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <ctime>
#include <functional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace {

using tacit::store::Anchor;
using tacit::store::decodeEvent;
using tacit::store::encodeEvent;
using tacit::store::Event;
using tacit::store::EventType;
using tacit::store::formatTimestamp;
using tacit::store::isConfinedPath;
using tacit::store::isId;
using tacit::store::json;
using tacit::store::newId;
using tacit::store::parseTimestamp;
using tacit::store::ThreadKind;
using tacit::store::validateEvent;

constexpr const char* kThread = "0123456789abcdef0123456789abcdef";
constexpr const char* kReply = "11111111111111111111111111111111";
constexpr const char* kReplica = "fedcba9876543210fedcba9876543210";
constexpr const char* kCommit = "0123456789abcdef0123456789abcdef01234567";
constexpr int64_t kTs = 1795813200000;  // 2026-11-27T21:00:00.000Z

Anchor sampleAnchor() {
  Anchor a;
  a.path = "src/main.cpp";
  a.commit = kCommit;
  a.blob = "";
  a.startLine = 3;
  a.endLine = 4;
  a.text = "int x;\nint y;\n";
  a.before = "// before\n";
  a.after = "";
  return a;
}

Event baseEvent(EventType type, std::string id, json payload) {
  Event e;
  e.id = std::move(id);
  e.type = type;
  e.thread = kThread;
  e.replica = kReplica;
  e.lamport = 7;
  e.ts = kTs;
  e.author = {"Ada Lovelace", "ada@example.com"};
  e.payload = std::move(payload);
  return e;
}

Event createdEvent() {
  return baseEvent(EventType::Created, kThread,
                   json{{"kind", "question"},
                        {"body", "Why \"x\"?\nCaf\xc3\xa9"},
                        {"private", false},
                        {"assignees", json::array({"bob@example.com"})},
                        {"anchor", toJson(sampleAnchor())},
                        {"context", json{{"branch", "main"}}}});
}

// A walkthrough: no anchor (no lines of its own), nobody assigned.
Event walkthroughCreated() {
  return baseEvent(EventType::Created, kThread,
                   json{{"kind", "walkthrough"},
                        {"body", "How checkout works\n\nFrom the cart to the receipt."},
                        {"private", false},
                        {"assignees", json::array()},
                        {"context", json::object()}});
}

// One valid event of every type (and a walkthrough, the created event without
// an anchor).
std::vector<Event> oneOfEachType() {
  Anchor moved = sampleAnchor();
  moved.startLine = 10;
  moved.endLine = 11;
  moved.blob = "89abcdef0123456789abcdef0123456789abcdef";
  return {
      createdEvent(),
      baseEvent(EventType::Reply, kReply, json{{"body", "Because."}}),
      baseEvent(EventType::Answer, "22222222222222222222222222222222", json{{"body", "42"}}),
      baseEvent(EventType::Edit, "33333333333333333333333333333333", json{{"body", "Why x?"}}),
      baseEvent(EventType::Edit, "44444444444444444444444444444444",
                json{{"body", "Because!"}, {"target", kReply}}),
      baseEvent(EventType::State, "55555555555555555555555555555555", json{{"state", "resolved"}}),
      baseEvent(EventType::State, "66666666666666666666666666666666", json{{"state", "open"}}),
      baseEvent(EventType::Reaction, "77777777777777777777777777777777", json{{"reaction", "ack"}}),
      baseEvent(EventType::Reaction, "88888888888888888888888888888888", json{{"reaction", "+1"}}),
      baseEvent(EventType::Assign, "99999999999999999999999999999999",
                json{{"assignees", json::array({"bob@example.com", "carol@example.org"})}}),
      baseEvent(EventType::Assign, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                json{{"assignees", json::array()}}),
      baseEvent(EventType::Reanchor, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
                json{{"anchor", toJson(moved)}}),
      baseEvent(EventType::Tombstone, "cccccccccccccccccccccccccccccccc", json{{"target", kReply}}),
      baseEvent(EventType::Tombstone, "dddddddddddddddddddddddddddddddd", json::object()),
      baseEvent(EventType::Chapters, "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
                json{{"chapters", json::array({kReply, "22222222222222222222222222222222"})}}),
      walkthroughCreated(),
  };
}

json wireOf(const Event& e) { return json::parse(encodeEvent(e)); }

// Decodes bytes that must be refused; returns the reason.
std::string refusal(const std::string& bytes) {
  const auto decoded = decodeEvent(bytes);
  REQUIRE_FALSE(decoded.event);
  REQUIRE_FALSE(decoded.error.empty());
  CHECK(decoded.error.find('\n') == std::string::npos);
  return decoded.error;
}

std::string refusal(const json& wire) { return refusal(wire.dump()); }

// The created event's wire form after `mutate`.
json mutatedCreated(const std::function<void(json&)>& mutate) {
  json wire = wireOf(createdEvent());
  mutate(wire);
  return wire;
}

bool startsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

TEST_CASE("a fixed event encodes to exact canonical bytes", "[store]") {
  const std::string expected =
      R"json({"author":{"email":"ada@example.com","name":"Ada Lovelace"},)json"
      R"json("id":"0123456789abcdef0123456789abcdef","lamport":7,)json"
      R"json("payload":{"anchor":{"after":"","before":"// before\n","blob":"",)json"
      R"json("commit":"0123456789abcdef0123456789abcdef01234567","end_line":4,)json"
      R"json("path":"src/main.cpp","start_line":3,"text":"int x;\nint y;\n"},)json"
      R"json("assignees":["bob@example.com"],"body":"Why \"x\"?\nCafé",)json"
      R"json("context":{"branch":"main"},"kind":"question","private":false},)json"
      R"json("replica":"fedcba9876543210fedcba9876543210",)json"
      R"json("thread":"0123456789abcdef0123456789abcdef",)json"
      R"json("ts":"2026-11-27T21:00:00.000Z","type":"created","v":1})json";
  CHECK(encodeEvent(createdEvent()) == expected);

  const std::string reply =
      R"json({"author":{"email":"ada@example.com","name":"Ada Lovelace"},)json"
      R"json("id":"11111111111111111111111111111111","lamport":7,)json"
      R"json("payload":{"body":"Because."},)json"
      R"json("replica":"fedcba9876543210fedcba9876543210",)json"
      R"json("thread":"0123456789abcdef0123456789abcdef",)json"
      R"json("ts":"2026-11-27T21:00:00.000Z","type":"reply","v":1})json";
  CHECK(encodeEvent(oneOfEachType()[1]) == reply);
}

TEST_CASE("every event type round-trips through its canonical bytes", "[store]") {
  for (const Event& e : oneOfEachType()) {
    INFO(encodeEvent(e));
    CHECK_FALSE(validateEvent(e));
    const std::string bytes = encodeEvent(e);
    const auto decoded = decodeEvent(bytes);
    REQUIRE(decoded.event);
    CHECK(decoded.error.empty());
    CHECK(*decoded.event == e);
    CHECK(encodeEvent(*decoded.event) == bytes);
  }
}

TEST_CASE("decoding accepts any key order, whitespace and offset, and re-encodes canonically",
          "[store]") {
  const Event e = createdEvent();
  const std::string loose =
      "{ \"v\" : 1, \"type\": \"created\", \"ts\": \"2026-11-27T22:00:00+01:00\",\n"
      "  \"thread\": \"0123456789abcdef0123456789abcdef\", \"replica\": \"" +
      std::string(kReplica) + "\", \"lamport\": 7,\n  \"id\": \"" + kThread +
      "\", \"author\": {\"name\": \"Ada Lovelace\", \"email\": \"ada@example.com\"},\n"
      "  \"payload\": " + e.payload.dump(2) + " }";
  const auto decoded = decodeEvent(loose);
  REQUIRE(decoded.event);
  CHECK(*decoded.event == e);
  CHECK(encodeEvent(*decoded.event) == encodeEvent(e));
}

TEST_CASE("decoding refuses what is not a JSON object", "[store]") {
  CHECK(startsWith(refusal(std::string()), "event: not valid JSON at byte"));
  CHECK(startsWith(refusal(std::string("{")), "event: not valid JSON"));
  CHECK(startsWith(refusal(std::string("{\"v\":1,}")), "event: not valid JSON"));
  CHECK(startsWith(refusal(encodeEvent(createdEvent()) + "x"), "event: not valid JSON"));
  CHECK(startsWith(refusal(encodeEvent(createdEvent()) + "{}"), "event: not valid JSON"));
  CHECK(refusal(std::string("[]")) == "event: expected an object, got array");
  CHECK(refusal(std::string("null")) == "event: expected an object, got null");
  CHECK(refusal(std::string("\"created\"")) == "event: expected an object, got string");
}

TEST_CASE("decoding refuses invalid UTF-8 anywhere", "[store]") {
  const std::string good = encodeEvent(createdEvent());
  const std::string body = "Why \\\"x\\\"?";
  REQUIRE(good.find(body) != std::string::npos);
  for (const std::string& bad : {std::string("\xC3\x28"), std::string("\xC0\xAF"),
                                std::string("\xED\xA0\x80"), std::string("\xF4\x90\x80\x80"),
                                std::string("\xFF"), std::string("\xE2\x82")}) {
    std::string bytes = good;
    bytes.replace(bytes.find(body), body.size(), bad);
    const std::string error = refusal(bytes);
    CHECK(startsWith(error, "event: not valid JSON"));
    // The message quotes none of the offending bytes.
    for (char c : error) CHECK(static_cast<unsigned char>(c) < 0x80);
  }
  // In a key, too.
  std::string bytes = good;
  bytes.replace(bytes.find("\"branch\""), 8, "\"br\xC3\x28nch\"");
  CHECK(startsWith(refusal(bytes), "event: not valid JSON"));
  // An unpaired surrogate escape is not a character either.
  bytes = good;
  bytes.replace(bytes.find(body), body.size(), "\\ud800");
  CHECK(startsWith(refusal(bytes), "event: not valid JSON"));
}

TEST_CASE("decoding refuses oversized events before parsing them", "[store]") {
  Event e = createdEvent();
  e.payload["body"] = std::string(10 * 1024 * 1024, 'x');
  const std::string error = refusal(encodeEvent(e));
  CHECK(startsWith(error, "event: 10"));
  CHECK(error.find("over the 262144-byte limit") != std::string::npos);
  CHECK(validateEvent(e) == "payload.body: 10485760 bytes, over the 65536-byte limit");

  // A body at the limit is fine, one byte more is not.
  e.payload["body"] = std::string(tacit::store::kMaxBodyBytes, 'x');
  CHECK_FALSE(validateEvent(e));
  REQUIRE(decodeEvent(encodeEvent(e)).event);
  e.payload["body"] = std::string(tacit::store::kMaxBodyBytes + 1, 'x');
  CHECK(refusal(encodeEvent(e)) == "payload.body: 65537 bytes, over the 65536-byte limit");

  // Fields under their own limits can still add up past the event's.
  Event big = createdEvent();
  big.payload["body"] = std::string(tacit::store::kMaxBodyBytes, 'x');
  big.payload["context"] = json{{"a", std::string(tacit::store::kMaxEventBytes, 'y')}};
  CHECK(startsWith(*validateEvent(big), "event: "));
  CHECK(startsWith(refusal(encodeEvent(big)), "event: "));
}

TEST_CASE("decoding refuses each missing field", "[store]") {
  for (const char* key :
       {"v", "id", "type", "thread", "replica", "lamport", "ts", "author", "payload"}) {
    INFO(key);
    CHECK(refusal(mutatedCreated([&](json& w) { w.erase(key); })) ==
          std::string(key) + ": missing");
  }
  for (const char* key : {"name", "email"}) {
    INFO(key);
    CHECK(refusal(mutatedCreated([&](json& w) { w["author"].erase(key); })) ==
          "author." + std::string(key) + ": missing");
  }
  for (const char* key : {"kind", "body", "private", "assignees", "anchor", "context"}) {
    INFO(key);
    CHECK(refusal(mutatedCreated([&](json& w) { w["payload"].erase(key); })) ==
          "payload." + std::string(key) + ": missing");
  }
  for (const char* key :
       {"path", "commit", "blob", "start_line", "end_line", "text", "before", "after"}) {
    INFO(key);
    CHECK(refusal(mutatedCreated([&](json& w) { w["payload"]["anchor"].erase(key); })) ==
          "payload.anchor." + std::string(key) + ": missing");
  }
  // The other types' required payload fields.
  const std::vector<std::pair<size_t, std::string>> required = {
      {1, "body"}, {2, "body"}, {3, "body"}, {5, "state"}, {7, "reaction"}, {9, "assignees"},
      {11, "anchor"}};
  for (const auto& [index, key] : required) {
    json wire = wireOf(oneOfEachType()[index]);
    wire["payload"].erase(key);
    INFO(wire.dump());
    CHECK(refusal(wire) == "payload." + key + ": missing");
  }
}

TEST_CASE("decoding refuses each mistyped field", "[store]") {
  const std::vector<std::pair<std::string, json>> topLevel = {
      {"v", "1"},        {"v", 1.0},          {"id", 7},       {"type", 1},
      {"thread", nullptr}, {"replica", true}, {"lamport", "7"}, {"lamport", 7.5},
      {"ts", kTs},       {"author", json::array()}, {"payload", "x"}};
  for (const auto& [key, value] : topLevel) {
    INFO(key << " = " << value.dump());
    const std::string error = refusal(mutatedCreated([&](json& w) { w[key] = value; }));
    CHECK(startsWith(error, key + ": expected a"));
  }
  const std::vector<std::pair<std::string, json>> payload = {
      {"kind", 1}, {"body", json::array()}, {"private", "false"}, {"private", 0},
      {"assignees", "bob@example.com"}, {"anchor", "src/main.cpp"}, {"context", json::array()}};
  for (const auto& [key, value] : payload) {
    INFO(key << " = " << value.dump());
    const std::string error = refusal(mutatedCreated([&](json& w) { w["payload"][key] = value; }));
    CHECK(startsWith(error, "payload." + key + ": expected a"));
  }
  const std::vector<std::pair<std::string, json>> anchor = {
      {"path", 1}, {"commit", nullptr}, {"blob", false}, {"start_line", "3"},
      {"end_line", 4.0}, {"text", json::object()}, {"before", 1}, {"after", json::array()}};
  for (const auto& [key, value] : anchor) {
    INFO(key << " = " << value.dump());
    const std::string error =
        refusal(mutatedCreated([&](json& w) { w["payload"]["anchor"][key] = value; }));
    CHECK(startsWith(error, "payload.anchor." + key + ": expected a"));
  }
  CHECK(refusal(mutatedCreated([](json& w) { w["author"]["name"] = 1; })) ==
        "author.name: expected a string, got number");
  CHECK(refusal(mutatedCreated([](json& w) { w["payload"]["assignees"][0] = 1; })) ==
        "payload.assignees[0]: expected a string, got number");
}

TEST_CASE("decoding refuses paths that escape the repository", "[store]") {
  const auto pathError = [](const std::string& path) {
    return refusal(mutatedCreated([&](json& w) { w["payload"]["anchor"]["path"] = path; }));
  };
  // The refused value is never quoted: the message is printed by reports,
  // which never print a path outside the repository.
  const std::string refused = "payload.anchor.path: not confined to the repository";
  for (const std::string path :
       {"../../etc/passwd", "/etc/passwd", "src\\main.cpp", "C:\\Windows", "src/../../x", "", ".git/config",
        "C:/Windows/win.ini", "~/.ssh/id_rsa", "src/cart.py\n::error file=x::pwned", "src/\x1b[2Jcart.py"}) {
    INFO(path);
    CHECK(pathError(path) == refused);
  }
  CHECK(pathError(std::string("a\0b", 3)) == "payload.anchor.path: contains a NUL byte");
  // The same on a reanchor event.
  json wire = wireOf(oneOfEachType()[11]);
  wire["payload"]["anchor"]["path"] = "../x";
  CHECK(refusal(wire) == refused);
}

TEST_CASE("decoding refuses out-of-range numbers", "[store]") {
  const auto withLamport = [](json value) {
    return refusal(mutatedCreated([&](json& w) { w["lamport"] = value; }));
  };
  CHECK(withLamport(0) == "lamport: 0 is out of range 1..9007199254740991");
  CHECK(withLamport(uint64_t{1} << 60) ==
        "lamport: 1152921504606846976 is out of range 1..9007199254740991");
  CHECK(withLamport(-1) == "lamport: -1 is out of range 1..9007199254740991");
  CHECK(withLamport(UINT64_MAX) ==
        "lamport: 18446744073709551615 is out of range 1..9007199254740991");
  // 2^53 - 1 is the largest a JavaScript client can hold exactly.
  json wire = wireOf(createdEvent());
  wire["lamport"] = tacit::store::kMaxLamport;
  REQUIRE(decodeEvent(wire.dump()).event);
  // Beyond 2^64 the parser yields a float.
  std::string bytes = encodeEvent(createdEvent());
  bytes.replace(bytes.find("\"lamport\":7"), 11, "\"lamport\":99999999999999999999999");
  CHECK(startsWith(refusal(bytes), "lamport: expected an integer"));

  CHECK(refusal(mutatedCreated([](json& w) { w["v"] = 2; })) == "v: unsupported version 2");
  CHECK(refusal(mutatedCreated([](json& w) { w["v"] = 0; })) == "v: unsupported version 0");
  CHECK(refusal(mutatedCreated([](json& w) { w["payload"]["anchor"]["start_line"] = 0; })) ==
        "payload.anchor.start_line: 0 is out of range 1..4294967295");
  CHECK(refusal(mutatedCreated([](json& w) { w["payload"]["anchor"]["end_line"] = 2; })) ==
        "payload.anchor.end_line: 2 is before start_line 3");
  CHECK(refusal(mutatedCreated([](json& w) {
          w["payload"]["anchor"]["end_line"] = uint64_t{1} << 32;
        })) == "payload.anchor.end_line: 4294967296 is out of range 1..4294967295");
}

TEST_CASE("decoding refuses unknown types, kinds, values and keys", "[store]") {
  CHECK(refusal(mutatedCreated([](json& w) { w["type"] = "comment"; })) ==
        R"(type: unknown event type "comment")");
  CHECK(refusal(mutatedCreated([](json& w) { w["type"] = "Created"; })) ==
        R"(type: unknown event type "Created")");
  CHECK(refusal(mutatedCreated([](json& w) { w["payload"]["kind"] = "todo"; })) ==
        R"(payload.kind: unknown kind "todo")");
  CHECK(refusal(mutatedCreated([](json& w) { w["extra"] = 1; })) ==
        R"(event: unknown key "extra")");
  CHECK(refusal(mutatedCreated([](json& w) { w["payload"]["title"] = "x"; })) ==
        R"(payload: unknown key "title")");
  CHECK(refusal(mutatedCreated([](json& w) { w["payload"]["anchor"]["column"] = 1; })) ==
        R"(payload.anchor: unknown key "column")");
  CHECK(refusal(mutatedCreated([](json& w) { w["author"]["login"] = "ada"; })) ==
        R"(author: unknown key "login")");
  // A reply's payload is exactly {body}.
  json reply = wireOf(oneOfEachType()[1]);
  reply["payload"]["target"] = kReply;
  CHECK(refusal(reply) == R"(payload: unknown key "target")");

  json state = wireOf(oneOfEachType()[5]);
  state["payload"]["state"] = "closed";
  CHECK(refusal(state) == R"(payload.state: "closed" is not one of "open", "resolved")");
  state["payload"]["state"] = "answered";  // derived by the fold, never written
  CHECK(startsWith(refusal(state), "payload.state: \"answered\" is not one of"));
  json reaction = wireOf(oneOfEachType()[7]);
  reaction["payload"]["reaction"] = "heart";
  CHECK(refusal(reaction) == R"(payload.reaction: "heart" is not one of "ack", "+1")");

  // A version this build does not know is reported as such, not as its keys.
  CHECK(refusal(mutatedCreated([](json& w) {
          w["v"] = 2;
          w["novel"] = true;
        })) == "v: unsupported version 2");
  // Anything goes inside context (within the size and depth limits).
  json wire = wireOf(createdEvent());
  wire["payload"]["context"] =
      json{{"branch", "main"}, {"extra", json{{"n", 1.5}, {"l", {1, "a"}}}}};
  CHECK(decodeEvent(wire.dump()).event);
}

TEST_CASE("decoding refuses duplicate keys and deep nesting", "[store]") {
  std::string bytes = encodeEvent(createdEvent());
  bytes.replace(bytes.find("\"v\":1"), 5, "\"v\":1,\"v\":1");
  CHECK(refusal(bytes) == R"(event: duplicate key "v")");
  bytes = encodeEvent(createdEvent());
  bytes.replace(bytes.find("\"body\":"), 7, "\"body\":\"sneaky\",\"body\":");
  CHECK(refusal(bytes) == R"(event: duplicate key "body")");

  json deep = "leaf";
  for (int i = 0; i < 20; ++i) deep = json{{"k", deep}};
  CHECK(refusal(mutatedCreated([&](json& w) { w["payload"]["context"] = deep; })) ==
        "payload.context: nested deeper than 16 levels");
  std::string bomb = std::string(100000, '[') + std::string(100000, ']');
  CHECK(refusal(bomb) == "event: nested deeper than 32 levels");
}

TEST_CASE("decoding checks ids, the clock, the author and the lists", "[store]") {
  CHECK(refusal(mutatedCreated([](json& w) { w["id"] = "0123456789ABCDEF0123456789ABCDEF"; })) ==
        R"(id: not 32 lowercase hex digits ("0123456789ABCDEF0123456789ABCDEF"))");
  CHECK(refusal(mutatedCreated([](json& w) { w["replica"] = "abc"; })) ==
        R"(replica: not 32 lowercase hex digits ("abc"))");
  CHECK(refusal(mutatedCreated([](json& w) {
          w["thread"] = "22222222222222222222222222222222";
        })) == "thread: differs from id in a created event");
  json reply = wireOf(oneOfEachType()[1]);
  reply["id"] = kThread;
  CHECK(refusal(reply) == "id: equals thread, which only a created event may");

  for (const char* ts : {"2026-11-27 21:00:00Z", "2026-11-27T21:00:00", "2026-02-30T00:00:00Z",
                         "yesterday", "2026-11-27T21:00:00.1234567890Z"}) {
    INFO(ts);
    CHECK(refusal(mutatedCreated([&](json& w) { w["ts"] = ts; })) ==
          "ts: not an RFC 3339 time in years 0000-9999 (\"" + std::string(ts) + "\")");
  }

  CHECK(refusal(mutatedCreated([](json& w) { w["author"]["name"] = ""; })) == "author.name: empty");
  CHECK(refusal(mutatedCreated([](json& w) { w["author"]["name"] = std::string(257, 'a'); })) ==
        "author.name: 257 bytes, over the 256-byte limit");
  CHECK(refusal(mutatedCreated([](json& w) { w["author"]["name"] = "Ada\nLovelace"; })) ==
        "author.name: contains a control character");
  CHECK(refusal(mutatedCreated([](json& w) { w["author"]["email"] = "ada"; })) ==
        R"(author.email: not an email address ("ada"))");
  CHECK(refusal(mutatedCreated([](json& w) {
          w["author"]["email"] = "ada@" + std::string(320, 'x');
        })) == "author.email: 324 bytes, over the 320-byte limit");

  json many = json::array();
  for (int i = 0; i < 65; ++i) many.push_back("u" + std::to_string(i) + "@example.com");
  CHECK(refusal(mutatedCreated([&](json& w) { w["payload"]["assignees"] = many; })) ==
        "payload.assignees: 65 entries, over the limit of 64");
  many.erase(64);
  CHECK(
      decodeEvent(mutatedCreated([&](json& w) { w["payload"]["assignees"] = many; }).dump()).event);
  CHECK(refusal(mutatedCreated([](json& w) {
          w["payload"]["assignees"] = {"bob@example.com", "bob"};
        })) == R"(payload.assignees[1]: not an email address ("bob"))");
  CHECK(refusal(mutatedCreated([](json& w) {
          w["payload"]["assignees"] = {"bob@example.com", "bob@example.com"};
        })) == R"(payload.assignees[1]: duplicate ("bob@example.com"))");

  CHECK(refusal(mutatedCreated([](json& w) { w["payload"]["anchor"]["commit"] = "abc"; })) ==
        R"(payload.anchor.commit: not 40 lowercase hex digits ("abc"))");
  CHECK(refusal(mutatedCreated([](json& w) {
          w["payload"]["anchor"]["blob"] = std::string(40, 'G');
        })) == "payload.anchor.blob: neither empty nor 40 lowercase hex digits (\"" +
                   std::string(40, 'G') + "\")");
  CHECK(refusal(mutatedCreated([](json& w) {
          w["payload"]["anchor"]["text"] = std::string(20000, 't');
          w["payload"]["anchor"]["before"] = std::string(20000, 'b');
        })) == "payload.anchor: text, before and after are 40000 bytes, over the 32768-byte limit");

  json edit = wireOf(oneOfEachType()[4]);
  edit["payload"]["target"] = "nope";
  CHECK(refusal(edit) == R"(payload.target: not 32 lowercase hex digits ("nope"))");
  edit["payload"]["target"] = kThread;
  CHECK(refusal(edit) == "payload.target: names the thread; omit it for the thread");
  json tombstone = wireOf(oneOfEachType()[12]);
  tombstone["payload"]["target"] = 5;
  CHECK(refusal(tombstone) == "payload.target: expected a string, got number");
  json body = wireOf(oneOfEachType()[1]);
  body["payload"]["body"] = std::string("a\0b", 3);
  CHECK(refusal(body) == "payload.body: contains a NUL byte");
}

TEST_CASE("validateEvent applies the same rules to events built in memory", "[store]") {
  for (const Event& e : oneOfEachType()) CHECK_FALSE(validateEvent(e));

  Event e = createdEvent();
  e.payload["anchor"]["path"] = "../../etc/passwd";
  CHECK(validateEvent(e) == "payload.anchor.path: not confined to the repository");

  e = createdEvent();
  e.payload["body"] = "caf\xC3";  // invalid UTF-8 that never met the parser
  CHECK(validateEvent(e) == "payload.body: not valid UTF-8");
  e = createdEvent();
  e.payload["context"] = json{{"k", "\xFF"}};
  CHECK(validateEvent(e) == "payload.context.k: not valid UTF-8");
  e = createdEvent();
  e.author.name = "\xFF";
  CHECK(validateEvent(e) == "author.name: not valid UTF-8");

  e = createdEvent();
  e.lamport = 0;
  CHECK(validateEvent(e) == "lamport: 0 is out of range 1..9007199254740991");
  e.lamport = uint64_t{1} << 60;
  CHECK(validateEvent(e) == "lamport: 1152921504606846976 is out of range 1..9007199254740991");

  e = createdEvent();
  e.v = 2;
  CHECK(validateEvent(e) == "v: unsupported version 2");
  e = createdEvent();
  e.type = EventType::Reply;
  CHECK(validateEvent(e) == "id: equals thread, which only a created event may");
  e = createdEvent();
  e.payload["anchor"]["start_line"] = -3;  // a signed integer, as code builds them
  CHECK(validateEvent(e) == "payload.anchor.start_line: -3 is out of range 1..4294967295");
  e = createdEvent();
  e.payload["anchor"]["start_line"] = 2;  // signed and in range is fine
  CHECK_FALSE(validateEvent(e));

  e = createdEvent();
  e.ts = int64_t{253402300800000};  // 10000-01-01
  CHECK(validateEvent(e) == "ts: 253402300800000 ms is outside years 0000-9999");
  e.ts = -62167219200001;
  CHECK(validateEvent(e) == "ts: -62167219200001 ms is outside years 0000-9999");
  e.ts = -62167219200000;
  CHECK_FALSE(validateEvent(e));
}

TEST_CASE("random corruption never crashes and accepted bytes are stable", "[store]") {
  std::mt19937 rng(20261127);
  const std::vector<Event> events = oneOfEachType();
  int accepted = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string bytes = encodeEvent(events[round % events.size()]);
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < edits; ++k) {
      const size_t at = rng() % bytes.size();
      switch (rng() % 3) {
        case 0: bytes[at] = static_cast<char>(rng() % 256); break;
        case 1: bytes.erase(at, 1); break;
        default: bytes.insert(at, 1, "{}[]\",:0a\\"[rng() % 10]); break;
      }
    }
    const auto decoded = decodeEvent(bytes);
    CHECK(decoded.event.has_value() == decoded.error.empty());
    if (decoded.event) {
      ++accepted;
      CHECK_FALSE(validateEvent(*decoded.event));
      const auto again = decodeEvent(encodeEvent(*decoded.event));
      REQUIRE(again.event);
      CHECK(*again.event == *decoded.event);
    }
  }
  // Some corruptions (inside a body, say) stay valid; most do not.
  CHECK(accepted > 0);
  CHECK(accepted < 3000);
}

// The two parsers decide alike: the same event, or the same message.
void checkParsersAgree(const std::string& bytes) {
  using tacit::store::Parser;
  const auto fast = decodeEvent(bytes, Parser::Fast);
  const auto strict = decodeEvent(bytes, Parser::StrictOnly);
  INFO("bytes: " << bytes);
  CHECK(fast.error == strict.error);
  REQUIRE(fast.event.has_value() == strict.event.has_value());
  if (!fast.event) return;
  CHECK(*fast.event == *strict.event);
  // == compares numbers across types (5 == 5u): the encodings do not.
  CHECK(fast.event->payload.dump() == strict.event->payload.dump());
  CHECK(encodeEvent(*fast.event) == encodeEvent(*strict.event));
}

TEST_CASE("the fast parser and nlohmann's decide every event alike", "[store]") {
  Event e = createdEvent();
  e.payload["context"] = json::object();
  const std::string created = encodeEvent(e);
  REQUIRE(created.find("\"context\":{}") != std::string::npos);
  // One context value spliced into a valid created event.
  auto withContext = [&](const std::string& value) {
    std::string bytes = created;
    bytes.replace(bytes.find("\"context\":{}"), 12, "\"context\":{\"k\":" + value + "}");
    return bytes;
  };
  for (const Event& e : oneOfEachType()) checkParsersAgree(encodeEvent(e));
  for (const std::string value :
       {"0", "-0", "-0.0", "0.0", "1", "-1", "1.5", "1e5", "1E-5", "-1e-400", "1e400", "-1e400",
        "9223372036854775807", "9223372036854775808", "18446744073709551615", "18446744073709551616",
        "-9223372036854775808", "-9223372036854775809", "123456789012345678901234567890", "01", "1.",
        ".5", "+1", "-", "true", "false", "null", "tru", "nul", "[]", "{}", "[1,[2,[3]]]",
        "{\"a\":1,\"a\":2}", "{\"b\":1,\"a\":2}", "\"\\u0041\"", "\"\\ud83d\\ude00\"",
        "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"\\u0000\"", "\"\\x41\"",
        "\"a\\\"b\"", "\"\\/\\b\\f\\n\\r\\t\"", "\"\x01\"", "\"\t\"", "\"\xc3\xa9\"",
        "\"\xc3\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xef\xbb\xbf\"", "NaN",
        "Infinity", "[1,]", "{\"a\":}", "[1 2]", "\"unterminated"}) {
    checkParsersAgree(withContext(value));
  }
  // Nesting up to and past the limit, in context and as a whole.
  for (int depth : {10, 13, 14, 15, 29, 30, 31, 32, 33, 40, 2000}) {
    checkParsersAgree(withContext(std::string(depth, '[') + std::string(depth, ']')));
    checkParsersAgree(std::string(depth, '[') + std::string(depth, ']'));
  }
  // Around the document: whitespace, a byte-order mark, what follows it.
  for (const std::string& bytes : std::vector<std::string>{
           " " + created, created + " \n", "\xef\xbb\xbf" + created, created + "x", created + created,
           created + std::string(1, '\0'), created.substr(0, created.size() - 1), "", " ", "{}", "[]", "5",
           "\"s\""}) {
    checkParsersAgree(bytes);
  }
}

TEST_CASE("a walkthrough has no anchor and no assignees; every other kind has an anchor", "[store]") {
  const json wire = wireOf(walkthroughCreated());
  CHECK(decodeEvent(wire.dump()).event);
  json anchored = wire;
  anchored["payload"]["anchor"] = toJson(sampleAnchor());
  CHECK(refusal(anchored) == "payload.anchor: a walkthrough has no lines of its own");
  json assigned = wire;
  assigned["payload"]["assignees"] = json::array({"bob@example.com"});
  CHECK(refusal(assigned) == "payload.assignees: a walkthrough has no assignees");
  for (const char* kind : {"note", "lesson", "question"}) {
    json unanchored = wire;
    unanchored["payload"]["kind"] = kind;
    INFO(kind);
    CHECK(refusal(unanchored) == "payload.anchor: missing");
  }
  json unknown = wire;
  unknown["payload"]["chapters"] = json::array();  // the order is an event of its own
  CHECK(refusal(unknown) == R"(payload: unknown key "chapters")");
  Event e = walkthroughCreated();
  e.payload["anchor"] = toJson(sampleAnchor());
  CHECK(validateEvent(e) == "payload.anchor: a walkthrough has no lines of its own");
}

TEST_CASE("a chapters event holds distinct note ids, at most kMaxChapters, never its own thread", "[store]") {
  const Event chapters = oneOfEachType()[14];
  REQUIRE(chapters.type == EventType::Chapters);
  auto mutated = [&](const std::function<void(json&)>& mutate) {
    json wire = wireOf(chapters);
    mutate(wire);
    return wire;
  };
  CHECK(decodeEvent(mutated([](json& w) { w["payload"]["chapters"] = json::array(); }).dump()).event);
  CHECK(refusal(mutated([](json& w) { w["payload"].erase("chapters"); })) == "payload.chapters: missing");
  CHECK(refusal(mutated([](json& w) { w["payload"]["chapters"] = kReply; })) ==
        "payload.chapters: expected an array, got string");
  CHECK(refusal(mutated([](json& w) { w["payload"]["chapters"] = json::array({kReply, 7}); })) ==
        "payload.chapters[1]: expected a string, got number");
  CHECK(refusal(mutated([](json& w) { w["payload"]["chapters"] = json::array({"ABCDEF"}); })) ==
        R"(payload.chapters[0]: not 32 lowercase hex digits ("ABCDEF"))");
  CHECK(refusal(mutated([](json& w) { w["payload"]["chapters"] = json::array({kReply, kReply}); })) ==
        R"(payload.chapters[1]: duplicate ("11111111111111111111111111111111"))");
  CHECK(refusal(mutated([](json& w) { w["payload"]["chapters"] = json::array({kThread}); })) ==
        "payload.chapters[0]: names the walkthrough itself");
  CHECK(refusal(mutated([](json& w) { w["payload"]["order"] = 1; })) == R"(payload: unknown key "order")");
  auto many = [](size_t n) {
    json list = json::array();
    for (size_t i = 0; i < n; ++i) {
      char id[33];
      std::snprintf(id, sizeof id, "%032zx", i + 1000);
      list.push_back(id);
    }
    return list;
  };
  CHECK(decodeEvent(mutated([&](json& w) { w["payload"]["chapters"] = many(tacit::store::kMaxChapters); }).dump())
            .event);
  CHECK(refusal(mutated([&](json& w) { w["payload"]["chapters"] = many(tacit::store::kMaxChapters + 1); })) ==
        "payload.chapters: 501 entries, over the limit of 500");
  Event e = chapters;
  e.payload["chapters"] = json::array({kReply, kReply});
  CHECK(validateEvent(e) == R"(payload.chapters[1]: duplicate ("11111111111111111111111111111111"))");
}

TEST_CASE("isConfinedPath", "[store]") {
  for (const std::string path : {"a", "src/main.cpp", "a/b/c", ".hidden", "a/..b", "...", "a/.b.",
                                 "dir with space/f", "\xC3\xA9t\xC3\xA9", ".github/workflows/ci.yml", ".gitignore",
                                 "a/.gitmodules", "x.git/y", "a/~b", "a~", "1:2", "a/C:", "\xC2\xA0nbsp",
                                 "\xE2\x80\xA8"}) {
    INFO(path);
    CHECK(isConfinedPath(path));
  }
  for (const std::string path : {"", "/abs", "/", "../x", "a/../b", "a/..", "..", ".", "./a",
                                 "a/./b", "a//b", "a/", "a\\b", "C:\\x", "\\\\server\\share",
                                 // inside .git, any case, at any depth (a nested repository's)
                                 ".git", ".git/config", ".GIT/hooks/x", "sub/.Git/HEAD",
                                 // a drive letter, a home directory
                                 "C:", "c:/Windows/win.ini", "Z:x", "~", "~/.ssh/id_rsa", "~root/x",
                                 // control characters: C0, DEL, C1 (U+0085, U+009B)
                                 "a\nb", "a\rb", "a\tb", "src/\x1b[31mx", "a\x7f", "a\xC2\x85" "b", "a\xC2\x9B" "2J"}) {
    INFO(path);
    CHECK_FALSE(isConfinedPath(path));
  }
  CHECK_FALSE(isConfinedPath(std::string("a\0b", 3)));
  CHECK(isConfinedPath(std::string(tacit::store::kMaxPathBytes, 'p')));
  CHECK_FALSE(isConfinedPath(std::string(tacit::store::kMaxPathBytes + 1, 'p')));
}

TEST_CASE("newId and isId", "[store]") {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = newId();
    CHECK(isId(id));
    ids.insert(id);
  }
  CHECK(ids.size() == 1000);
  CHECK(isId("0123456789abcdef0123456789abcdef"));
  CHECK_FALSE(isId("0123456789ABCDEF0123456789ABCDEF"));
  CHECK_FALSE(isId("0123456789abcdef0123456789abcde"));
  CHECK_FALSE(isId("0123456789abcdef0123456789abcdef0"));
  CHECK_FALSE(isId("0123456789abcdef0123456789abcdeg"));
  CHECK_FALSE(isId(""));
}

TEST_CASE("type and kind names", "[store]") {
  for (const Event& e : oneOfEachType()) {
    CHECK(tacit::store::parseEventType(toString(e.type)) == e.type);
  }
  CHECK(toString(EventType::Reanchor) == "reanchor");
  CHECK_FALSE(tacit::store::parseEventType("Reply"));
  for (ThreadKind kind : {ThreadKind::Note, ThreadKind::Lesson, ThreadKind::Question, ThreadKind::Walkthrough}) {
    CHECK(tacit::store::parseThreadKind(toString(kind)) == kind);
  }
  CHECK(toString(ThreadKind::Lesson) == "lesson");
  CHECK_FALSE(tacit::store::parseThreadKind("bug"));
}

TEST_CASE("formatTimestamp", "[store]") {
  CHECK(formatTimestamp(0) == "1970-01-01T00:00:00.000Z");
  CHECK(formatTimestamp(-1) == "1969-12-31T23:59:59.999Z");
  CHECK(formatTimestamp(kTs) == "2026-11-27T21:00:00.000Z");
  CHECK(formatTimestamp(951782400000) == "2000-02-29T00:00:00.000Z");
  CHECK(formatTimestamp(1709210096789) == "2024-02-29T12:34:56.789Z");
  CHECK(formatTimestamp(-62167219200000) == "0000-01-01T00:00:00.000Z");
  CHECK(formatTimestamp(253402300799999) == "9999-12-31T23:59:59.999Z");
  // Outside the years RFC 3339 can spell, the nearest edge.
  CHECK(formatTimestamp(INT64_MAX) == "9999-12-31T23:59:59.999Z");
  CHECK(formatTimestamp(INT64_MIN) == "0000-01-01T00:00:00.000Z");

  // Against the C library over the years where time_t agrees with it.
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int64_t> any(-62167219200000, 253402300799999);
  for (int i = 0; i < 2000; ++i) {
    const int64_t ms = any(rng);
    const int64_t seconds = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    const time_t t = static_cast<time_t>(seconds);
    std::tm tm{};
    REQUIRE(gmtime_r(&t, &tm));
    char expected[64];
    std::snprintf(expected, sizeof expected, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(ms - seconds * 1000));
    INFO(ms);
    CHECK(formatTimestamp(ms) == expected);
    CHECK(parseTimestamp(expected) == ms);
  }
}

TEST_CASE("parseTimestamp", "[store]") {
  CHECK(parseTimestamp("2026-11-27T21:00:00.000Z") == kTs);
  CHECK(parseTimestamp("2026-11-27T21:00:00Z") == kTs);
  CHECK(parseTimestamp("2026-11-27t21:00:00z") == kTs);
  CHECK(parseTimestamp("2026-11-27T22:00:00+01:00") == kTs);
  CHECK(parseTimestamp("2026-11-28T02:30:00+05:30") == kTs);
  CHECK(parseTimestamp("2026-11-27T13:00:00-08:00") == kTs);
  CHECK(parseTimestamp("2026-11-27T21:00:00-00:00") == kTs);
  CHECK(parseTimestamp("2026-11-27T21:00:00.5Z") == kTs + 500);
  CHECK(parseTimestamp("2026-11-27T21:00:00.12Z") == kTs + 120);
  CHECK(parseTimestamp("2026-11-27T21:00:00.123456789Z") == kTs + 123);  // truncated
  CHECK(parseTimestamp("2026-11-27T21:00:00.999999999Z") == kTs + 999);
  CHECK(parseTimestamp("1969-12-31T23:59:59.999Z") == -1);
  CHECK(parseTimestamp("2024-02-29T12:34:56.789Z") == 1709210096789);
  CHECK(parseTimestamp("0000-01-01T00:00:00Z") == -62167219200000);
  CHECK(parseTimestamp("9999-12-31T23:59:59.999Z") == 253402300799999);
  CHECK(parseTimestamp("1998-12-31T23:59:60Z") == parseTimestamp("1999-01-01T00:00:00Z"));

  for (const char* bad :
       {"", "2026-11-27", "2026-11-27T21:00:00", "2026-11-27T21:00Z", "2026-11-27 21:00:00Z",
        "2026-11-27T21:00:00.Z", "2026-11-27T21:00:00.1234567890Z", "2026-11-27T21:00:00+0100",
        "2026-11-27T21:00:00+24:00", "2026-11-27T21:00:00+01:60", "2026-11-27T21:00:00Z ",
        " 2026-11-27T21:00:00Z", "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z",
        "2026-01-00T00:00:00Z", "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
        "2026-04-31T00:00:00Z", "2026-11-27T24:00:00Z", "2026-11-27T21:60:00Z",
        "2026-11-27T21:00:61Z", "12026-11-27T21:00:00Z", "-026-11-27T21:00:00Z",
        "2026-11-27T21:00:00.12a4Z", "2026-1-27T21:00:00Z", "+2026-11-27T21:00:00Z",
        // Offsets that push past the years RFC 3339 can spell.
        "0000-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01"}) {
    INFO(bad);
    CHECK_FALSE(parseTimestamp(bad));
  }
  CHECK(parseTimestamp("2000-02-29T00:00:00Z") == 951782400000);
}
