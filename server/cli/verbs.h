// What the groups of verbs (knowledge_commands, reminder_commands,
// walkthrough_commands) share: their (subcommand, action) lists, running the
// one that was parsed, and the store they work on.
#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

namespace CLI {
class App;
}
namespace tacit::store {
class Store;
}

namespace tacit::cli {

using Verbs = std::vector<std::pair<CLI::App*, std::function<int()>>>;

// Runs the parsed verb of `verbs` and returns its exit status (1 after one
// line `tacit: <what went wrong>` on stderr), or -1 when none was parsed.
int runVerbs(const Verbs& verbs);

// `tacit: <what went wrong>` on stderr, as one line whatever the message
// holds (a path, a remote's words): control characters become spaces.
void printError(const std::exception& e);

// The store of the repository holding the current folder, refreshed.
std::unique_ptr<store::Store> openStore();

}  // namespace tacit::cli
