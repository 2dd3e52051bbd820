// An error as a value: a JSON-RPC code and a one-line message.
#pragma once

#include <string>

#include "protocol/jsonrpc.h"

namespace tacit::rpc {

using protocol::ErrorCode;

struct Error {
  ErrorCode code = ErrorCode::InternalError;
  std::string message;
};

}  // namespace tacit::rpc
