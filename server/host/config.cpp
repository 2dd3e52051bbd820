#include "server/host/config.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace tacit::host {

namespace fs = std::filesystem;

namespace {

std::string home() {
  const char* h = std::getenv("HOME");
  return h && *h ? h : "/";
}

std::string expandHome(const std::string& p) {
  if (p == "~") return home();
  if (p.rfind("~/", 0) == 0) return home() + p.substr(1);
  return p;
}

std::string canonical(const std::string& p) {
  std::error_code ec;
  fs::path c = fs::weakly_canonical(fs::absolute(expandHome(p)), ec);
  std::string s = (ec ? fs::absolute(expandHome(p)).lexically_normal() : c).string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

// Reads a JSON file; nullopt when it does not exist.
std::optional<json> readJsonFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!fs::exists(path)) return std::nullopt;
    throw ConfigError(path + ": cannot be read");
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  if (text.size() > (1u << 20)) throw ConfigError(path + ": larger than 1 MiB");
  json j = json::parse(text, nullptr, false, /*ignore_comments=*/true);
  if (j.is_discarded()) throw ConfigError(path + ": not valid JSON");
  if (!j.is_object()) throw ConfigError(path + ": expected a JSON object");
  return j;
}

std::vector<std::string> stringArray(const json& j, const std::string& where) {
  if (!j.is_array()) throw ConfigError(where + ": expected an array of strings");
  std::vector<std::string> out;
  for (const auto& item : j) {
    if (!item.is_string()) throw ConfigError(where + ": expected an array of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

bool knownEvent(const std::string& name) {
  return std::find(std::begin(kEventNames), std::end(kEventNames), name) != std::end(kEventNames);
}

}  // namespace

std::string userConfigPath() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  std::string base = xdg && *xdg && xdg[0] == '/' ? xdg : home() + "/.config";
  return base + "/tacit/config.json";
}

UserConfig UserConfig::load(const std::string& path) {
  UserConfig c;
  c.path = path;
  auto raw = readJsonFile(path);
  if (!raw) return c;
  c.raw = *raw;
  if (auto it = raw->find("extensions"); it != raw->end())
    for (const auto& e : stringArray(*it, path + ": extensions")) c.extensions.push_back(expandHome(e));
  if (auto it = raw->find("trustedWorkspaces"); it != raw->end())
    for (const auto& w : stringArray(*it, path + ": trustedWorkspaces")) c.trustedWorkspaces.push_back(canonical(w));
  if (auto it = raw->find("settings"); it != raw->end()) {
    if (!it->is_object()) throw ConfigError(path + ": settings: expected an object keyed by extension name");
    c.settings = *it;
  }
  if (auto it = raw->find("extensionTimeoutMs"); it != raw->end()) {
    if (!it->is_number_unsigned() || it->get<uint64_t>() < 10 || it->get<uint64_t>() > 600000)
      throw ConfigError(path + ": extensionTimeoutMs: expected milliseconds from 10 to 600000");
    c.timeout = std::chrono::milliseconds(it->get<uint64_t>());
  }
  return c;
}

void UserConfig::save() const {
  json out = raw.is_object() ? raw : json::object();
  out["trustedWorkspaces"] = trustedWorkspaces;
  fs::path file(path);
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw ConfigError(path + ": cannot be written");
    f << out.dump(2) << "\n";
    f.flush();
    if (!f) throw ConfigError(path + ": cannot be written");
  }
  fs::rename(tmp, file, ec);
  if (ec) {
    fs::remove(tmp);
    throw ConfigError(path + ": cannot be written: " + ec.message());
  }
}

bool UserConfig::trusts(const std::string& workspaceRoot) const {
  std::string root = canonical(workspaceRoot);
  return std::find(trustedWorkspaces.begin(), trustedWorkspaces.end(), root) != trustedWorkspaces.end();
}

bool UserConfig::trust(const std::string& workspaceRoot) {
  if (trusts(workspaceRoot)) return false;
  trustedWorkspaces.push_back(canonical(workspaceRoot));
  return true;
}

bool UserConfig::untrust(const std::string& workspaceRoot) {
  std::string root = canonical(workspaceRoot);
  auto it = std::remove(trustedWorkspaces.begin(), trustedWorkspaces.end(), root);
  if (it == trustedWorkspaces.end()) return false;
  trustedWorkspaces.erase(it, trustedWorkspaces.end());
  return true;
}

Manifest readManifest(const std::string& path, const std::string& origin) {
  fs::path file(path);
  if (fs::is_directory(file)) file /= "tacit-extension.json";
  const std::string where = file.string();
  auto raw = readJsonFile(where);
  if (!raw) throw ConfigError(where + ": no such manifest");
  const json& j = *raw;
  auto field = [&](const char* key) -> const json* {
    auto it = j.find(key);
    return it == j.end() ? nullptr : &*it;
  };
  auto requireString = [&](const char* key) {
    const json* v = field(key);
    if (!v || !v->is_string()) throw ConfigError(where + ": " + key + ": expected a string");
    return v->get<std::string>();
  };

  Manifest m;
  m.origin = origin;
  m.folder = file.parent_path().string();
  m.name = requireString("name");
  static const std::regex kName("[a-z0-9][a-z0-9-]{0,63}");
  if (!std::regex_match(m.name, kName))
    throw ConfigError(where + ": name: expected 1-64 characters of a-z, 0-9 and -");
  m.version = requireString("version");
  const json* protocol = field("protocolVersion");
  if (!protocol || !protocol->is_number_integer())
    throw ConfigError(where + ": protocolVersion: expected an integer");
  m.protocolVersion = protocol->get<int>();
  if (m.protocolVersion != 1)
    throw ConfigError(where + ": protocolVersion " + std::to_string(m.protocolVersion) +
                      " is not supported (this Tacit speaks version 1)");
  const json* command = field("command");
  if (!command) throw ConfigError(where + ": command: required");
  m.command = stringArray(*command, where + ": command");
  if (m.command.empty() || m.command[0].empty()) throw ConfigError(where + ": command: empty");
  if (const json* events = field("activationEvents"))
    m.activationEvents = stringArray(*events, where + ": activationEvents");
  for (const auto& a : m.activationEvents) {
    bool ok = a == "*" || (a.rfind("onLanguage:", 0) == 0 && a.size() > 11) ||
              (a.rfind("onCommand:", 0) == 0 && a.size() > 10) ||
              (a.rfind("onEvent:", 0) == 0 && knownEvent(a.substr(8)));
    if (!ok) throw ConfigError(where + ": activationEvents: unknown activation event \"" + a + "\"");
  }
  if (const json* c = field("contributes")) {
    if (!c->is_object()) throw ConfigError(where + ": contributes: expected an object");
    auto flag = [&](const char* key, bool& out) {
      auto it = c->find(key);
      if (it == c->end()) return;
      if (!it->is_boolean()) throw ConfigError(where + ": contributes." + key + ": expected true or false");
      out = it->get<bool>();
    };
    auto& k = m.contributes;
    flag("codeLens", k.codeLens);
    flag("hover", k.hover);
    flag("inlayHints", k.inlayHints);
    flag("codeActions", k.codeActions);
    flag("workspaceSymbols", k.workspaceSymbols);
    if (auto it = c->find("events"); it != c->end()) {
      k.events = stringArray(*it, where + ": contributes.events");
      for (const auto& e : k.events)
        if (!knownEvent(e)) throw ConfigError(where + ": contributes.events: unknown event \"" + e + "\"");
    }
    if (auto it = c->find("commands"); it != c->end()) {
      if (!it->is_array()) throw ConfigError(where + ": contributes.commands: expected an array");
      for (const auto& cmd : *it) {
        if (!cmd.is_object() || !cmd.contains("command") || !cmd["command"].is_string())
          throw ConfigError(where + ": contributes.commands: each needs a \"command\" string");
        std::string id = cmd["command"].get<std::string>();
        if (id.rfind(m.name + ".", 0) != 0 || id.size() == m.name.size() + 1)
          throw ConfigError(where + ": contributes.commands: \"" + id + "\" must start with \"" + m.name + ".\"");
        std::string title = cmd.contains("title") && cmd["title"].is_string() ? cmd["title"].get<std::string>() : id;
        k.commands.push_back({id, title});
      }
    }
  }
  return m;
}

Discovery discover(const UserConfig& config, const std::string& workspaceRoot) {
  Discovery d;
  std::set<std::string> names;
  auto add = [&](const std::string& path, const std::string& origin) {
    try {
      Manifest m = readManifest(path, origin);
      if (!names.insert(m.name).second) {
        d.problems.push_back(path + ": a second extension named \"" + m.name + "\" (skipped)");
        return;
      }
      d.manifests.push_back(std::move(m));
    } catch (const ConfigError& e) {
      d.problems.push_back(e.what());
    }
  };
  for (const auto& path : config.extensions) add(path, "user configuration");

  if (workspaceRoot.empty()) return d;
  d.trusted = config.trusts(workspaceRoot);
  fs::path declaration = fs::path(workspaceRoot) / ".tacit" / "extensions.json";
  std::optional<json> declared;
  try {
    declared = readJsonFile(declaration.string());
  } catch (const ConfigError& e) {
    d.problems.push_back(e.what());
    return d;
  }
  if (!declared) return d;
  d.declarationFile = declaration.string();
  std::vector<std::string> paths;
  try {
    if (auto it = declared->find("extensions"); it != declared->end())
      paths = stringArray(*it, declaration.string() + ": extensions");
  } catch (const ConfigError& e) {
    d.problems.push_back(e.what());
    return d;
  }
  for (const auto& p : paths) {
    fs::path full = fs::path(p).is_absolute() ? fs::path(p) : fs::path(workspaceRoot) / p;
    if (!d.trusted) {
      d.untrusted.push_back(p);
      continue;
    }
    add(full.string(), "workspace");
  }
  return d;
}

std::string untrustedMessage(const Discovery& d, const std::string& workspaceRoot) {
  std::string list;
  for (const auto& u : d.untrusted) list += (list.empty() ? "" : ", ") + u;
  return "this workspace declares extensions (" + list +
         ") in .tacit/extensions.json but is not trusted; nothing was started. To trust it: tacit trust " +
         canonical(workspaceRoot);
}

}  // namespace tacit::host
