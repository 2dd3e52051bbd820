#include "server/cli/verbs.h"

#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>

#include "server/store/store.h"

namespace tacit::cli {

int runVerbs(const Verbs& verbs) {
  for (const auto& [cmd, fn] : verbs) {
    if (!cmd->parsed()) continue;
    try {
      return fn();
    } catch (const std::exception& e) {
      std::cerr << "tacit: " << e.what() << "\n";
      return 1;
    }
  }
  return -1;
}

std::unique_ptr<store::Store> openStore() {
  auto s = store::Store::open(std::filesystem::current_path().string());
  s->refresh();
  return s;
}

}  // namespace tacit::cli
