// Private to server/transport: the Asio type behind EventLoop.
#pragma once

#include <map>
#include <memory>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "server/transport/event_loop.h"

namespace tacit::transport {

struct EventLoop::Impl {
  boost::asio::io_context io;
  TimerId nextTimer = 1;
  std::map<TimerId, std::unique_ptr<boost::asio::steady_timer>> timers;
};

}  // namespace tacit::transport
