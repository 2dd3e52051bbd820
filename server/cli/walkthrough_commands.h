// `tacit walkthrough ...`: create a walkthrough, add, move and remove its
// chapters, list and show walkthroughs, export one to Markdown with the code
// as it is now (server/store/walkthroughs.h; docs/cli.md).
#pragma once

namespace CLI {
class App;
}

namespace tacit::cli {

// Registers `walkthrough` and its subcommands on `app`. After app.parse(),
// run() executes the one given and returns the exit status, or -1 when none
// of them was.
class WalkthroughCommands {
 public:
  explicit WalkthroughCommands(CLI::App& app);
  ~WalkthroughCommands();
  WalkthroughCommands(const WalkthroughCommands&) = delete;
  WalkthroughCommands& operator=(const WalkthroughCommands&) = delete;
  int run();

 private:
  struct State;
  State* state_;
};

}  // namespace tacit::cli
