// `tacit serve`: the language server over stdin/stdout.
#pragma once

#include <cstddef>

namespace tacit::lsp {

struct ServeOptions {
  size_t maxMessageBytes = 64u << 20;  // larger frames are refused (-32600) and skipped
  int inFd = 0;
  int outFd = 1;
};

// Runs until `exit`, end of input, or a write failure; returns the process's
// exit status (0 after `shutdown`, 1 otherwise).
int serve(const ServeOptions& options);

}  // namespace tacit::lsp
