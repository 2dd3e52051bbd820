// The process's one event loop (a Boost.Asio io_context behind a pimpl, so
// Asio's headers stay inside server/transport's .cpp files).
#pragma once

#include <functional>
#include <memory>

namespace tacit::transport {

class EventLoop {
 public:
  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Runs handlers until stop() or until no work is left.
  void run();
  void stop();
  // Thread-safe: runs `fn` on the loop's thread.
  void post(std::function<void()> fn);

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace tacit::transport
