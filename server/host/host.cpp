#include "server/host/host.h"

#include <git2.h>

#include <algorithm>
#include <chrono>

#include "server/git/handles.h"
#include "server/host/knowledge.h"
#include "server/log/log.h"
#include "server/store/clock.h"
#include "server/store/event_log.h"
#include "server/store/locations.h"
#include "server/store/store.h"

namespace tacit::host {

json DocumentInfo::toJson() const {
  json j = {{"uri", uri}};
  j["path"] = path.empty() ? json(nullptr) : json(path);
  return j;
}

// The HostApi of one extension: everything it does is attributed to it.
class Host::Api final : public HostApi {
 public:
  Api(Host& host, std::string name) : host_(host), name_(std::move(name)) {}
  const std::string& extensionName() const override { return name_; }
  store::Store* store() override { return host_.store(); }
  Knowledge* knowledge() override { return host_.knowledge(); }
  std::optional<std::string> documentText(const std::string& uri) override { return host_.documentText(uri); }
  json threadJson(const std::string& id) override { return host_.threadJson(id); }
  std::string addEvent(const std::string& threadId, store::EventType type, json payload) override {
    store::Store* s = host_.store();
    if (!s) throw store::StoreError("no knowledge store: the workspace is not in a git repository");
    s->refresh();
    std::string full = s->index().resolve(threadId);
    std::string eventId = s->addEvent(full, type, payload);
    TACIT_LOG(Info) << "extension " << name_ << ": " << store::toString(type) << " on " << full.substr(0, 12);
    host_.threadChanged(full, eventId, type, payload);
    return full;
  }
  std::string createThread(const store::Store::NewThread& thread) override {
    store::Store* s = host_.store();
    if (!s) throw store::StoreError("no knowledge store: the workspace is not in a git repository");
    std::string id = s->createThread(thread);
    TACIT_LOG(Info) << "extension " << name_ << ": created " << store::toString(thread.kind) << " " << id.substr(0, 12);
    host_.threadCreated(id);
    return id;
  }
  std::vector<std::string> write(const std::optional<store::Store::NewThread>& created,
                                 const std::vector<store::Store::Append>& events) override {
    store::Store* s = host_.store();
    if (!s) throw store::StoreError("no knowledge store: the workspace is not in a git repository");
    s->refresh();
    std::vector<std::string> ids = s->write(created, events);
    TACIT_LOG(Info) << "extension " << name_ << ": wrote " << ids.size() << " event(s) in one commit";
    size_t next = 0;
    if (created) host_.threadCreated(ids[next++]);
    for (const auto& e : events) host_.threadChanged(e.thread, ids[next++], e.type, e.payload);
    return ids;
  }
  const std::string& positionEncoding() const override { return host_.positionEncoding(); }
  void showMessage(protocol::MessageType type, const std::string& message) override {
    host_.client().showMessage(type, message);
  }
  void logMessage(protocol::MessageType type, const std::string& message) override {
    TACIT_LOG(Info) << "extension " << name_ << ": " << message;
    host_.client().logMessage(type, message);
  }
  void showMessageRequest(protocol::MessageType type, const std::string& message,
                          const std::vector<protocol::MessageActionItem>& actions, Done<std::optional<std::string>> chosen) override {
    host_.client().showMessageRequest(type, message, actions, std::move(chosen));
  }
  void showDocument(const std::string& uri, const std::optional<protocol::Range>& selection,
                    Done<bool> shown) override {
    host_.client().showDocument(uri, selection, std::move(shown));
  }
  void publishDiagnostics(const std::string& uri, std::vector<protocol::Diagnostic> d) override {
    host_.publishDiagnostics(name_, uri, std::move(d));
  }
  void refresh() override { host_.client().refresh(); }
  Scheduler& scheduler() override { return host_.scheduler(); }
  void emit(std::string_view event, const json& params) override { host_.emit(event, params); }

 private:
  Host& host_;
  std::string name_;
};

Host::Host(Options options, Client& client) : options_(std::move(options)), client_(client) {
  if (options_.configPath.empty()) options_.configPath = userConfigPath();
}

Host::~Host() {
  if (watchTimer_) options_.scheduler->cancel(*watchTimer_);
}

void Host::add(std::unique_ptr<Extension> extension) {
  Entry e;
  e.api = std::make_unique<Api>(*this, extension->manifest().name);
  e.extension = std::move(extension);
  entries_.push_back(std::move(e));
}

namespace {

std::string originUrl(store::Store* s) {
  if (!s) return "";
  git_config* raw = nullptr;
  if (git_repository_config_snapshot(&raw, s->repository()) != 0) return "";
  std::unique_ptr<git_config, decltype(&git_config_free)> config(raw, git_config_free);
  const char* url = nullptr;
  if (git_config_get_string(&url, config.get(), "remote.origin.url") != 0 || !url) return "";
  return url;
}

}  // namespace

void Host::start() {
  if (started_) return;
  started_ = true;
  if (options_.external && options_.loop) {
    try {
      config_ = UserConfig::load(options_.configPath);
    } catch (const ConfigError& e) {
      TACIT_LOG(Error) << e.what();
      client_.showMessage(protocol::MessageType::Error, std::string("tacit: ") + e.what() + "; no extension started");
    }
    discovery_ = discover(config_, options_.root);
    for (const auto& problem : discovery_.problems) {
      TACIT_LOG(Error) << problem;
      client_.showMessage(protocol::MessageType::Error, "tacit: " + problem);
    }
    if (!discovery_.untrusted.empty()) {
      std::string message = "tacit: " + untrustedMessage(discovery_, options_.root);
      TACIT_LOG(Warn) << message;
      client_.showMessage(protocol::MessageType::Warning, message);
    }
    json workspace = {{"root", options_.root}, {"remoteUrl", nullptr}};
    if (std::string url = originUrl(store()); !url.empty()) workspace["remoteUrl"] = url;
    for (const auto& manifest : discovery_.manifests) {
      if (find(manifest.name)) {
        TACIT_LOG(Error) << "extension " << manifest.name << " (" << manifest.folder
                         << "): a built-in extension has that name; skipped";
        continue;
      }
      ExternalExtension::Options o;
      o.manifest = manifest;
      o.settings = config_.settings.contains(manifest.name) ? config_.settings[manifest.name] : json::object();
      o.workspace = workspace;
      o.positionEncoding = options_.positionEncoding;
      o.timeout = config_.timeout;
      o.policy = options_.policy;
      add(std::make_unique<ExternalExtension>(std::move(o), *options_.loop, *options_.scheduler));
    }
  }
  for (auto& e : entries_) {
    const auto& events = e.extension->manifest().activationEvents;
    if (std::find(events.begin(), events.end(), "*") != events.end()) activate(e);
  }
}

void Host::activate(Entry& e) {
  if (e.activated) return;
  e.activated = true;
  TACIT_LOG(Debug) << "activating extension " << e.extension->manifest().name;
  e.extension->activate(*e.api);
}

void Host::activateOn(const std::string& trigger) {
  for (auto& e : entries_) {
    if (e.activated) continue;
    const auto& events = e.extension->manifest().activationEvents;
    if (std::find(events.begin(), events.end(), trigger) != events.end()) activate(e);
  }
}

std::vector<Extension*> Host::extensions() const {
  std::vector<Extension*> out;
  for (const auto& e : entries_) out.push_back(e.extension.get());
  return out;
}

Extension* Host::find(const std::string& name) const {
  for (const auto& e : entries_)
    if (e.extension->manifest().name == name) return e.extension.get();
  return nullptr;
}

std::vector<std::string> Host::commands() const {
  std::vector<std::string> out;
  for (const auto& e : entries_)
    for (const auto& c : e.extension->manifest().contributes.commands) out.push_back(c.command);
  return out;
}

std::vector<Host::Entry*> Host::contributing(bool Contributions::*flag) {
  std::vector<Entry*> out;
  for (auto& e : entries_)
    if (e.activated && e.extension->manifest().contributes.*flag && e.extension->available()) out.push_back(&e);
  return out;
}

namespace {

// A contribution may only run a command of the extension that made it (or
// none: a lens that only shows text).
bool ownsCommand(const Manifest& m, const std::optional<protocol::Command>& c) {
  if (!c || c->command.empty()) return true;
  for (const auto& declared : m.contributes.commands)
    if (declared.command == c->command) return true;
  TACIT_LOG(Warn) << "extension " << m.name << " contributed command " << c->command
                  << ", which it does not declare; dropped";
  return false;
}
bool ownsCommand(const Manifest& m, const protocol::CodeLens& l) { return ownsCommand(m, l.command); }
bool ownsCommand(const Manifest& m, const protocol::CodeAction& a) { return ownsCommand(m, a.command); }
bool ownsCommand(const Manifest&, const protocol::InlayHint&) { return true; }
bool ownsCommand(const Manifest&, const protocol::SymbolInformation&) { return true; }
bool ownsCommand(const Manifest&, const protocol::Hover&) { return true; }

}  // namespace

template <typename Item, typename Ask>
void Host::gather(bool Contributions::*flag, Ask ask, Done<std::vector<Item>> done) {
  auto targets = contributing(flag);
  if (targets.empty()) return done({});
  struct State {
    std::vector<std::vector<Item>> parts;
    size_t left;
    Done<std::vector<Item>> done;
  };
  auto state = std::make_shared<State>(State{std::vector<std::vector<Item>>(targets.size()), targets.size(), std::move(done)});
  for (size_t i = 0; i < targets.size(); ++i) {
    Extension* ext = targets[i]->extension.get();
    ask(*ext, [state, i, ext](std::vector<Item> items) {
      const Manifest& m = ext->manifest();
      items.erase(std::remove_if(items.begin(), items.end(), [&](const Item& it) { return !ownsCommand(m, it); }),
                  items.end());
      state->parts[i] = std::move(items);
      if (--state->left) return;
      std::vector<Item> all;
      for (auto& part : state->parts) std::move(part.begin(), part.end(), std::back_inserter(all));
      state->done(std::move(all));
    });
  }
}

void Host::codeLenses(const DocumentInfo& doc, Done<std::vector<protocol::CodeLens>> done) {
  gather<protocol::CodeLens>(
      &Contributions::codeLens, [&doc](Extension& e, auto cb) { e.codeLenses(doc, std::move(cb)); }, std::move(done));
}

void Host::inlayHints(const DocumentInfo& doc, const protocol::Range& range,
                      Done<std::vector<protocol::InlayHint>> done) {
  gather<protocol::InlayHint>(
      &Contributions::inlayHints, [&](Extension& e, auto cb) { e.inlayHints(doc, range, std::move(cb)); },
      std::move(done));
}

void Host::codeActions(const DocumentInfo& doc, const protocol::Range& range,
                       Done<std::vector<protocol::CodeAction>> done) {
  gather<protocol::CodeAction>(
      &Contributions::codeActions, [&](Extension& e, auto cb) { e.codeActions(doc, range, std::move(cb)); },
      std::move(done));
}

void Host::workspaceSymbols(const std::string& query, Done<std::vector<protocol::SymbolInformation>> done) {
  gather<protocol::SymbolInformation>(
      &Contributions::workspaceSymbols, [&](Extension& e, auto cb) { e.workspaceSymbols(query, std::move(cb)); },
      std::move(done));
}

void Host::hover(const DocumentInfo& doc, const protocol::Position& at, Done<std::optional<protocol::Hover>> done) {
  // One hover: the parts joined by a rule, in registration order.
  gather<protocol::Hover>(
      &Contributions::hover,
      [&](Extension& e, auto cb) {
        e.hover(doc, at, [cb = std::move(cb)](std::optional<protocol::Hover> h) {
          std::vector<protocol::Hover> one;
          if (h && !h->markdown.empty()) one.push_back(std::move(*h));
          cb(std::move(one));
        });
      },
      [done = std::move(done)](std::vector<protocol::Hover> parts) {
        if (parts.empty()) return done(std::nullopt);
        protocol::Hover merged;
        for (auto& p : parts) {
          if (!merged.markdown.empty()) merged.markdown += "\n\n---\n\n";
          merged.markdown += p.markdown;
          if (!merged.range) merged.range = p.range;
        }
        done(std::move(merged));
      });
}

void Host::executeCommand(const std::string& command, const json& arguments, Done<CommandResult> done) {
  activateOn("onCommand:" + command);
  for (auto& e : entries_) {
    for (const auto& c : e.extension->manifest().contributes.commands) {
      if (c.command != command) continue;
      if (!e.activated) activate(e);
      if (!e.extension->available())
        return done({nullptr, rpc::Error{rpc::ErrorCode::RequestFailed,
                                         "extension " + e.extension->manifest().name + " is not running"}});
      return e.extension->executeCommand(command, arguments, std::move(done));
    }
  }
  done({nullptr, rpc::Error{rpc::ErrorCode::InvalidParams, "unknown command: " + command}});
}

void Host::documentOpened(const DocumentInfo& doc) {
  activateOn("onLanguage:" + doc.languageId);
  json params = {{"textDocument", doc.toJson()}};
  params["textDocument"]["languageId"] = doc.languageId;
  params["textDocument"]["version"] = doc.version;
  emit("document/opened", params);
}

void Host::emit(std::string_view event, const json& params) {
  activateOn("onEvent:" + std::string(event));
  for (auto& e : entries_) {
    if (!e.activated) continue;
    const auto& subscribed = e.extension->manifest().contributes.events;
    if (std::find(subscribed.begin(), subscribed.end(), event) != subscribed.end()) e.extension->event(event, params);
  }
}

namespace {

bool anySubscriber(const std::vector<Extension*>& extensions, std::string_view event) {
  for (auto* e : extensions) {
    const auto& subscribed = e->manifest().contributes.events;
    if (std::find(subscribed.begin(), subscribed.end(), event) != subscribed.end()) return true;
  }
  return false;
}

std::string nowRfc3339() { return store::formatTimestamp(store::nowMillis()); }

}  // namespace

void Host::knowledgeChanged() {
  if (!options_.knowledge) return;  // no editor
  options_.knowledge->invalidateAll();
  client_.refresh();
  if (store::Store* s = store()) refs_ = s->refsFingerprint();  // our own write is no news
}

void Host::watchKnowledge(Scheduler::Clock::duration interval) {
  if (!options_.knowledge) return;
  if (store::Store* s = store()) refs_ = s->refsFingerprint();
  watchTimer_ = options_.scheduler->after(interval, [this, interval] {
    watchTimer_.reset();
    if (store::Store* s = store()) {
      auto now = s->refsFingerprint();
      if (now != refs_ && !s->changedByOthers(refs_, now)) {
        refs_ = std::move(now);  // only our own writes (a reminder marked delivered…): no news
      } else if (now != refs_) {
        TACIT_LOG(Info) << "the knowledge changed underneath; refreshing";
        s->refresh();
        knowledgeChanged();
        client_.knowledgeChanged();
        emit("knowledge/changed", json::object());
      }
    }
    watchKnowledge(interval);
  });
}

void Host::threadCreated(const std::string& id) {
  knowledgeChanged();
  if (!anySubscriber(extensions(), "thread/created")) return;
  try {
    emit("thread/created", {{"thread", threadJson(id)}, {"local", true}});
  } catch (const std::exception& e) {
    TACIT_LOG(Warn) << "thread/created for " << id << ": " << e.what();
  }
}

void Host::threadChanged(const std::string& id, const std::string& eventId, store::EventType type,
                         const json& payload) {
  knowledgeChanged();
  if (!anySubscriber(extensions(), "thread/changed")) return;
  try {
    store::Store* s = store();
    json author = nullptr;
    if (s) {
      auto me = s->identity();
      author = {{"name", me.name}, {"email", me.email}};
    }
    json event = {{"id", eventId},
                  {"type", store::toString(type)},
                  {"author", author},
                  {"at", nowRfc3339()},
                  {"payload", payload}};
    emit("thread/changed", {{"thread", threadJson(id)}, {"event", event}, {"local", true}});
  } catch (const std::exception& e) {
    TACIT_LOG(Warn) << "thread/changed for " << id << ": " << e.what();
  }
}

void Host::checkHead() {
  store::Store* s = store();
  if (!s) return;
  std::string now = git::headCommit(s->repository());
  if (head_ && *head_ == now) return;
  json from = head_ && !head_->empty() ? json(*head_) : json(nullptr);
  head_ = now;
  if (now.empty()) return;  // no commit yet
  emit("head/moved", {{"from", from}, {"to", now}});
}

void Host::shutdown(Done<bool> done) {
  std::vector<Entry*> running;
  for (auto& e : entries_)
    if (e.activated) running.push_back(&e);
  if (running.empty()) return done(true);
  auto left = std::make_shared<size_t>(running.size());
  auto finish = std::make_shared<Done<bool>>(std::move(done));
  for (Entry* e : running)
    e->extension->shutdown([left, finish](bool) {
      if (--*left == 0) (*finish)(true);
    });
}

store::Store* Host::store() { return options_.store ? options_.store() : nullptr; }

json Host::threadJson(const std::string& id) {
  store::Store* s = store();
  if (!s) throw store::StoreError("no knowledge store: the workspace is not in a git repository");
  s->refresh();
  auto thread = s->index().get(s->index().resolve(id));
  if (!thread) throw store::StoreError("unknown id " + id);
  store::Locations locations(*s);
  return store::locatedJson(*thread, locations.inWorkTree(*thread));
}

void Host::publishDiagnostics(const std::string& extension, const std::string& uri,
                              std::vector<protocol::Diagnostic> d) {
  for (auto& diagnostic : d)
    if (diagnostic.source.empty()) diagnostic.source = extension;
  if (d.empty() && !diagnostics_.count(uri)) return;  // nothing shown, nothing to clear
  auto& byExtension = diagnostics_[uri];
  if (d.empty()) byExtension.erase(extension);
  else byExtension[extension] = std::move(d);
  std::vector<protocol::Diagnostic> all;
  for (const auto& [name, list] : byExtension) all.insert(all.end(), list.begin(), list.end());
  if (byExtension.empty()) diagnostics_.erase(uri);
  client_.publishDiagnostics(uri, all);
}

}  // namespace tacit::host
