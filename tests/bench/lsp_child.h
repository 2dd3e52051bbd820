// `tacit serve` as a child on two pipes, spoken to synchronously, for the
// benchmarks that measure requests end to end; and percentiles.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tacit::bench {

// `tacit serve` on two pipes, spoken to synchronously.
class LspChild {
 public:
  LspChild(const std::string& tacit, const std::filesystem::path& cwd, const std::filesystem::path& configHome) {
    int toChild[2], fromChild[2];
    if (pipe(toChild) != 0 || pipe(fromChild) != 0) throw std::runtime_error("pipe");
    pid_ = fork();
    if (pid_ == 0) {
      dup2(toChild[0], 0);
      dup2(fromChild[1], 1);
      for (int fd : {toChild[0], toChild[1], fromChild[0], fromChild[1]}) close(fd);
      if (chdir(cwd.c_str()) != 0) _exit(127);
      setenv("XDG_CONFIG_HOME", configHome.c_str(), 1);
      freopen("/dev/null", "w", stderr);
      execl(tacit.c_str(), tacit.c_str(), "serve", "--log-level", "error", nullptr);
      _exit(127);
    }
    close(toChild[0]);
    close(fromChild[1]);
    in_ = toChild[1];
    out_ = fdopen(fromChild[0], "r");
  }
  ~LspChild() {
    close(in_);
    fclose(out_);
    waitpid(pid_, nullptr, 0);
  }

  void send(const nlohmann::json& message) {
    std::string body = message.dump();
    std::string frame = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    if (write(in_, frame.data(), frame.size()) != static_cast<ssize_t>(frame.size()))
      throw std::runtime_error("write to tacit failed");
  }
  nlohmann::json receive() {
    size_t length = 0;
    char line[256];
    while (fgets(line, sizeof line, out_)) {
      std::string l(line);
      if (l == "\r\n" || l == "\n") break;
      if (l.rfind("Content-Length:", 0) == 0) length = std::stoul(l.substr(15));
    }
    std::string body(length, '\0');
    if (length == 0 || fread(body.data(), 1, length, out_) != length) throw std::runtime_error("tacit went away");
    received_ = std::chrono::steady_clock::now();
    return nlohmann::json::parse(body);
  }
  // The response to request `id`, skipping notifications and server requests.
  nlohmann::json request(const std::string& method, nlohmann::json params) {
    int id = next_++;
    send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
    for (;;) {
      nlohmann::json m = receive();
      if (m.contains("method")) {
        if (m.contains("id")) send({{"jsonrpc", "2.0"}, {"id", m["id"]}, {"result", nullptr}});
        continue;
      }
      if (m["id"] == id) return m;
    }
  }
  // Reads until a notification satisfies `pred` (answering server requests
  // on the way): waiting on a signal, never on time.
  template <class Pred>
  nlohmann::json waitFor(Pred pred) {
    for (;;) {
      nlohmann::json m = receive();
      if (!m.contains("method")) continue;
      if (m.contains("id")) {
        send({{"jsonrpc", "2.0"}, {"id", m["id"]}, {"result", nullptr}});
        continue;
      }
      if (pred(m)) return m;
    }
  }
  // When the last message was read in full, before it was parsed: a
  // request's server time ends here, not after the client's JSON parsing.
  std::chrono::steady_clock::time_point receivedAt() const { return received_; }

 private:
  pid_t pid_ = -1;
  int in_ = -1;
  FILE* out_ = nullptr;
  int next_ = 1;
  std::chrono::steady_clock::time_point received_;
};

inline double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5))];
}

}  // namespace tacit::bench
