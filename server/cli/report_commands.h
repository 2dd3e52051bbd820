// `tacit report`: unanswered questions and waiting times for CI (docs/ci.md).
// Exit status: 0 nothing to fail on, 1 findings matching --fail-on, 2 a usage
// or environment error (one line on stderr).
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace tacit::cli {

class ReportCommands {
 public:
  ReportCommands(CLI::App& app, std::string version);
  ~ReportCommands();
  // After app.parse(): the exit status, or -1 when `report` was not given.
  int run();

 private:
  struct State;
  State* state_;
};

}  // namespace tacit::cli
