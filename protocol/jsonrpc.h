// JSON-RPC 2.0 and LSP error codes (data only).
#pragma once

namespace tacit::protocol {

enum class ErrorCode : int {
  // JSON-RPC 2.0
  ParseError = -32700,
  InvalidRequest = -32600,
  MethodNotFound = -32601,
  InvalidParams = -32602,
  InternalError = -32603,
  // LSP
  ServerNotInitialized = -32002,
  UnknownErrorCode = -32001,
  RequestFailed = -32803,
  ServerCancelled = -32802,
  ContentModified = -32801,
  RequestCancelled = -32800,
};

}  // namespace tacit::protocol
