#include <catch2/catch.hpp>

#include <vector>

#include "server/transport/frame_reader.h"

using tacit::transport::encodeFrame;
using tacit::transport::FrameEvent;
using tacit::transport::FrameLimits;
using tacit::transport::FrameReader;
using Kind = FrameEvent::Kind;

namespace {

// Feeds `input` in chunks of `chunk` bytes and collects every event.
std::vector<FrameEvent> read(std::string_view input, size_t chunk = 0, FrameLimits limits = {}) {
  FrameReader reader(limits);
  std::vector<FrameEvent> events;
  if (chunk == 0) chunk = input.size() ? input.size() : 1;
  for (size_t i = 0; i < input.size(); i += chunk) {
    reader.feed(input.substr(i, chunk));
    while (auto e = reader.next()) events.push_back(*e);
  }
  return events;
}

std::vector<std::string> messages(const std::vector<FrameEvent>& events) {
  std::vector<std::string> out;
  for (auto& e : events)
    if (e.kind == Kind::Message) out.push_back(e.text);
  return out;
}

}  // namespace

TEST_CASE("frames are read whole whatever the chunking", "[framing]") {
  std::string input = encodeFrame(R"({"a":1})") + encodeFrame("") + encodeFrame("{\"b\":\"\xc3\xa9\"}");
  for (size_t chunk : {1, 2, 3, 5, 7, 64, 4096}) {
    INFO("chunk " << chunk);
    auto events = read(input, chunk);
    REQUIRE(events.size() == 3);
    CHECK(messages(events) == std::vector<std::string>{R"({"a":1})", "", "{\"b\":\"\xc3\xa9\"}"});
  }
}

TEST_CASE("header names are case-insensitive, other headers and bare LF are accepted", "[framing]") {
  auto events = read("content-LENGTH:  2 \r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}"
                     "Content-Length: 2\n\n[]"
                     "\r\n\r\nContent-Length: 1\r\n\r\n7");
  CHECK(messages(events) == std::vector<std::string>{"{}", "[]", "7"});
  CHECK(events.size() == 3);
}

TEST_CASE("a body may contain anything, including header-like text", "[framing]") {
  std::string body = "Content-Length: 99\r\n\r\n\0\xff";
  auto events = read(encodeFrame(body) + encodeFrame("x"), 1);
  CHECK(messages(events) == std::vector<std::string>{body, "x"});
}

TEST_CASE("a missing Content-Length is reported and the next message is found", "[framing]") {
  auto events = read("Content-Type: text/plain\r\n\r\n{\"lost\":true}" + encodeFrame("{}"), 3);
  REQUIRE(events.size() == 2);
  CHECK(events[0].kind == Kind::HeaderError);
  CHECK(events[0].text == "missing Content-Length header");
  CHECK(events[1].kind == Kind::Message);
  CHECK(events[1].text == "{}");
}

TEST_CASE("conflicting Content-Length headers are refused but equal duplicates are fine", "[framing]") {
  auto conflicting = read("Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}\n" + encodeFrame("ok"));
  REQUIRE(conflicting.size() == 2);
  CHECK(conflicting[0].kind == Kind::HeaderError);
  CHECK(conflicting[0].text == "conflicting Content-Length headers (2 and 3)");
  CHECK(conflicting[1].text == "ok");

  auto duplicate = read("Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}");
  CHECK(messages(duplicate) == std::vector<std::string>{"{}"});
}

TEST_CASE("garbled headers", "[framing]") {
  SECTION("a non-numeric length resynchronises on the next message") {
    auto events = read("Content-Length: ten\r\n\r\n{\"x\":1}" + encodeFrame("{}"), 4);
    REQUIRE(events.size() == 2);
    CHECK(events[0].text == "invalid Content-Length \"ten\"");
    CHECK(events[1].text == "{}");
  }
  SECTION("negative and overflowing lengths") {
    CHECK(read("Content-Length: -1\r\n\r\n")[0].text == "invalid Content-Length \"-1\"");
    CHECK(read("Content-Length: 99999999999999999999999\r\n\r\n")[0].kind == Kind::HeaderError);
  }
  SECTION("a line without a colon beside a valid length skips exactly that message") {
    auto events = read("Content-Length: 2\r\nnonsense\r\n\r\n{}" + encodeFrame("[1]"));
    REQUIRE(events.size() == 2);
    CHECK(events[0].kind == Kind::HeaderError);
    CHECK(events[0].text == "garbled header line \"nonsense\"");
    CHECK(events[1].text == "[1]");
  }
  SECTION("binary garbage before a message") {
    auto events = read(std::string("\x01\x02garbage\xff\r\n\r\n", 14) + encodeFrame("{}"), 1);
    REQUIRE(events.size() == 2);
    CHECK(events[0].kind == Kind::HeaderError);
    CHECK(events[1].text == "{}");
  }
  SECTION("an endless header block is cut at the limit") {
    FrameLimits limits;
    limits.maxHeaderBytes = 64;
    auto events = read(std::string(1000, 'x') + "\n" + encodeFrame("{}"), 10, limits);
    REQUIRE(events.size() >= 2);
    CHECK(events.front().text == "header block exceeds 64 bytes");
    CHECK(events.back().text == "{}");
  }
}

TEST_CASE("a Content-Length above the limit is refused and its body skipped unread", "[framing]") {
  FrameLimits limits;
  limits.maxContentLength = 16;
  std::string big(100, 'z');
  auto events = read(encodeFrame(big) + encodeFrame("{\"after\":1}"), 7, limits);
  REQUIRE(events.size() == 2);
  CHECK(events[0].kind == Kind::TooLarge);
  CHECK(events[0].text == "message of 100 bytes exceeds the limit of 16 bytes");
  CHECK(events[1].text == "{\"after\":1}");
}

TEST_CASE("the default limit is 64 MiB", "[framing]") {
  CHECK(FrameLimits{}.maxContentLength == 64u * 1024 * 1024);
  FrameReader reader;
  reader.feed("Content-Length: 67108865\r\n\r\n");
  auto e = reader.next();
  REQUIRE(e);
  CHECK(e->kind == Kind::TooLarge);
}

TEST_CASE("end of input names what was left incomplete", "[framing]") {
  FrameReader clean;
  clean.feed(encodeFrame("{}") + "\r\n");
  CHECK_FALSE(clean.finish());

  FrameReader body;
  body.feed("Content-Length: 10\r\n\r\n{\"a\"");
  REQUIRE(body.finish());
  CHECK(*body.finish() == "message truncated at end of input: got 4 of 10 body bytes");
  CHECK_FALSE(body.next());

  FrameReader header;
  header.feed("Content-Len");
  REQUIRE(header.finish());
  CHECK(*header.finish() == "header truncated at end of input: \"Content-Len\"");
}

TEST_CASE("the buffer does not keep consumed input", "[framing]") {
  FrameReader reader;
  std::string frame = encodeFrame(std::string(1000, 'a'));
  for (int i = 0; i < 10000; ++i) {
    reader.feed(frame);
    auto e = reader.next();
    REQUIRE(e);
    REQUIRE(e->text.size() == 1000);
    REQUIRE(reader.bufferedBytes() <= 2 * frame.size());
  }
  CHECK_FALSE(reader.finish());
}
