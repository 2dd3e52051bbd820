#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "server/log/log.h"
#include "server/transport/event_loop_impl.h"
#include "server/transport/transport.h"

namespace tacit::transport {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

// One side of the transport: an Asio descriptor when the fd supports epoll,
// otherwise (regular files, /dev/null) plain blocking calls, which never
// block for long on such files.
struct Endpoint {
  int fd = -1;
  std::optional<asio::posix::stream_descriptor> stream;

  Endpoint(asio::io_context& io, int f) : fd(f) {
    asio::posix::stream_descriptor s(io);
    error_code ec;
    s.assign(fd, ec);
    if (!ec) stream.emplace(std::move(s));
  }
  ~Endpoint() {
    // The descriptors belong to the caller: release, never close.
    if (stream) stream->release();
  }
  bool async() const { return stream.has_value(); }
};

class FdTransport final : public Transport {
  // Handlers may run after the transport is destroyed (an extension's pipes
  // are dropped with it): each checks that it is still alive.
  template <typename F>
  std::function<void()> guarded(F fn) {
    return [alive = std::weak_ptr<char>(alive_), fn = std::move(fn)]() mutable {
      if (!alive.expired()) fn();
    };
  }
 public:
  FdTransport(EventLoop& loop, int inFd, int outFd, FrameLimits limits)
      : io_(loop.impl().io), in_(io_, inFd), out_(io_, outFd), reader_(limits) {}

  void start(TransportHandlers handlers) override {
    handlers_ = std::move(handlers);
    asio::post(io_, guarded([this] { readMore(); }));
  }

  void send(std::string body) override {
    asio::post(io_, [this, alive = std::weak_ptr<char>(alive_), frame = encodeFrame(body)]() mutable {
      if (alive.expired() || state_ == State::Done) return;
      queue_.push_back(std::move(frame));
      writeMore();
    });
  }

  void close() override {
    asio::post(io_, guarded([this] { beginClose(CloseReason::Closed, ""); }));
  }

 private:
  enum class State { Open, Draining, Done };


  void readMore() {
    if (state_ != State::Open) return;
    if (!in_.async()) {
      ssize_t n;
      do n = ::read(in_.fd, buffer_.data(), buffer_.size());
      while (n < 0 && errno == EINTR);
      if (n < 0) return fail(CloseReason::ReadFailed, std::strerror(errno));
      if (n == 0) return endOfInput();
      deliver(static_cast<size_t>(n));
      // Yield to the loop between chunks so replies are written as we go.
      asio::post(io_, guarded([this] { readMore(); }));
      return;
    }
    in_.stream->async_read_some(asio::buffer(buffer_), [this, alive = std::weak_ptr<char>(alive_)](error_code ec, size_t n) {
      if (alive.expired() || state_ != State::Open) return;
      if (ec == asio::error::eof) return endOfInput();
      if (ec) return fail(CloseReason::ReadFailed, ec.message());
      deliver(n);
      readMore();
    });
  }

  void deliver(size_t n) {
    reader_.feed(std::string_view(buffer_.data(), n));
    while (state_ == State::Open) {
      auto event = reader_.next();
      if (!event) break;
      if (event->kind == FrameEvent::Kind::Message) {
        if (handlers_.onMessage) handlers_.onMessage(std::move(event->text));
      } else if (handlers_.onFrameError) {
        handlers_.onFrameError(*event);
      }
    }
  }

  void endOfInput() { beginClose(CloseReason::EndOfInput, reader_.finish().value_or("")); }

  // Stops reading; reports the close once everything queued is written.
  void beginClose(CloseReason reason, std::string detail) {
    if (state_ != State::Open) return;
    state_ = State::Draining;
    closeReason_ = reason;
    closeDetail_ = std::move(detail);
    if (in_.async()) {
      error_code ignored;
      in_.stream->cancel(ignored);
    }
    writeMore();
  }

  void writeMore() {
    if (writing_ || state_ == State::Done) return;
    if (queue_.empty()) {
      if (state_ == State::Draining) finish(closeReason_, closeDetail_);
      return;
    }
    if (!out_.async()) {
      while (!queue_.empty()) {
        const std::string& frame = queue_.front();
        size_t done = 0;
        while (done < frame.size()) {
          ssize_t n = ::write(out_.fd, frame.data() + done, frame.size() - done);
          if (n < 0 && errno == EINTR) continue;
          if (n < 0) return fail(CloseReason::WriteFailed, std::strerror(errno));
          done += static_cast<size_t>(n);
        }
        queue_.pop_front();
      }
      return writeMore();
    }
    writing_ = true;
    asio::async_write(*out_.stream, asio::buffer(queue_.front()), [this, alive = std::weak_ptr<char>(alive_)](error_code ec, size_t) {
      if (alive.expired()) return;
      writing_ = false;
      if (state_ == State::Done) return;
      if (ec) return fail(CloseReason::WriteFailed, ec.message());
      queue_.pop_front();
      writeMore();
    });
  }

  void fail(CloseReason reason, const std::string& detail) {
    if (state_ == State::Draining && reason != CloseReason::WriteFailed) return;
    finish(reason, detail);
  }

  void finish(CloseReason reason, const std::string& detail) {
    if (state_ == State::Done) return;
    state_ = State::Done;
    queue_.clear();
    error_code ignored;
    if (in_.async()) in_.stream->cancel(ignored);
    if (out_.async()) out_.stream->cancel(ignored);
    if (handlers_.onClose) handlers_.onClose(reason, detail);
  }

  asio::io_context& io_;
  Endpoint in_;
  Endpoint out_;
  FrameReader reader_;
  TransportHandlers handlers_;
  std::array<char, 1 << 16> buffer_{};
  std::deque<std::string> queue_;
  bool writing_ = false;
  State state_ = State::Open;
  std::shared_ptr<char> alive_ = std::make_shared<char>();
  CloseReason closeReason_ = CloseReason::Closed;
  std::string closeDetail_;
};

}  // namespace

std::unique_ptr<Transport> makeFdTransport(EventLoop& loop, int inFd, int outFd,
                                           FrameLimits limits) {
  return std::make_unique<FdTransport>(loop, inFd, outFd, limits);
}

}  // namespace tacit::transport
