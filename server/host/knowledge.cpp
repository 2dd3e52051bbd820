#include "server/host/knowledge.h"

#include <git2.h>

#include <filesystem>
#include <stdexcept>

#include "server/git/handles.h"
#include "server/log/log.h"
#include "server/store/event.h"
#include "server/store/locations.h"
#include "server/store/store.h"

namespace tacit::host {

std::string uriFromPath(const std::string& path) { return "file://" + store::percentEncodePath(path); }

std::string pathFromUri(const std::string& uri) {
  std::string_view rest = uri;
  if (rest.substr(0, 7) != "file://") return "";
  rest.remove_prefix(7);
  if (rest.substr(0, 9) == "localhost") rest.remove_prefix(9);
  if (rest.empty() || rest[0] != '/') return "";
  std::string out;
  for (size_t i = 0; i < rest.size(); ++i) {
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    if (rest[i] == '%' && i + 2 < rest.size() && hex(rest[i + 1]) >= 0 && hex(rest[i + 2]) >= 0) {
      out += static_cast<char>(hex(rest[i + 1]) * 16 + hex(rest[i + 2]));
      i += 2;
    } else {
      out += rest[i];
    }
  }
  if (out.find('\0') != std::string::npos) return "";
  return out;
}

Knowledge::Knowledge(std::string root) : root_(std::move(root)) {}
Knowledge::~Knowledge() = default;

store::Store& Knowledge::store(const std::string& uri) {
  if (!store_) {
    std::string from = root_;
    if (from.empty()) {
      std::string path = pathFromUri(uri);
      if (path.empty()) throw std::runtime_error("not a file: " + uri);
      from = std::filesystem::path(path).parent_path().string();
    }
    store_ = store::Store::open(from);
    TACIT_LOG(Info) << "knowledge store of " << store_->workdir();
  }
  return *store_;
}

store::Store* Knowledge::storeFor(const std::string& uri) {
  if (store_) return store_.get();
  if (root_.empty() && uri.empty()) return nullptr;
  try {
    return &store(uri);
  } catch (const std::exception& e) {
    if (!triedOpen_) TACIT_LOG(Info) << "no knowledge store: " << e.what();
    triedOpen_ = true;
    return nullptr;
  }
}

std::string Knowledge::pathOf(const std::string& uri) {
  if (!storeFor(uri)) return "";
  try {
    return relativePath(uri);
  } catch (const std::exception&) {
    return "";
  }
}

std::string Knowledge::relativePath(const std::string& uri) {
  const std::string path = pathFromUri(uri);
  const std::string& root = store_->workdir();  // with a trailing '/'
  if (path.size() <= root.size() || path.compare(0, root.size(), root) != 0)
    throw std::runtime_error("not in the repository at " + root + ": " + uri);
  return path.substr(root.size());
}

std::string Knowledge::head() { return git::headCommit(store_->repository()); }

std::vector<Knowledge::Located> Knowledge::threadsIn(const std::string& uri, const std::string& text) {
  store::Store& s = store(uri);
  const std::string path = relativePath(uri);
  const std::string now = head();
  Open& doc = open_[uri];
  if (doc.live.stale() || doc.head != now) {
    s.refresh();
    store::Locations locations(s);
    std::vector<anchor::LiveDocument::Entry> entries;
    doc.threads.clear();
    const std::vector<store::Thread> threads = s.index().list({});
    locations.prepare(threads, locations.head());
    for (const auto& t : threads) {
      anchor::Location at = locations.inText(t, path, text);
      if (at.path != path || at.startLine == 0) continue;
      doc.threads.push_back({t.id, std::string(store::toString(t.kind)), std::string(store::toString(t.state)),
                             t.body.substr(0, t.body.find('\n')), {}});
      entries.push_back({t.id, at});
    }
    doc.live.reset(std::move(entries));
    doc.head = now;
  }
  std::vector<Located> out = doc.threads;
  // Orphaned threads are shown where they were last seen, which may be past
  // the end of the text now: then on its last line, a place that exists.
  const uint32_t lines = anchor::lineCount(text);
  for (size_t i = 0; i < out.size(); ++i) {
    out[i].location = doc.live.entries()[i].location;
    anchor::clampToLines(out[i].location, lines);
  }
  return out;
}

void Knowledge::edited(const std::string& uri, const anchor::LineEdit& edit) {
  if (auto it = open_.find(uri); it != open_.end()) it->second.live.edit(edit);
}

void Knowledge::replaced(const std::string& uri) {
  if (auto it = open_.find(uri); it != open_.end()) it->second.live.invalidate();
}

void Knowledge::saved(const std::string& uri) { replaced(uri); }

void Knowledge::closed(const std::string& uri) { open_.erase(uri); }

std::pair<std::string, nlohmann::json> Knowledge::reanchor(const std::string& id, const std::string& uri,
                                                          const std::string& text, uint32_t startLine,
                                                          uint32_t endLine) {
  store::Store& s = store(uri);
  store::Anchor anchor = anchorIn(uri, text, startLine, endLine);
  s.refresh();
  const std::string full = s.index().resolve(id);
  for (auto& [openUri, doc] : open_) doc.live.invalidate();  // it may leave or enter any file
  return {full, {{"anchor", store::toJson(anchor)}}};
}

store::Anchor Knowledge::anchorIn(const std::string& uri, const std::string& text, uint32_t startLine,
                                  uint32_t endLine) {
  store(uri);
  const std::string path = relativePath(uri);
  const std::string now = head();
  if (anchor::isBinary(text)) throw std::runtime_error(path + " is a binary file: threads go on lines of text");
  auto recorded = anchor::record(path, now.empty() ? std::string(40, '0') : now, text, startLine, endLine);
  if (!recorded) throw std::runtime_error("lines past the end of " + path);
  return store::fromRecorded(*recorded);
}

void Knowledge::invalidateAll() {
  for (auto& [uri, doc] : open_) doc.live.invalidate();
}

std::vector<std::string> Knowledge::openUris() const {
  std::vector<std::string> out;
  for (const auto& [uri, doc] : open_) out.push_back(uri);
  return out;
}

}  // namespace tacit::host
