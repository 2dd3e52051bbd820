#include "server/lsp/serve.h"

#include "server/host/scheduler.h"
#include "server/log/log.h"
#include "server/lsp/lsp_server.h"
#include "server/transport/event_loop.h"
#include "server/transport/transport.h"

namespace tacit::lsp {

using transport::CloseReason;
using transport::FrameEvent;

int serve(const ServeOptions& options) {
  transport::EventLoop loop;
  transport::FrameLimits limits;
  limits.maxContentLength = options.maxMessageBytes;
  auto channel = transport::makeFdTransport(loop, options.inFd, options.outFd, limits);

  host::LoopScheduler scheduler(loop);
  ServerOptions serverOptions;
  serverOptions.loop = &loop;
  serverOptions.scheduler = &scheduler;
  LspServer server([&channel](std::string body) { channel->send(std::move(body)); }, serverOptions);
  server.setExitHandler([&channel] { channel->close(); });

  transport::TransportHandlers handlers;
  handlers.onMessage = [&server](std::string body) { server.connection().receive(body); };
  handlers.onFrameError = [&server](const FrameEvent& e) {
    server.connection().receiveFrameError(e.kind == FrameEvent::Kind::TooLarge
                                              ? rpc::ErrorCode::InvalidRequest
                                              : rpc::ErrorCode::ParseError,
                                          e.text);
  };
  handlers.onClose = [&](CloseReason reason, const std::string& detail) {
    switch (reason) {
      case CloseReason::Closed:
        break;
      case CloseReason::EndOfInput:
        if (!detail.empty()) TACIT_LOG(Warn) << detail;
        TACIT_LOG(Info) << "the client closed the connection";
        break;
      case CloseReason::ReadFailed:
        TACIT_LOG(Error) << "reading from the client failed: " << detail;
        break;
      case CloseReason::WriteFailed:
        TACIT_LOG(Error) << "writing to the client failed (" << detail << "); exiting";
        break;
    }
    server.connection().failOutgoing({rpc::ErrorCode::RequestFailed, "the client went away"});
    loop.stop();
  };
  channel->start(std::move(handlers));
  loop.run();
  return server.exitCode();
}

}  // namespace tacit::lsp
