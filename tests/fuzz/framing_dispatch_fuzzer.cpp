// Fuzzes the path every byte from a client takes: FrameReader (framing) ->
// Connection::receive (JSON-RPC decoding, gate, dispatch) -> LspServer
// handlers (lifecycle, documents, position encodings). Beyond the sanitizers
// it checks the protocol invariants:
//   - every byte written back is a JSON-RPC 2.0 message;
//   - every request is answered by the time receive() returns (all handlers
//     are synchronous today), so nothing is left pending;
//   - the reader never buffers much more than one message.
//
// Input: the first byte chooses how the rest is split into reads (0: one
// read; n: reads of n bytes), so split headers and bodies are explored.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "server/log/log.h"
#include "server/lsp/lsp_server.h"
#include "server/transport/frame_reader.h"

namespace {

[[noreturn]] void violated(const char* what, const std::string& detail) {
  std::fprintf(stderr, "invariant violated: %s: %s\n", what, detail.substr(0, 500).c_str());
  std::abort();
}

void checkOutgoing(const std::string& body) {
  nlohmann::json message;
  try {
    message = nlohmann::json::parse(body);
  } catch (const std::exception&) {
    violated("the server wrote invalid JSON", body);
  }
  if (!message.is_object() || message.value("jsonrpc", "") != "2.0")
    violated("the server wrote a message that is not JSON-RPC 2.0", body);
  bool response = message.contains("id") && !message.contains("method") &&
                  (message.contains("result") != message.contains("error"));
  bool outgoing = message.contains("method");
  if (!response && !outgoing) violated("the server wrote neither a response nor a request", body);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  tacit::log::setLevel(tacit::log::Level::Off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t chunk = data[0] == 0 ? size : data[0];
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);

  tacit::transport::FrameLimits limits;
  limits.maxContentLength = 1 << 16;  // small, so the too-large path is reachable
  limits.maxHeaderBytes = 1 << 10;
  tacit::transport::FrameReader reader(limits);
  // Without the knowledge store: fuzzed messages must not write into the
  // repository the fuzzer runs in.
  tacit::lsp::LspServer server([](std::string body) { checkOutgoing(body); }, /*knowledge=*/false);
  bool exited = false;
  server.setExitHandler([&exited] { exited = true; });
  auto& connection = server.connection();

  for (size_t at = 0; at < input.size() && !exited; at += chunk) {
    reader.feed(input.substr(at, chunk));
    if (reader.bufferedBytes() > limits.maxContentLength + limits.maxHeaderBytes + (1 << 16) + chunk)
      violated("the frame reader holds too much", std::to_string(reader.bufferedBytes()));
    while (auto event = reader.next()) {
      using Kind = tacit::transport::FrameEvent::Kind;
      if (event->kind == Kind::Message) {
        connection.receive(event->text);
      } else {
        connection.receiveFrameError(event->kind == Kind::TooLarge
                                         ? tacit::rpc::ErrorCode::InvalidRequest
                                         : tacit::rpc::ErrorCode::ParseError,
                                     event->text);
      }
      if (connection.pendingIncoming() != 0)
        violated("a request was left unanswered", std::to_string(connection.pendingIncoming()));
      if (exited) break;
    }
  }
  (void)reader.finish();
  return 0;
}
