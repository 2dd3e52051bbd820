#include "server/host/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <utility>  // before Boost (GCC 12 + C++20, ENVIRONMENT.md)

#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/io.hpp>
#include <boost/process/pipe.hpp>
#include <boost/process/search_path.hpp>
#include <boost/process/start_dir.hpp>

namespace tacit::host {

namespace bp = boost::process;
namespace fs = std::filesystem;

struct ChildProcess::Impl {
  bp::child child;
  int in = -1, out = -1;  // our ends of the pipes
  std::optional<std::string> status;

  ~Impl() {
    if (in >= 0) ::close(in);
    if (out >= 0) ::close(out);
  }
};

ChildProcess::ChildProcess(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ChildProcess::~ChildProcess() {
  if (!impl_->status) kill();
}

std::unique_ptr<ChildProcess> ChildProcess::spawn(const std::vector<std::string>& argv, const std::string& workdir) {
  if (argv.empty()) throw std::runtime_error("empty command");
  fs::path program = argv[0];
  if (argv[0].find('/') != std::string::npos) {
    if (program.is_relative()) program = fs::path(workdir) / program;
  } else {
    program = bp::search_path(argv[0]).string();
    if (program.empty()) throw std::runtime_error("\"" + argv[0] + "\" was not found on PATH");
  }
  std::error_code ec;
  if (!fs::is_regular_file(program, ec) || ::access(program.c_str(), X_OK) != 0)
    throw std::runtime_error(program.string() + " is not an executable file");

  bp::pipe toChild, fromChild;
  // Close-on-exec on every end: the child gets its stdin and stdout as dup2'd
  // copies (which do not inherit the flag), and no other child (git, another
  // extension) inherits these pipes, which would hide this one's exit.
  for (int fd : {toChild.native_source(), toChild.native_sink(), fromChild.native_source(), fromChild.native_sink()})
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  std::vector<std::string> args(argv.begin() + 1, argv.end());
  auto impl = std::make_unique<Impl>();
  std::error_code spawnError;
  // stderr is inherited: what an extension logs lands in Tacit's log.
  impl->child = bp::child(bp::exe = program.string(), bp::args = args, bp::start_dir = workdir,
                          bp::std_in < toChild, bp::std_out > fromChild, spawnError);
  // Boost.Process closed the child's ends in this process; forget them so the
  // pipes' destructors do not close them again.
  toChild.assign_source(-1);
  fromChild.assign_sink(-1);
  if (spawnError) throw std::runtime_error("cannot start " + program.string() + ": " + spawnError.message());
  impl->in = toChild.native_sink();
  impl->out = fromChild.native_source();
  toChild.assign_sink(-1);
  fromChild.assign_source(-1);
  return std::unique_ptr<ChildProcess>(new ChildProcess(std::move(impl)));
}

int ChildProcess::stdinFd() const { return impl_->in; }
int ChildProcess::stdoutFd() const { return impl_->out; }
int ChildProcess::pid() const { return impl_->child.id(); }

namespace {

std::string describe(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "was killed by signal " + std::to_string(WTERMSIG(status));
  return "stopped";
}

}  // namespace

std::optional<std::string> ChildProcess::exited() {
  if (impl_->status) return impl_->status;
  int status = 0;
  pid_t r;
  do r = ::waitpid(impl_->child.id(), &status, WNOHANG);
  while (r < 0 && errno == EINTR);
  if (r == 0) return std::nullopt;
  impl_->status = r > 0 ? describe(status) : std::string("ended");
  impl_->child.detach();  // reaped here, not by Boost.Process
  return impl_->status;
}

void ChildProcess::kill() {
  if (exited()) return;
  ::kill(impl_->child.id(), SIGKILL);
  int status = 0;
  pid_t r;
  do r = ::waitpid(impl_->child.id(), &status, 0);
  while (r < 0 && errno == EINTR);
  impl_->status = r > 0 ? describe(status) : std::string("ended");
  impl_->child.detach();
}

}  // namespace tacit::host
