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
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/bench/lsp_child.h"

#ifndef TACIT_SOURCE_DIR
#error "TACIT_SOURCE_DIR must be defined"
#endif

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using tacit::bench::LspChild;
using tacit::bench::percentile;

void sh(const std::string& command) {
  if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
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
                     {"contributes",
                      {{"codeLens", true},
                       {"events", {"document/opened"}},
                       {"commands", {{{"command", name + ".echo"}}}}}}};
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
    auto s = std::make_unique<LspChild>(tacit, repo, configHome);
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

  // The externals are running once each has echoed the opened document
  // (in whatever order their echoes arrive).
  std::set<std::string> waiting = {"one", "two", "three"};
  while (!waiting.empty())
    external->waitFor([&](const json& m) {
      if (m["method"] != "window/logMessage") return false;
      const std::string message = m["params"]["message"];
      const auto space = message.find(" got document/opened");
      return space != std::string::npos && waiting.erase(message.substr(0, space)) > 0;
    });

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
  auto time = [&](LspChild& s, std::vector<double>& into) {
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
