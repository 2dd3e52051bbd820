// A framed, bidirectional message channel: LSP base-protocol frames over a
// pair of file descriptors (stdin/stdout, or a child process's pipes).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "server/transport/event_loop.h"
#include "server/transport/frame_reader.h"

namespace tacit::transport {

enum class CloseReason {
  EndOfInput,   // the peer closed its side; `detail` names a truncated message, if any
  ReadFailed,   // read error on the input
  WriteFailed,  // the peer stopped reading (EPIPE) or another write error
  Closed,       // close() was called and the output was flushed
};

struct TransportHandlers {
  std::function<void(std::string body)> onMessage;
  // A frame that could not be read; reading goes on with the next frame.
  std::function<void(const FrameEvent& error)> onFrameError;
  // Called once; no callback follows it.
  std::function<void(CloseReason, const std::string& detail)> onClose;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Starts reading; handlers run on the event loop's thread.
  virtual void start(TransportHandlers handlers) = 0;
  // Thread-safe: frames `body` and queues it for writing.
  virtual void send(std::string body) = 0;
  // Stops reading, writes what is queued, then reports CloseReason::Closed.
  virtual void close() = 0;
};

// Frames over two descriptors that the transport does not own (it never
// closes them). Pipes, sockets and terminals are read asynchronously; regular
// files (`tacit serve < transcript`) are read and written synchronously.
std::unique_ptr<Transport> makeFdTransport(EventLoop& loop, int inFd, int outFd,
                                           FrameLimits limits = {});

}  // namespace tacit::transport
