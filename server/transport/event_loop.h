// The process's one event loop (a Boost.Asio io_context behind a pimpl, so
// Asio's headers stay inside server/transport's .cpp files).
#pragma once

#include <chrono>
#include <cstdint>
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
  // Runs handlers until `done()` holds; false if the loop ran out of work
  // first (tests wait on conditions this way, never on sleeps).
  bool runUntil(const std::function<bool()>& done);
  // Thread-safe: runs `fn` on the loop's thread.
  void post(std::function<void()> fn);

  // Timers, on the loop's thread (not thread-safe: call from the loop).
  // `fn` runs once, `delay` from now, unless cancelled first.
  using TimerId = uint64_t;
  TimerId after(std::chrono::steady_clock::duration delay, std::function<void()> fn);
  void cancel(TimerId id);

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace tacit::transport
