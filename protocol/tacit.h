// Tacit's own LSP extension methods (documented in docs/protocol.md). Data only.
#pragma once

#include <cstdint>
#include <string>

#include "protocol/lsp.h"

namespace tacit::protocol {

// tacit/documentText: the server's copy of an open document, for clients and
// tests to check that both sides agree (like rust-analyzer/viewFileText).
struct DocumentTextParams {
  TextDocumentIdentifier textDocument;
};
void fromJSON(const json&, DocumentTextParams&, const std::string& path);

struct DocumentTextResult {
  std::string uri;
  int64_t version = 0;
  std::string text;
  uint32_t lineCount = 0;
};
void to_json(json&, const DocumentTextResult&);

}  // namespace tacit::protocol
