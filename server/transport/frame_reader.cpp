#include "server/transport/frame_reader.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace tacit::transport {
namespace {

constexpr std::string_view kContentLength = "content-length";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Printable excerpt of garbage for error messages.
std::string excerpt(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 40)) {
    unsigned char u = static_cast<unsigned char>(c);
    out += (u >= 0x20 && u < 0x7f) ? c : '?';
  }
  if (s.size() > 40) out += "...";
  return out;
}

}  // namespace

FrameReader::FrameReader(FrameLimits limits) : limits_(limits) {}

void FrameReader::feed(std::string_view bytes) {
  // Drop consumed input before growing, so the buffer stays O(one message).
  if (pos_ > 0 && (pos_ == buffer_.size() || pos_ > (1u << 16))) {
    buffer_.erase(0, pos_);
    scanFrom_ -= std::min(scanFrom_, pos_);
    pos_ = 0;
  }
  buffer_.append(bytes);
  parse();
}

std::optional<FrameEvent> FrameReader::next() {
  if (events_.empty()) return std::nullopt;
  FrameEvent e = std::move(events_.front());
  events_.pop_front();
  return e;
}

std::optional<std::string> FrameReader::finish() const {
  size_t pending = buffer_.size() - pos_;
  switch (state_) {
    case State::Body:
    case State::Skip:
      return "message truncated at end of input: got " + std::to_string(pending) + " of " +
             std::to_string(bodyLength_) + " body bytes";
    case State::Headers: {
      std::string_view rest(buffer_.data() + pos_, pending);
      if (trim(rest).empty() || rest.find_first_not_of("\r\n") == std::string_view::npos)
        return std::nullopt;
      return "header truncated at end of input: \"" + excerpt(rest) + "\"";
    }
    case State::Resync:
      return std::nullopt;
  }
  return std::nullopt;
}

void FrameReader::emit(FrameEvent::Kind kind, std::string text) {
  events_.push_back(FrameEvent{kind, std::move(text)});
}

void FrameReader::headerError(std::string text) {
  emit(FrameEvent::Kind::HeaderError, std::move(text));
  state_ = State::Resync;
}

void FrameReader::parse() {
  for (;;) {
    size_t available = buffer_.size() - pos_;
    switch (state_) {
      case State::Headers:
        if (!parseHeaders()) return;
        break;
      case State::Body:
        if (available < bodyLength_) return;
        emit(FrameEvent::Kind::Message, buffer_.substr(pos_, bodyLength_));
        pos_ += bodyLength_;
        scanFrom_ = pos_;
        state_ = State::Headers;
        break;
      case State::Skip: {
        size_t n = std::min(available, bodyLength_);
        pos_ += n;
        bodyLength_ -= n;
        if (bodyLength_ > 0) return;
        scanFrom_ = pos_;
        state_ = State::Headers;
        break;
      }
      case State::Resync:
        if (!resync()) return;
        break;
    }
  }
}

// After a header error the length of the bad message is unknown, so skip to
// the next "Content-Length" (any case), wherever it is: clients write frames
// back to back, so the next header usually follows a body with no line break.
// A body that itself contains the words only costs one more header error.
bool FrameReader::resync() {
  std::string_view rest(buffer_.data() + pos_, buffer_.size() - pos_);
  auto it = std::search(rest.begin(), rest.end(), kContentLength.begin(), kContentLength.end(),
                        [](char x, char y) { return std::tolower(static_cast<unsigned char>(x)) == y; });
  if (it == rest.end()) {
    // Keep what may be the start of a header split across reads.
    size_t keep = std::min(rest.size(), kContentLength.size() - 1);
    pos_ += rest.size() - keep;
    scanFrom_ = pos_;
    return false;
  }
  pos_ += static_cast<size_t>(it - rest.begin());
  scanFrom_ = pos_;
  state_ = State::Headers;
  return true;
}

bool FrameReader::parseHeaders() {
  // Blank lines between messages are tolerated.
  while (pos_ < buffer_.size() && (buffer_[pos_] == '\r' || buffer_[pos_] == '\n')) {
    if (buffer_[pos_] == '\r' && pos_ + 1 == buffer_.size()) break;  // maybe "\r\n" split
    ++pos_;
  }
  scanFrom_ = std::max(scanFrom_, pos_);

  // Find the blank line ending the header block ("\r\n\r\n" or "\n\n").
  size_t end = std::string::npos, bodyStart = 0;
  for (size_t i = scanFrom_; i < buffer_.size(); ++i) {
    if (buffer_[i] != '\n') continue;
    size_t j = i + 1;
    if (j < buffer_.size() && buffer_[j] == '\r') ++j;
    if (j < buffer_.size() && buffer_[j] == '\n') {
      end = i;
      bodyStart = j + 1;
      break;
    }
  }
  if (end == std::string::npos) {
    size_t pending = buffer_.size() - pos_;
    if (pending > limits_.maxHeaderBytes) {
      ++pos_;  // so that the resync cannot land on this same header again
      headerError("header block exceeds " + std::to_string(limits_.maxHeaderBytes) + " bytes");
      return true;
    }
    // Resume just before the end, where a terminator may be split.
    scanFrom_ = buffer_.size() > pos_ + 3 ? buffer_.size() - 3 : pos_;
    return false;
  }

  std::string_view block(buffer_.data() + pos_, end - pos_);
  pos_ = bodyStart;
  scanFrom_ = pos_;

  std::optional<size_t> length;
  std::string problem;
  bool lengthKnown = true;  // false when the problem is the length itself
  size_t lineStart = 0;
  while (lineStart <= block.size() && lengthKnown) {
    size_t nl = block.find('\n', lineStart);
    std::string_view line =
        block.substr(lineStart, nl == std::string_view::npos ? std::string_view::npos : nl - lineStart);
    lineStart = nl == std::string_view::npos ? block.size() + 1 : nl + 1;
    line = trim(line);
    if (line.empty()) continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      if (problem.empty()) problem = "garbled header line \"" + excerpt(line) + "\"";
      continue;
    }
    std::string_view name = trim(line.substr(0, colon));
    std::string_view value = trim(line.substr(colon + 1));
    if (!iequals(name, kContentLength)) continue;  // Content-Type and others: ignored
    size_t parsed = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
    if (value.empty() || ec != std::errc() || ptr != value.data() + value.size()) {
      problem = "invalid Content-Length \"" + excerpt(value) + "\"";
      lengthKnown = false;
      break;
    }
    if (length && *length != parsed) {
      problem = "conflicting Content-Length headers (" + std::to_string(*length) + " and " +
                std::to_string(parsed) + ")";
      lengthKnown = false;
      break;
    }
    length = parsed;
  }
  if (problem.empty() && !length) problem = "missing Content-Length header";
  if (!problem.empty() && (!lengthKnown || !length)) {
    headerError(std::move(problem));
    return true;
  }
  bodyLength_ = *length;
  if (!problem.empty()) {
    // A garbled line beside a valid length: skip exactly this message.
    emit(FrameEvent::Kind::HeaderError, std::move(problem));
    state_ = State::Skip;
    return true;
  }
  if (bodyLength_ > limits_.maxContentLength) {
    emit(FrameEvent::Kind::TooLarge, "message of " + std::to_string(bodyLength_) +
                                         " bytes exceeds the limit of " +
                                         std::to_string(limits_.maxContentLength) + " bytes");
    state_ = State::Skip;
  } else {
    state_ = State::Body;
  }
  return true;
}

std::string encodeFrame(std::string_view body) {
  std::string out = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  out.append(body);
  return out;
}

}  // namespace tacit::transport
