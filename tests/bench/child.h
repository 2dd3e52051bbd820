// A child process for the benchmarks: runs argv in a folder with stdin and
// stdout redirected, and measures its wall time and peak RSS (wait4).
#pragma once

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace tacit::bench {

struct ChildRun {
  double seconds = 0;
  long maxRssKb = 0;
  int status = 0;  // the exit status, or 128 + the signal
};

inline ChildRun runChild(const std::vector<std::string>& argv, const std::filesystem::path& dir,
                         const std::string& out = "/dev/null", const std::string& in = "/dev/null") {
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    if (chdir(dir.c_str()) != 0) _exit(127);
    if (!freopen(out.c_str(), "w", stdout) || !freopen(in.c_str(), "r", stdin)) _exit(127);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  ChildRun r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.maxRssKb = usage.ru_maxrss;
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

// The 1-minute load average, printed beside the figures: a busy machine
// explains slow runs and a high p99.
inline std::string loadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one;
  in >> one;
  return one.empty() ? "?" : one;
}

}  // namespace tacit::bench
