// The plugin host with real external extensions (python3 running
// tests/host/fixtures/test_extension.py), a real event loop and pipes, and an
// injectable clock (ManualScheduler): timeouts, backoff and giving up happen
// when the test moves the clock, so nothing here waits for time to pass.
#include <catch2/catch.hpp>
#include <signal.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "server/host/config.h"
#include "server/host/external.h"
#include "server/host/host.h"
#include "server/host/scheduler.h"
#include "server/transport/event_loop.h"

#ifndef TACIT_SOURCE_DIR
#error "TACIT_SOURCE_DIR must be defined"
#endif

namespace {

namespace fs = std::filesystem;
using namespace tacit::host;
using namespace std::chrono_literals;
using State = ExternalExtension::State;

// The editor's side, as the host sees it: what it was told.
struct RecordingClient final : Host::Client {
  std::vector<std::string> messages;
  int refreshes = 0;
  void showMessage(tacit::protocol::MessageType, const std::string& m) override { messages.push_back(m); }
  void publishDiagnostics(const std::string&, const std::vector<tacit::protocol::Diagnostic>&) override {}
  void refresh() override { ++refreshes; }
};

Manifest testManifest(const std::string& name, const std::string& mode) {
  Manifest m;
  m.name = name;
  m.version = "1";
  m.command = {"python3", std::string(TACIT_SOURCE_DIR) + "/tests/host/fixtures/test_extension.py", mode, name};
  m.activationEvents = {"*"};
  m.contributes.codeLens = true;
  m.contributes.commands = {{name + ".echo", "Echo"}};
  m.folder = fs::temp_directory_path().string();
  m.origin = "test";
  return m;
}

struct Fixture {
  tacit::transport::EventLoop loop;
  ManualScheduler clock;
  RecordingClient client;
  std::unique_ptr<Host> host;

  Fixture() {
    std::signal(SIGPIPE, SIG_IGN);
    Host::Options o;
    o.scheduler = &clock;
    o.loop = &loop;
    o.external = false;  // no user configuration: the test adds extensions itself
    host = std::make_unique<Host>(std::move(o), client);
  }
  ~Fixture() { host.reset(); }

  ExternalExtension& add(const std::string& name, const std::string& mode) {
    ExternalExtension::Options o;
    o.manifest = testManifest(name, mode);
    o.timeout = 2000ms;
    auto ext = std::make_unique<ExternalExtension>(std::move(o), loop, clock);
    auto& ref = *ext;
    host->add(std::move(ext));
    return ref;
  }
  void until(const std::function<bool()>& done) { REQUIRE(loop.runUntil(done)); }

  std::vector<std::string> lensTitles() {
    std::optional<std::vector<tacit::protocol::CodeLens>> answer;
    host->codeLenses({"file:///w/a.py", "a.py", "python", 1}, [&](auto lenses) { answer = std::move(lenses); });
    until([&] { return answer.has_value(); });
    std::vector<std::string> titles;
    for (const auto& l : *answer) titles.push_back(l.command->title);
    return titles;
  }
};

bool processGone(int pid) { return ::kill(pid, 0) != 0 && errno == ESRCH; }

}  // namespace

TEST_CASE("host: a well-behaved extension answers, and shuts down when asked", "[host]") {
  Fixture f;
  auto& ext = f.add("good", "good");
  f.host->start();
  f.until([&] { return ext.state() == State::Running; });
  CHECK(f.lensTitles() == std::vector<std::string>{"good: a.py"});

  std::optional<CommandResult> echoed;
  f.host->executeCommand("good.echo", {1, 2}, [&](CommandResult r) { echoed = r; });
  f.until([&] { return echoed.has_value(); });
  CHECK(echoed->value == nlohmann::json{{"echo", {1, 2}}});

  int pid = *ext.pid();
  bool stopped = false;
  f.host->shutdown([&](bool) { stopped = true; });
  f.until([&] { return stopped; });
  CHECK(ext.state() == State::Stopped);
  CHECK(processGone(pid));
  CHECK(f.client.messages.empty());
}

TEST_CASE("host: an extension that crashes on start is restarted with backoff and given up after 5", "[host]") {
  Fixture f;
  auto& ext = f.add("crasher", "crash-on-start");
  f.host->start();
  f.until([&] { return ext.state() == State::Backoff; });
  CHECK(ext.starts() == 1);
  CHECK(ext.failures() == 1);
  CHECK(ext.lastFailure() == "exited with status 3");
  // While it is down, requests are answered at once without it.
  CHECK(f.lensTitles().empty());

  // 1 s, 2 s, 4 s, 8 s: not a moment earlier.
  for (auto [delay, failures] : {std::pair{1000ms, 2}, {2000ms, 3}, {4000ms, 4}, {8000ms, 5}}) {
    f.clock.advance(delay - 1ms);
    CHECK(ext.starts() == failures - 1);
    f.clock.advance(1ms);
    CHECK(ext.starts() == failures);
    f.until([&] { return ext.state() != State::Starting; });
    CHECK(ext.failures() == failures);
  }
  CHECK(ext.state() == State::GivenUp);
  REQUIRE(f.client.messages.size() == 1);
  CHECK(f.client.messages[0] ==
        "tacit: extension 'crasher' failed 5 times in a row (last: exited with status 3); it is off until Tacit restarts");
  f.clock.advance(24h);
  CHECK(ext.starts() == 5);
  CHECK(f.client.messages.size() == 1);
}

TEST_CASE("host: a hung extension is cut off at the timeout, killed and restarted", "[host]") {
  Fixture f;
  auto& good = f.add("good", "good");
  auto& sleeper = f.add("sleeper", "hang");
  f.host->start();
  f.until([&] { return good.state() == State::Running && sleeper.state() == State::Running; });
  int pid = *sleeper.pid();

  std::optional<std::vector<tacit::protocol::CodeLens>> answer;
  f.host->codeLenses({"file:///w/a.py", "a.py", "python", 1}, [&](auto lenses) { answer = std::move(lenses); });
  f.until([&] { return good.callsInFlight() == 0; });  // the good one has answered
  CHECK_FALSE(answer.has_value());                      // the request waits for the sleeper...
  f.clock.advance(1999ms);
  CHECK_FALSE(answer.has_value());
  f.clock.advance(1ms);                                 // ...until the bound, and not beyond
  REQUIRE(answer.has_value());
  REQUIRE(answer->size() == 1);
  CHECK(answer->front().command->title == "good: a.py");
  CHECK(sleeper.state() == State::Backoff);
  CHECK(sleeper.lastFailure() == "did not answer textDocument/codeLens within 2000 ms");
  CHECK(processGone(pid));

  f.clock.advance(1000ms);
  f.until([&] { return sleeper.state() == State::Running; });
  CHECK(sleeper.starts() == 2);
  CHECK(f.client.refreshes >= 1);  // the editor is asked to fetch lenses again
}

TEST_CASE("host: crashing mid-request or writing garbage answers the request at once", "[host]") {
  Fixture f;
  auto& midway = f.add("midway", "crash-mid");
  auto& chatty = f.add("chatty", "garbage");
  auto& good = f.add("good", "good");
  f.host->start();
  f.until([&] {
    return midway.state() == State::Running && chatty.state() == State::Running && good.state() == State::Running;
  });
  // No clock movement: the failures themselves complete the request.
  CHECK(f.lensTitles() == std::vector<std::string>{"good: a.py"});
  CHECK(midway.state() == State::Backoff);
  CHECK(midway.lastFailure() == "exited with status 4");
  CHECK(chatty.state() == State::Backoff);
  CHECK(chatty.lastFailure().rfind("wrote something on stdout that is not a framed JSON-RPC message", 0) == 0);
  CHECK(f.client.messages.empty());  // one failure each: nobody is bothered yet
}

TEST_CASE("host: a run that stays healthy long enough resets the count of failures", "[host]") {
  Fixture f;
  auto& midway = f.add("midway", "crash-mid");
  f.host->start();
  f.until([&] { return midway.state() == State::Running; });
  f.lensTitles();
  CHECK(midway.failures() == 1);
  f.clock.advance(1000ms);
  f.until([&] { return midway.state() == State::Running; });
  f.lensTitles();  // crashed again quickly: two in a row
  CHECK(midway.failures() == 2);
  f.clock.advance(2000ms);
  f.until([&] { return midway.state() == State::Running; });
  f.clock.advance(60s);  // a healthy minute
  f.lensTitles();
  CHECK(midway.failures() == 1);
}

TEST_CASE("host: a command or lens of another extension is refused", "[host]") {
  Fixture f;
  f.add("good", "good");
  f.host->start();
  std::optional<CommandResult> r;
  f.host->executeCommand("other.thing", nullptr, [&](CommandResult x) { r = x; });
  REQUIRE(r.has_value());
  REQUIRE(r->error.has_value());
  CHECK(r->error->message == "unknown command: other.thing");
}

TEST_CASE("config: only a trusted workspace's declarations count", "[host]") {
  fs::path dir = fs::temp_directory_path() / ("tacit-config-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "repo/.tacit");
  fs::create_directories(dir / "repo/tools/lint");
  std::ofstream(dir / "repo/.tacit/extensions.json") << R"({"extensions": ["tools/lint"]})";
  std::ofstream(dir / "repo/tools/lint/tacit-extension.json")
      << R"({"name": "lint", "version": "1", "protocolVersion": 1, "command": ["./run"]})";
  UserConfig config = UserConfig::load((dir / "config.json").string());  // missing: empty

  Discovery untrusted = discover(config, (dir / "repo").string());
  CHECK(untrusted.manifests.empty());
  CHECK(untrusted.untrusted == std::vector<std::string>{"tools/lint"});
  CHECK(untrustedMessage(untrusted, (dir / "repo").string()).find("tacit trust " + fs::canonical(dir / "repo").string()) !=
        std::string::npos);

  CHECK(config.trust((dir / "repo").string()));
  CHECK_FALSE(config.trust((dir / "repo/").string()));  // the same place
  config.save();
  UserConfig reread = UserConfig::load((dir / "config.json").string());
  Discovery trusted = discover(reread, (dir / "repo").string());
  REQUIRE(trusted.manifests.size() == 1);
  CHECK(trusted.manifests[0].name == "lint");
  CHECK(trusted.manifests[0].origin == "workspace");

  std::ofstream(dir / "config.json") << R"({"extensionTimeoutMs": "soon"})";
  CHECK_THROWS_WITH(UserConfig::load((dir / "config.json").string()),
                    Catch::Contains("extensionTimeoutMs: expected milliseconds"));
  std::ofstream(dir / "bad.json") << R"({"name": "x", "version": "1", "protocolVersion": 2, "command": ["a"]})";
  CHECK_THROWS_WITH(readManifest((dir / "bad.json").string(), "test"),
                    Catch::Contains("protocolVersion 2 is not supported"));
  fs::remove_all(dir);
}

TEST_CASE("restart policy: exponential backoff, capped", "[host]") {
  RestartPolicy p;
  CHECK(p.backoff(1) == 1000ms);
  CHECK(p.backoff(2) == 2000ms);
  CHECK(p.backoff(4) == 8000ms);
  CHECK(p.backoff(6) == 30000ms);
  CHECK(p.backoff(60) == 30000ms);
}
