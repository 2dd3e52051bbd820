// The personal verbs: reminders (remind, reminders, snooze, done) and
// questions scheduled to be sent later (send, cancel). Everything they touch
// lives in the private store (server/store/personal.h) and is never shared.
// Output formats are documented in docs/cli.md.
#pragma once

#include <cstdint>

namespace CLI {
class App;
}
namespace tacit::store {
class Store;
struct Reminder;
}  // namespace tacit::store

namespace tacit::cli {

// One line of `tacit reminders` and of the inbox: id, when, where, what.
void printReminderLine(store::Store& s, const store::Reminder& r, int64_t now);

// Registers the subcommands on `app`. After app.parse(), run() executes the
// one that was given and returns the exit status, or -1 when none was.
class ReminderCommands {
 public:
  explicit ReminderCommands(CLI::App& app);
  ~ReminderCommands();
  int run();

 private:
  struct State;
  State* state_;
};

}  // namespace tacit::cli
