#include "server/transport/event_loop.h"

#include <boost/asio/post.hpp>

#include "server/transport/event_loop_impl.h"

namespace tacit::transport {

EventLoop::EventLoop() : impl_(std::make_unique<Impl>()) {}
EventLoop::~EventLoop() = default;

void EventLoop::run() { impl_->io.run(); }
void EventLoop::stop() { impl_->io.stop(); }
void EventLoop::post(std::function<void()> fn) { boost::asio::post(impl_->io, std::move(fn)); }

}  // namespace tacit::transport
