#include "server/cli/extensions.h"

#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>

#include "server/host/config.h"
#include "server/host/host.h"
#include "server/host/scheduler.h"
#include "server/log/log.h"
#include "server/store/event_log.h"
#include "server/store/store.h"
#include "server/transport/event_loop.h"

namespace tacit::cli {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

std::string rootOf(const store::Store& s) {
  std::string root = s.workdir();
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  return root;
}

// Messages for the user go to stderr, one line each.
class StderrClient final : public host::Host::Client {
 public:
  void showMessage(protocol::MessageType, const std::string& message) override {
    std::cerr << (message.rfind("tacit:", 0) == 0 ? "" : "tacit: ") << message << "\n";
  }
  void publishDiagnostics(const std::string&, const std::vector<protocol::Diagnostic>&) override {}
  void refresh() override {}
};

bool subscribes(const host::Manifest& m) {
  for (const auto& event : m.contributes.events)
    if (event == "thread/created" || event == "thread/changed" || event == "sync/finished") return true;
  return false;
}

}  // namespace

void tellExtensions(store::Store& s, const std::function<void(host::Host&)>& emit) {
  const std::string root = rootOf(s);
  host::UserConfig config;
  try {
    config = host::UserConfig::load();
  } catch (const host::ConfigError& e) {
    std::cerr << "tacit: " << e.what() << "; no extension was told\n";
    return;
  }
  host::Discovery found = host::discover(config, root);
  bool any = false;
  for (const auto& m : found.manifests) any = any || subscribes(m);
  if (!any) {
    if (!found.untrusted.empty()) std::cerr << "tacit: " << host::untrustedMessage(found, root) << "\n";
    return;
  }
  transport::EventLoop loop;
  host::LoopScheduler scheduler(loop);
  StderrClient client;
  host::Host::Options options;
  options.root = root;
  options.store = [&s] { return &s; };
  options.scheduler = &scheduler;
  options.loop = &loop;
  host::Host h(std::move(options), client);
  h.start();
  emit(h);
  bool done = false;
  h.shutdown([&](bool) {
    done = true;
    loop.stop();
  });
  if (!done) loop.run();
}

struct ExtensionCommands::State {
  CLI::App* trust = nullptr;
  CLI::App* untrust = nullptr;
  CLI::App* list = nullptr;
  std::string path;
  bool asJson = false;
};

ExtensionCommands::ExtensionCommands(CLI::App& app) : state_(new State()) {
  State& st = *state_;
  st.trust = app.add_subcommand("trust", "Trust a workspace: let its .tacit/extensions.json start extensions");
  st.trust->add_option("path", st.path, "The repository (default: the one you are in)");
  st.untrust = app.add_subcommand("untrust", "Stop trusting a workspace");
  st.untrust->add_option("path", st.path, "The repository (default: the one you are in)");
  st.list = app.add_subcommand("extensions", "List the extensions of this workspace and whether they start");
  st.list->add_flag("--json", st.asJson, "JSON output");
}

ExtensionCommands::~ExtensionCommands() { delete state_; }

int ExtensionCommands::run() {
  State& st = *state_;
  if (!st.trust->parsed() && !st.untrust->parsed() && !st.list->parsed()) return -1;
  try {
    // The workspace: the repository holding PATH (or the current directory).
    std::string from = st.path.empty() ? fs::current_path().string() : st.path;
    if (!fs::exists(from)) throw std::runtime_error("no such directory: " + from);
    auto s = store::Store::open(from);
    const std::string root = rootOf(*s);
    host::UserConfig config = host::UserConfig::load();
    if (st.trust->parsed() || st.untrust->parsed()) {
      bool trusting = st.trust->parsed();
      bool changed = trusting ? config.trust(root) : config.untrust(root);
      if (changed) config.save();
      std::cout << (trusting ? (changed ? "trusted " : "already trusted: ")
                             : (changed ? "no longer trusted: " : "was not trusted: "))
                << root << " (" << config.path << ")\n";
      return 0;
    }
    host::Discovery found = host::discover(config, root);
    json out = {{"workspace", root},
                {"trusted", found.trusted},
                {"config", config.path},
                {"extensions", json::array()},
                {"untrusted", found.untrusted},
                {"problems", found.problems}};
    for (const auto& m : found.manifests)
      out["extensions"].push_back({{"name", m.name}, {"version", m.version}, {"from", m.origin}, {"folder", m.folder}});
    if (st.asJson) {
      std::cout << out.dump(2) << "\n";
      return 0;
    }
    std::cout << "workspace " << root << (found.trusted ? " (trusted)" : " (not trusted)") << "\n";
    std::cout << "configuration " << config.path << "\n";
    if (found.manifests.empty()) std::cout << "no extension starts here\n";
    for (const auto& m : found.manifests)
      std::cout << "  " << m.name << " " << m.version << "  from " << m.origin << "  " << m.folder << "\n";
    for (const auto& u : found.untrusted) std::cout << "  not started (workspace not trusted): " << u << "\n";
    for (const auto& p : found.problems) std::cout << "  problem: " << p << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "tacit: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace tacit::cli
