// The command line and extensions: `tacit trust`, `tacit untrust`,
// `tacit extensions`, and telling a workspace's extensions about what a
// command just did (thread/created, thread/changed, sync/finished) — the
// same host as the editor's, run until every extension has shut down
// (each bounded by its timeout).
#pragma once

#include <functional>

namespace CLI {
class App;
}
namespace tacit::host {
class Host;
}
namespace tacit::store {
class Store;
}

namespace tacit::cli {

// Starts the extensions the user allows in `s`'s workspace, lets `emit` send
// them events, then shuts them down. Does nothing (no process, no event
// loop) when no extension subscribes; prints the untrusted-workspace
// message on stderr when that is why.
void tellExtensions(store::Store& s, const std::function<void(host::Host&)>& emit);

class ExtensionCommands {
 public:
  explicit ExtensionCommands(CLI::App& app);
  ~ExtensionCommands();
  // The exit status of the subcommand given, or -1 when none of these was.
  int run();

 private:
  struct State;
  State* state_;
};

}  // namespace tacit::cli
