// A child process with pipes on its stdin and stdout (stderr is shared with
// ours, so it lands in Tacit's log). Boost.Process lives behind this header,
// in process.cpp only: it is costly to compile.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tacit::host {

class ChildProcess {
 public:
  // Starts argv[0] (a path with a '/' is relative to `workdir`; a bare name is
  // looked up on PATH) in `workdir`. Throws std::runtime_error with a
  // one-line message when it cannot start.
  static std::unique_ptr<ChildProcess> spawn(const std::vector<std::string>& argv, const std::string& workdir);
  ~ChildProcess();  // kills and reaps the child if it still runs

  int stdinFd() const;   // we write the child's input here
  int stdoutFd() const;  // and read its output here
  int pid() const;

  // Reaps the child if it has exited; its description ("exited with status
  // 3", "was killed by signal 9"), or nullopt while it runs.
  std::optional<std::string> exited();
  // SIGKILL and reap.
  void kill();

 private:
  struct Impl;
  explicit ChildProcess(std::unique_ptr<Impl>);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tacit::host
