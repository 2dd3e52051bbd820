#include "server/store/locations.h"

#include <cmath>

#include <git2.h>

#include <fstream>
#include <limits>
#include <sstream>

#include "server/git/handles.h"
#include "server/log/log.h"
#include "server/store/store.h"

namespace tacit::store {
namespace {

anchor::Status parseStatus(std::string_view s) {
  for (auto status : {anchor::Status::Exact, anchor::Status::Moved, anchor::Status::Changed})
    if (anchor::toString(status) == s) return status;
  return anchor::Status::Orphaned;
}

anchor::Location fromCache(const CachedLocation& c) {
  return {c.path, c.startLine, c.endLine, parseStatus(c.status), c.confidence, c.how};
}

// What identifies an anchor in the cache.
std::string anchorKey(const Anchor& a) {
  return a.commit + ":" + a.blob + ":" + std::to_string(a.startLine) + "-" + std::to_string(a.endLine) + ":" + a.path;
}

CachedLocation toCache(const std::string& anchor, const std::string& commit, const anchor::Location& l) {
  return {anchor, commit, l.path, l.startLine, l.endLine, std::string(anchor::toString(l.status)), l.confidence, l.how};
}


// How many commits `descendant` is ahead of `ancestor`, or nullopt when
// `ancestor` is not one of its ancestors.
std::optional<size_t> aheadOf(git_repository* repo, std::string_view ancestor, std::string_view descendant) {
  auto a = git::parseOid(ancestor), d = git::parseOid(descendant);
  if (!a || !d) return std::nullopt;
  if (git_oid_equal(&*a, &*d)) return 0;
  if (git_graph_descendant_of(repo, &*d, &*a) != 1) return std::nullopt;
  size_t ahead = 0, behind = 0;
  if (git_graph_ahead_behind(&ahead, &behind, repo, &*d, &*a) != 0) return std::nullopt;
  return ahead;
}

// A walkthrough has no lines of its own: nowhere, honestly (never located,
// never cached).
bool unanchored(const Thread& t) { return t.anchor.path.empty(); }
anchor::Location nowhere() { return {"", 0, 0, anchor::Status::Orphaned, 0, "no lines of its own"}; }

}  // namespace

anchor::Recorded toRecorded(const Anchor& a) {
  return {a.path, a.commit, a.blob, a.startLine, a.endLine, a.text, a.before, a.after};
}

Anchor fromRecorded(const anchor::Recorded& r) {
  Anchor a;
  a.path = r.path;
  a.commit = r.commit;
  a.blob = r.blob;
  a.startLine = r.startLine;
  a.endLine = r.endLine;
  a.text = r.text;
  a.before = r.before;
  a.after = r.after;
  return a;
}

Locations::Locations(Store& store)
    : store_(store), locator_(store.repository()), head_(git::headCommit(store.repository())) {}

Locations::~Locations() {
  try {
    flush();
  } catch (const std::exception& e) {
    TACIT_LOG(Warn) << "caching locations: " << e.what();
  }
}

void Locations::flush() {
  if (pending_.empty()) return;
  store_.index().cacheLocations(pending_);
  pending_.clear();
  pendingOf_.clear();
  queried_.clear();  // the cache has more now
}

anchor::Location Locations::atCommit(const Thread& thread, const std::string& commit) {
  if (unanchored(thread)) return nowhere();
  const std::string key = anchorKey(thread.anchor);
  if (commit != prefetchedAt_) {  // a second thread asked about here: many, likely
    if (commit == firstAskedAt_) prefetch(commit);
    else firstAskedAt_ = commit;
  }
  const std::string both = thread.id + '\n' + key;
  if (commit == prefetchedAt_)
    if (auto it = prefetched_.find(both); it != prefetched_.end()) return fromCache(it->second);
  if (auto it = pendingOf_.find(thread.id); it != pendingOf_.end())  // located here already (prepare)
    for (size_t i : it->second)
      if (pending_[i].second.anchor == key && pending_[i].second.commit == commit) return fromCache(pending_[i].second);
  std::vector<CachedLocation> cached;
  if (auto it = queried_.find(both); it != queried_.end()) {
    cached = std::move(it->second);
    queried_.erase(it);
  } else {
    cached = store_.index().cachedLocations(thread.id, key);
  }
  if (auto it = pendingOf_.find(thread.id); it != pendingOf_.end())
    for (size_t i : it->second)
      if (pending_[i].second.anchor == key) cached.push_back(pending_[i].second);
  for (const auto& c : cached)
    if (c.commit == commit) return fromCache(c);

  const anchor::Recorded original = toRecorded(thread.anchor);
  // The nearest commit before this one where the lines were found: moving
  // forward from there diffs across fewer commits.
  const CachedLocation* base = nullptr;
  size_t nearest = std::numeric_limits<size_t>::max();
  for (const auto& c : cached) {
    if (parseStatus(c.status) == anchor::Status::Orphaned) continue;
    auto ahead = aheadOf(store_.repository(), c.commit, commit);
    if (ahead && *ahead < nearest) {
      nearest = *ahead;
      base = &c;
    }
  }
  anchor::Location located;
  std::optional<anchor::Recorded> from;
  if (base) {
    if (auto content = locator_.read(base->commit, base->path))
      from = anchor::record(base->path, base->commit, *content, base->startLine, base->endLine);
  }
  if (from) {
    located = locator_.locate(*from, commit);
    if (located.status != anchor::Status::Orphaned) {
      // The status says how the lines compare with what was recorded, not
      // with the cached step.
      auto now = locator_.read(commit, located.path);
      auto lines = now ? anchor::splitLines(*now) : std::vector<std::string_view>{};
      std::string text;
      for (uint32_t i = located.startLine; i <= located.endLine && i <= lines.size(); ++i) text += lines[i - 1];
      const bool unmoved = located.status == anchor::Status::Exact && parseStatus(base->status) == anchor::Status::Exact &&
                           located.path == original.path;
      if (text == original.text) {
        located.status = unmoved ? anchor::Status::Exact : anchor::Status::Moved;
      } else {
        located.status = anchor::Status::Changed;
        located.confidence = std::min(located.confidence, base->confidence);
      }
      located.how += " (from " + base->commit.substr(0, 12) + ")";
    }
  } else {
    located = locator_.locate(original, commit);
  }
  if (located.status == anchor::Status::Orphaned && base) {
    // The last place the lines were seen, rather than where they were made.
    located.path = base->path;
    located.startLine = base->startLine;
    located.endLine = base->endLine;
    located.how = "not found; last seen at " + base->commit.substr(0, 12);
  }
  pendingOf_[thread.id].push_back(pending_.size());
  pending_.emplace_back(thread.id, toCache(key, commit, located));
  return located;
}

void Locations::prefetch(const std::string& commit) {
  if (commit == prefetchedAt_) return;
  prefetched_.clear();
  for (auto& [id, c] : store_.index().cachedLocationsAt(commit)) prefetched_.emplace(id + '\n' + c.anchor, std::move(c));
  prefetchedAt_ = commit;
}

void Locations::prepare(const std::vector<Thread>& threads, const std::string& commit) {
  if (commit.empty()) return;
  std::vector<const Thread*> cold;
  std::vector<anchor::Recorded> anchors;
  std::vector<anchor::Location> located;
  try {
    // The answers cached at `commit`, read at once (and kept for atCommit);
    // only a thread without one is looked up alone, for any other answer.
    prefetch(commit);
    for (const Thread& t : threads) {
      if (unanchored(t) || pendingOf_.count(t.id)) continue;
      const std::string key = anchorKey(t.anchor);
      const std::string both = t.id + '\n' + key;
      if (prefetched_.count(both) || queried_.count(both)) continue;
      if (auto rows = store_.index().cachedLocations(t.id, key); !rows.empty()) {
        queried_.emplace(both, std::move(rows));
        continue;
      }
      cold.push_back(&t);
      anchors.push_back(toRecorded(t.anchor));
    }
    if (cold.size() < 2) return;  // nothing to share
    located = locator_.locateAll(anchors, commit);
  } catch (const std::exception&) {
    return;  // an optimisation only: atCommit locates each, saying why one fails
  }
  for (size_t i = 0; i < cold.size(); ++i) {
    pendingOf_[cold[i]->id].push_back(pending_.size());
    pending_.emplace_back(cold[i]->id, toCache(anchorKey(cold[i]->anchor), commit, located[i]));
  }
}

anchor::Location Locations::inText(const Thread& thread, const std::string& path, const std::string& text) {
  if (unanchored(thread)) return nowhere();
  const anchor::Recorded original = toRecorded(thread.anchor);
  if (head_.empty()) {  // no commit yet: by text alone
    if (original.path == path)
      if (auto found = anchor::findInText(original, path, text, original.startLine)) return *found;
    return {original.path, original.startLine, original.endLine, anchor::Status::Orphaned, 0, "not found"};
  }
  anchor::Location atHead = atCommit(thread, head_);
  if (atHead.path != path) return atHead;
  return locator_.follow(original, atHead, head_, path, text);
}

anchor::Location Locations::inWorkTree(const Thread& thread) {
  if (unanchored(thread)) return nowhere();
  auto readFile = [&](const std::string& path) -> std::optional<std::string> {
    std::ifstream in(store_.workdir() + path, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
  };
  if (head_.empty()) {
    if (auto text = readFile(thread.anchor.path)) return inText(thread, thread.anchor.path, *text);
    return {thread.anchor.path, thread.anchor.startLine, thread.anchor.endLine, anchor::Status::Orphaned, 0,
            "the file is not in the work tree"};
  }
  const anchor::Location atHead = atCommit(thread, head_);
  const std::string& where = atHead.path;
  auto text = readFile(where);
  if (!text) {
    anchor::Location gone = atHead;
    gone.status = anchor::Status::Orphaned;
    gone.confidence = 0;
    gone.how = "the file is not in the work tree";
    return gone;
  }
  return inText(thread, where, *text);
}

nlohmann::json locatedJson(const store::Thread& t, const anchor::Location& at) {
  nlohmann::json j = threadToJson(t);
  j.erase("context");
  j.erase("plus_ones");
  if (t.kind == ThreadKind::Walkthrough) {  // no lines: its chapters are where it is
    j.erase("anchor");
    return j;
  }
  j["location"] = {{"path", at.path},
                   {"start_line", at.startLine},
                   {"end_line", at.endLine},
                   {"status", anchor::toString(at.status)},
                   {"confidence", std::round(at.confidence * 100) / 100}};
  // The quoted text stays internal; the public anchor is where it was made.
  j["anchor"] = {{"commit", t.anchor.commit},
                 {"path", t.anchor.path},
                 {"start_line", t.anchor.startLine},
                 {"end_line", t.anchor.endLine}};
  return j;
}


}  // namespace tacit::store
