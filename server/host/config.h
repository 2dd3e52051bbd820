// Which extensions may start: the user's configuration
// ($XDG_CONFIG_HOME/tacit/config.json), the manifests it and a trusted
// workspace's .tacit/extensions.json name, and trust itself
// (docs/extensions.md, "Trust"). A repository's files alone never start a
// process: a workspace's declarations count only when the user configuration
// trusts that workspace.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/host/extension.h"

namespace tacit::host {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// $XDG_CONFIG_HOME/tacit/config.json, else $HOME/.config/tacit/config.json.
std::string userConfigPath();

struct UserConfig {
  std::string path;                            // the file it was read from
  std::vector<std::string> extensions;         // manifest folders or files, ~ expanded
  std::vector<std::string> trustedWorkspaces;  // canonical absolute paths
  json settings = json::object();              // per extension name
  std::chrono::milliseconds timeout{2000};     // extensionTimeoutMs
  json raw = json::object();                   // the whole file, to keep unknown keys on save

  // A missing file is an empty configuration; a malformed one throws
  // ConfigError naming the file and the field.
  static UserConfig load(const std::string& path = userConfigPath());
  // Writes atomically (a temporary file renamed over it).
  void save() const;

  bool trusts(const std::string& workspaceRoot) const;
  // Returns false when nothing changed (already trusted / not trusted).
  bool trust(const std::string& workspaceRoot);
  bool untrust(const std::string& workspaceRoot);
};

// Reads `path` (a tacit-extension.json, or a folder holding one). Throws
// ConfigError with a one-line message naming the file and the field.
Manifest readManifest(const std::string& path, const std::string& origin);

// The extensions of a workspace: the user's, then (if trusted) the
// workspace's own. A bad manifest or a second extension of the same name is
// a problem that skips that one extension.
struct Discovery {
  std::vector<Manifest> manifests;
  std::vector<std::string> problems;  // one line each
  // Declared by an untrusted workspace and therefore not started (names or paths).
  std::vector<std::string> untrusted;
  bool trusted = false;
  std::string declarationFile;  // <root>/.tacit/extensions.json when it exists
};
Discovery discover(const UserConfig& config, const std::string& workspaceRoot);

// The one message for an untrusted workspace that declares extensions.
std::string untrustedMessage(const Discovery& d, const std::string& workspaceRoot);

}  // namespace tacit::host
