// The plugin host's cost on the editor's hot path: p50 / p99 of a
// textDocument/codeLens request answered by `tacit serve` with the built-in
// extensions only (the baseline), and with three external extensions that
// contribute lenses too (python3, tests/host/fixtures/test_extension.py), in
// one run, interleaved in blocks so both see the same machine. Goal: the
// external round trips add less than 2 ms at p50.
//
// Usage: tacit-bench-host path/to/tacit [requests per server]
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#ifndef TACIT_SOURCE_DIR
#error "TACIT_SOURCE_DIR must be defined"
#endif

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

void sh(const std::string& command) {
  if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
}

// `tacit serve` on two pipes, spoken to synchronously.
class Server {
 public:
  Server(const std::string& tacit, const fs::path& cwd, const fs::path& configHome) {
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
  ~Server() {
    close(in_);
    fclose(out_);
    waitpid(pid_, nullptr, 0);
  }

  void send(const json& message) {
    std::string body = message.dump();
    std::string frame = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    if (write(in_, frame.data(), frame.size()) != static_cast<ssize_t>(frame.size()))
      throw std::runtime_error("write to tacit failed");
  }
  json receive() {
    size_t length = 0;
    char line[256];
    while (fgets(line, sizeof line, out_)) {
      std::string l(line);
      if (l == "\r\n" || l == "\n") break;
      if (l.rfind("Content-Length:", 0) == 0) length = std::stoul(l.substr(15));
    }
    std::string body(length, '\0');
    if (length == 0 || fread(body.data(), 1, length, out_) != length) throw std::runtime_error("tacit went away");
    return json::parse(body);
  }
  // The response to request `id`, skipping notifications and server requests.
  json request(const std::string& method, json params) {
    int id = next_++;
    send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
    for (;;) {
      json m = receive();
      if (m.contains("method")) {
        if (m.contains("id")) send({{"jsonrpc", "2.0"}, {"id", m["id"]}, {"result", nullptr}});
        continue;
      }
      if (m["id"] == id) return m;
    }
  }

 private:
  pid_t pid_ = -1;
  int in_ = -1;
  FILE* out_ = nullptr;
  int next_ = 1;
};

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5))];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: tacit-bench-host path/to/tacit [requests]\n";
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  const std::string tacit = fs::absolute(argv[1]).string();
  const int requests = argc > 2 ? std::atoi(argv[2]) : 2000;
  fs::path dir = fs::temp_directory_path() / ("tacit-bench-host-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "repo");
  const fs::path repo = dir / "repo";

  // A repository with a file of 400 lines and 20 notes on it, for the built-in lens.
  {
    std::ofstream f(repo / "a.cpp");
    for (int i = 0; i < 400; ++i) f << "int line" << i << " = " << i << ";\n";
  }
  const std::string r = "cd '" + repo.string() + "' && ";
  sh(r + "git init -q && git config user.name Ada && git config user.email ada@example.com && git add -A && "
         "git commit -qm init");
  for (int i = 0; i < 20; ++i)
    sh(r + "'" + tacit + "' note add a.cpp:" + std::to_string(1 + i * 20) + " -m 'note " + std::to_string(i) +
       "' >/dev/null");

  // Two user configurations: none, and three external lens extensions.
  fs::create_directories(dir / "plain/tacit");
  std::ofstream(dir / "plain/tacit/config.json") << "{}";
  json config = {{"extensions", json::array()}};
  for (const std::string name : {"one", "two", "three"}) {
    fs::create_directories(dir / "ext" / name);
    json manifest = {{"name", name},
                     {"version", "1"},
                     {"protocolVersion", 1},
                     {"command", {"python3", std::string(TACIT_SOURCE_DIR) + "/tests/host/fixtures/test_extension.py",
                                  "good", name}},
                     {"activationEvents", {"*"}},
                     {"contributes", {{"codeLens", true}, {"commands", {{{"command", name + ".echo"}}}}}}};
    std::ofstream(dir / "ext" / name / "tacit-extension.json") << manifest.dump();
    config["extensions"].push_back((dir / "ext" / name).string());
  }
  fs::create_directories(dir / "external/tacit");
  std::ofstream(dir / "external/tacit/config.json") << config.dump();

  std::string text;
  {
    std::ifstream in(repo / "a.cpp");
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string uri = "file://" + (repo / "a.cpp").string();
  auto start = [&](const fs::path& configHome) {
    auto s = std::make_unique<Server>(tacit, repo, configHome);
    s->request("initialize", {{"processId", nullptr}, {"rootUri", "file://" + repo.string()}, {"capabilities", json::object()}});
    s->send({{"jsonrpc", "2.0"}, {"method", "initialized"}, {"params", json::object()}});
    s->send({{"jsonrpc", "2.0"},
             {"method", "textDocument/didOpen"},
             {"params", {{"textDocument", {{"uri", uri}, {"languageId", "cpp"}, {"version", 1}, {"text", text}}}}}});
    return s;
  };
  auto builtin = start(dir / "plain");
  auto external = start(dir / "external");
  const json params = {{"textDocument", {{"uri", uri}}}};

  // Warm up; check what each answers.
  size_t builtinLenses = 0, externalLenses = 0;
  for (int i = 0; i < 50; ++i) {
    builtinLenses = builtin->request("textDocument/codeLens", params)["result"].size();
    externalLenses = external->request("textDocument/codeLens", params)["result"].size();
  }
  if (builtinLenses != 20 || externalLenses != 23) {
    std::cerr << "unexpected lenses: " << builtinLenses << " built-in, " << externalLenses << " with externals\n";
    return 1;
  }

  std::vector<double> a, b;
  auto time = [&](Server& s, std::vector<double>& into) {
    auto t0 = Clock::now();
    json reply = s.request("textDocument/codeLens", params);
    into.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (!reply.contains("result")) throw std::runtime_error("codeLens failed: " + reply.dump());
  };
  for (int done = 0; done < requests; done += 50)
    for (int i = 0; i < 50; ++i) {
      time(*builtin, a);
      time(*external, b);
    }
  builtin->request("shutdown", nullptr);
  external->request("shutdown", nullptr);
  builtin->send({{"jsonrpc", "2.0"}, {"method", "exit"}});
  external->send({{"jsonrpc", "2.0"}, {"method", "exit"}});
  builtin.reset();
  external.reset();
  fs::remove_all(dir);

  const double a50 = percentile(a, 0.5), a99 = percentile(a, 0.99);
  const double b50 = percentile(b, 0.5), b99 = percentile(b, 0.99);
  std::printf("codeLens over stdio, %zu requests each (20 thread lenses; 3 external extensions add 1 lens each)\n",
              a.size());
  std::printf("  built-in extensions only:       p50 %.3f ms   p99 %.3f ms\n", a50, a99);
  std::printf("  with 3 external extensions:     p50 %.3f ms   p99 %.3f ms\n", b50, b99);
  std::printf("  external round trips add:       p50 %+.3f ms  p99 %+.3f ms   (ratio at p50 %.2fx)\n", b50 - a50,
              b99 - a99, b50 / a50);
  std::printf("  goal: less than 2 ms added at p50: %s\n", b50 - a50 < 2.0 ? "met" : "NOT met");
  return 0;
}
