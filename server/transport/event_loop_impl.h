// Private to server/transport: the Asio type behind EventLoop.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/executor_work_guard.hpp>

#include "server/transport/event_loop.h"

namespace tacit::transport {

struct EventLoop::Impl {
  boost::asio::io_context io;
};

}  // namespace tacit::transport
