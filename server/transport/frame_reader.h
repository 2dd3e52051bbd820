// Incremental parser of the LSP base protocol: "Content-Length: N\r\n\r\n"
// followed by N bytes of body. Pure (no I/O), so it is unit-tested and fuzzed
// directly and shared by every connection: stdio, extension pipes, tests.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace tacit::transport {

struct FrameLimits {
  // A Content-Length above this is refused and its body skipped unread.
  size_t maxContentLength = 64u << 20;  // 64 MiB
  // A header block that grows past this without its blank line is garbage.
  size_t maxHeaderBytes = 8u << 10;
};

struct FrameEvent {
  enum class Kind {
    Message,      // `text` is the body
    HeaderError,  // missing, duplicated or garbled headers; `text` says which
    TooLarge,     // Content-Length above the limit; the body is skipped
  };
  Kind kind;
  std::string text;
};

class FrameReader {
 public:
  explicit FrameReader(FrameLimits limits = {});

  // Consumes bytes; complete events are then available from next().
  void feed(std::string_view bytes);
  std::optional<FrameEvent> next();

  // At end of input: what was left incomplete, if anything
  // ("message truncated at end of input: got 3 of 10 body bytes").
  std::optional<std::string> finish() const;

  const FrameLimits& limits() const { return limits_; }
  // Bytes held, consumed or not; stays within about one message.
  size_t bufferedBytes() const { return buffer_.size(); }

 private:
  enum class State { Headers, Body, Skip, Resync };

  void parse();
  bool parseHeaders();
  bool resync();
  void emit(FrameEvent::Kind kind, std::string text);
  void headerError(std::string text);

  FrameLimits limits_;
  State state_ = State::Headers;
  std::string buffer_;     // unconsumed input starts at pos_
  size_t pos_ = 0;
  size_t scanFrom_ = 0;    // where the search for the header terminator resumes
  size_t bodyLength_ = 0;  // for Body and Skip
  std::deque<FrameEvent> events_;
};

// Frames one message body for writing.
std::string encodeFrame(std::string_view body);

}  // namespace tacit::transport
