#include "server/transport/event_loop.h"

#include <boost/asio/post.hpp>

#include "server/transport/event_loop_impl.h"

namespace tacit::transport {

EventLoop::EventLoop() : impl_(std::make_unique<Impl>()) {}
EventLoop::~EventLoop() = default;

void EventLoop::run() { impl_->io.run(); }
void EventLoop::stop() { impl_->io.stop(); }

bool EventLoop::runUntil(const std::function<bool()>& done) {
  while (!done()) {
    if (impl_->io.run_one() == 0) {
      impl_->io.restart();
      return done();
    }
  }
  return true;
}
void EventLoop::post(std::function<void()> fn) { boost::asio::post(impl_->io, std::move(fn)); }

EventLoop::TimerId EventLoop::after(std::chrono::steady_clock::duration delay, std::function<void()> fn) {
  TimerId id = impl_->nextTimer++;
  auto timer = std::make_unique<boost::asio::steady_timer>(impl_->io, delay);
  timer->async_wait([this, id, fn = std::move(fn)](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled
    // Erase first: `fn` may set new timers or cancel others.
    auto node = impl_->timers.extract(id);
    if (node.empty()) return;
    fn();
  });
  impl_->timers.emplace(id, std::move(timer));
  return id;
}

void EventLoop::cancel(TimerId id) {
  // Destroying the timer cancels its wait; the handler then runs with
  // operation_aborted and does nothing.
  impl_->timers.erase(id);
}

}  // namespace tacit::transport
