#include "server/cli/verbs.h"

#include <filesystem>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "server/store/store.h"

namespace tacit::cli {

int runVerbs(const Verbs& verbs) {
  for (const auto& [cmd, fn] : verbs) {
    if (!cmd->parsed()) continue;
    try {
      return fn();
    } catch (const std::exception& e) {
      printError(e);
      return 1;
    }
  }
  return -1;
}

void printError(const std::exception& e) {
  std::string line = e.what();
  for (char& c : line)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  std::cerr << "tacit: " << line << "\n";
}

std::unique_ptr<store::Store> openStore() {
  auto s = store::Store::open(std::filesystem::current_path().string());
  s->refresh();
  return s;
}

}  // namespace tacit::cli
