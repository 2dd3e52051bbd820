// `tacit demo`: two teammates' clones of a throwaway repository, the
// knowledge they leave and share through git, and what an editor shows for
// it — produced by the real store, sync and language server.
#pragma once

namespace tacit::cli {

// Prints the demo on stdout; returns the exit status. `keep`: leave the
// repositories in place (their path is printed).
int runDemo(bool keep);

}  // namespace tacit::cli
