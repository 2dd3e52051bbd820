// The knowledge verbs of the command line (note, ask, reply, list, show,
// search, sync, ...): each parses with CLI11 and calls the store. Output
// formats are documented in docs/cli.md.
#pragma once

#include <cstddef>
#include <string>

namespace CLI {
class App;
}
namespace tacit::store {
class Store;
struct Anchor;
struct Inbox;
}  // namespace tacit::store
namespace tacit::anchor {
struct Location;
}  // namespace tacit::anchor

namespace tacit::cli {

// For every verb that takes a place: an anchor on PATH:START[-END] (lines
// 1-based), read from the work tree, or from revision `rev` when not empty.
// StoreError for a path outside the repository, a missing file, lines past
// its end.
store::Anchor captureAnchor(store::Store& s, const std::string& spec, const std::string& rev);
// The first line of `text`, cut to `max` characters.
std::string firstLine(const std::string& text, size_t max = 60);
// "src/a.cpp:12-14", with the status when not exact ("(moved)").
std::string placeText(const anchor::Location& at);

// `tacit inbox` as people read it; `since` names how recent the news is ("7d").
void printInbox(store::Store& s, const store::Inbox& box, const std::string& since);

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
