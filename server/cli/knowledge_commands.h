// The knowledge verbs of the command line (note, ask, reply, list, show,
// search, sync, ...): each parses with CLI11 and calls the store. Output
// formats are documented in docs/cli.md.
#pragma once

namespace CLI {
class App;
}

namespace tacit::cli {

// Registers the subcommands on `app`. After app.parse(), run() executes the
// one that was given and returns the exit status, or -1 when none of them was.
class KnowledgeCommands {
 public:
  explicit KnowledgeCommands(CLI::App& app);
  ~KnowledgeCommands();
  int run();

 private:
  struct State;
  State* state_;
};

}  // namespace tacit::cli
