#include "server/store/store.h"

#include <git2.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "server/git/handles.h"
#include "server/log/log.h"
#include "server/store/clock.h"
#include "server/store/event_log.h"
#include "server/store/file_lock.h"
#include "server/store/write_rules.h"

namespace tacit::store {
namespace {

std::string lastGitError(std::string_view what) {
  const git_error* e = git_error_last();
  return std::string(what) + ": " + (e && e->message ? e->message : "unknown libgit2 error");
}

struct ConfigDeleter {
  void operator()(git_config* c) const { git_config_free(c); }
};
using ConfigPtr = std::unique_ptr<git_config, ConfigDeleter>;

std::optional<std::string> configString(git_repository* repo, const char* key) {
  git_config* raw = nullptr;
  if (git_repository_config_snapshot(&raw, repo) != 0) throw StoreError(lastGitError("reading git config"));
  ConfigPtr config(raw);
  git_buf value = GIT_BUF_INIT;
  if (git_config_get_string_buf(&value, config.get(), key) != 0) return std::nullopt;
  std::string out(value.ptr, value.size);
  git_buf_dispose(&value);
  return out;
}

// Whether this process can keep the index in `dir`: the folder and each of
// the database's files that exists can be written (a read-only checkout's
// cannot, and SQLite would only say so at the first write).
bool canKeepIndexIn(const std::string& dir) {
  if (::access(dir.c_str(), W_OK | X_OK) != 0) return false;
  for (const char* suffix : {"", "-wal", "-shm", ".open"}) {
    const std::string file = dir + "/index.sqlite" + suffix;
    if (::access(file.c_str(), F_OK) == 0 && ::access(file.c_str(), R_OK | W_OK) != 0) return false;
  }
  return true;
}

std::string makeTemporaryDir() {
  std::error_code ec;
  const std::string tmp = std::filesystem::temp_directory_path(ec).string();
  if (ec) throw StoreError("no temporary folder for the index: " + ec.message());
  std::string pattern = tmp + "/tacit-index-XXXXXX";
  if (!::mkdtemp(pattern.data()))
    throw StoreError("cannot create a temporary index in " + tmp + ": " + std::strerror(errno));
  return pattern;
}

}  // namespace

std::unique_ptr<Store> Store::open(const std::string& path, Access access) {
  git_libgit2_init();  // balanced by nothing: libgit2 stays up for the process
  std::unique_ptr<Store> store(new Store());
  if (git_repository_open_ext(&store->repo_, path.c_str(), 0, nullptr) != 0)
    throw StoreError("not a git repository (or any of the parent directories): " + path);
  if (git_repository_is_bare(store->repo_))
    throw StoreError("a bare repository has no work tree to attach notes to: " + path);
  store->workdir_ = git_repository_workdir(store->repo_);
  store->gitdir_ = git_repository_path(store->repo_);
  store->access_ = access;
  std::string tacitDir = store->gitdir_ + "tacit";
  std::error_code ec;
  std::filesystem::create_directories(tacitDir, ec);
  store->shared_ = std::make_unique<EventLog>(store->repo_);
  if (access == Access::ReadOnly) {
    // A report needs no private log, and must work where nothing can be
    // written: the index is a cache, so any writable place will do.
    std::string indexDir = tacitDir;
    if (ec || !canKeepIndexIn(tacitDir)) {
      store->temporaryDir_ = indexDir = makeTemporaryDir();
      TACIT_LOG(Debug) << tacitDir << " cannot be written: indexing into " << indexDir;
    }
    store->indexPath_ = indexDir + "/index.sqlite";
    return store;
  }
  if (ec) throw StoreError("cannot create " + tacitDir + ": " + ec.message());

  // The private log: a bare repository that is never given a remote.
  std::string privatePath = tacitDir + "/private.git";
  // Several processes may create it at once on first use: whoever loses the
  // race opens what the winner made.
  for (int attempt = 0;; ++attempt) {
    if (git_repository_open_bare(&store->private_, privatePath.c_str()) == 0) break;
    if (git_repository_init(&store->private_, privatePath.c_str(), /*is_bare=*/1) == 0) break;
    if (attempt == 50) throw StoreError(lastGitError("cannot create the private store " + privatePath));
    std::this_thread::sleep_for(std::chrono::milliseconds(2 + attempt));
  }

  store->privateLog_ = std::make_unique<EventLog>(store->private_);
  store->indexPath_ = tacitDir + "/index.sqlite";
  return store;
}

Store::~Store() {
  index_.reset();
  shared_.reset();
  privateLog_.reset();
  git_repository_free(private_);
  git_repository_free(repo_);
  if (!temporaryDir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(temporaryDir_, ec);
  }
}

Author Store::identity() const {
  auto name = configString(repo_, "user.name");
  auto email = configString(repo_, "user.email");
  if (!name || name->empty() || !email || email->empty())
    throw StoreError(
        "no identity: set it with git config user.name \"Your Name\" and git config user.email you@example.com");
  return {*name, *email};
}

std::string Store::replica() {
  if (!replica_.empty()) return replica_;
  if (auto existing = configString(repo_, "tacit.replica"); existing && isId(*existing)) {
    replica_ = *existing;
    return replica_;
  }
  // Several processes may pick a replica id at once on first use. Reading
  // and writing happen under one lock between tacit processes, from the file
  // itself rather than a cached view, so exactly one id is written and every
  // other process reads it (git's config lock alone let a second writer
  // overwrite the first after it had already written events as the first).
  FileLock serialised(std::string(git_repository_commondir(repo_)) + "tacit-replica.flock");
  git_buf path = GIT_BUF_INIT;
  if (git_repository_item_path(&path, repo_, GIT_REPOSITORY_ITEM_CONFIG) != 0)
    throw StoreError(lastGitError("finding the repository's git config"));
  const std::string configPath(path.ptr, path.size);
  git_buf_dispose(&path);
  for (int attempt = 0;; ++attempt) {
    git_config* raw = nullptr;
    if (git_config_open_ondisk(&raw, configPath.c_str()) != 0)
      throw StoreError(lastGitError("opening the repository's git config"));
    ConfigPtr local(raw);
    git_buf value = GIT_BUF_INIT;
    if (git_config_get_string_buf(&value, local.get(), "tacit.replica") == 0) {
      std::string existing(value.ptr, value.size);
      git_buf_dispose(&value);
      if (isId(existing)) {
        replica_ = existing;
        return replica_;
      }
    }
    if (access_ == Access::ReadOnly) throw StoreError("this clone has no replica id yet, and the store is read-only");
    std::string id = newId();
    if (git_config_set_string(local.get(), "tacit.replica", id.c_str()) == 0) {
      TACIT_LOG(Debug) << "this clone is replica " << id;
      replica_ = id;
      return replica_;
    }
    // Locked by a git process of the user's: wait for it and read again.
    if (attempt == 50) throw StoreError(lastGitError("writing tacit.replica to git config"));
    std::this_thread::sleep_for(std::chrono::milliseconds(2 + attempt));
  }
}

Store::RefsSnapshot Store::refsFingerprint() const {
  RefsSnapshot out;
  git_repository* repos[] = {repo_, private_};
  for (size_t r = 0; r < out.size(); ++r) {
    if (!repos[r]) continue;  // no private log (read-only)
    git_reference_iterator* raw = nullptr;
    if (git_reference_iterator_glob_new(&raw, repos[r], "refs/tacit/*") != 0) continue;
    std::unique_ptr<git_reference_iterator, decltype(&git_reference_iterator_free)> it(raw, git_reference_iterator_free);
    git_reference* ref = nullptr;
    while (git_reference_next(&ref, it.get()) == 0) {
      const git_oid* target = git_reference_target(ref);
      out[r][git_reference_name(ref)] = target ? git::toHex(*target) : std::string();
      git_reference_free(ref);
    }
  }
  return out;
}

bool Store::changedByOthers(const RefsSnapshot& before, const RefsSnapshot& now) const {
  // A moved ref is news unless our own swaps took it there from where it
  // was, with no other writer's commit in between.
  git_repository* repos[] = {repo_, private_};
  for (size_t r = 0; r < now.size(); ++r) {
    for (const auto& [ref, hex] : now[r]) {
      auto it = before[r].find(ref);
      const std::string from = it == before[r].end() ? "" : it->second;
      if (from != hex && !swappedHere(repos[r], ref, from, hex)) return true;
    }
    for (const auto& [ref, hex] : before[r])
      if (!now[r].count(ref)) return true;  // deleted: never by us
  }
  return false;
}

EventLog& Store::log(std::string_view source) {
  if (source != "private") return *shared_;
  if (!privateLog_) throw StoreError("the private store is not open (read-only)");
  return *privateLog_;
}

Index& Store::index() {
  std::call_once(indexOpened_, [this] {
    index_ = std::make_unique<Index>(indexPath_, kDefaultFreshBudgetBytes, [this](Index& index) { refresh(index); });
  });
  return *index_;
}

Index::RefreshStats Store::refresh() { return refresh(index()); }

Index::RefreshStats Store::refresh(Index& index) {
  auto warn = [](const std::string& message) { TACIT_LOG(Warn) << message; };
  Index::RefreshStats total = index.refresh(*shared_, "shared", warn);
  if (!privateLog_) return total;
  Index::RefreshStats mine = index.refresh(*privateLog_, "private", warn);
  total.refs += mine.refs;
  total.events += mine.events;
  total.skipped += mine.skipped;
  total.threads += mine.threads;
  return total;
}

std::string Store::append(std::string_view source, EventType type, const std::string& thread, json payload,
                          bool newThread) {
  return appendAll(source, {Draft{type, thread, std::move(payload), newThread}}).front();
}

std::vector<std::string> Store::appendAll(std::string_view source, std::vector<Draft> drafts) {
  if (access_ == Access::ReadOnly) throw StoreError("the store was opened read-only: nothing can be written");
  Author me = identity();
  std::string replicaId = replica();
  refresh();  // the clock must be after everything this clone knows
  uint64_t known = index().maxLamport();
  const int64_t now = nowMillis();
  std::vector<Event> events;
  std::vector<std::string> ids;
  std::string message = "tacit:";
  for (auto& d : drafts) {
    Event e;
    e.id = d.newThread ? d.thread : newId();
    e.type = d.type;
    e.thread = d.thread;
    e.replica = replicaId;
    e.ts = now;
    e.author = me;
    e.payload = std::move(d.payload);
    message += (events.empty() ? " " : ", ") + std::string(toString(e.type)) + " " + e.thread.substr(0, 12);
    ids.push_back(e.id);
    events.push_back(std::move(e));
  }
  log(source).append(
      replicaId,
      [&](uint64_t tipLamport) {
        uint64_t lamport = std::max(known, tipLamport);
        for (auto& e : events) e.lamport = ++lamport;  // in the order given
        return events;
      },
      message, me);
  refresh();
  return ids;
}

namespace {

json createdPayload(const Store::NewThread& t) {
  json payload = {{"kind", toString(t.kind)}, {"body", t.body},         {"private", t.isPrivate},
                  {"assignees", t.assignees}, {"context", t.context}};
  if (t.kind != ThreadKind::Walkthrough) payload["anchor"] = toJson(t.anchor);  // no lines of its own
  return payload;
}

}  // namespace

std::string Store::createThread(const NewThread& t) {
  if (!t.id.empty() && !isId(t.id)) throw StoreError("not a thread id: " + t.id.substr(0, 80));
  checkNewThread(t.kind, t.body);
  std::string id = t.id.empty() ? newId() : t.id;
  append(t.isPrivate ? "private" : "shared", EventType::Created, id, createdPayload(t), true);
  return id;
}

std::vector<std::string> Store::write(const std::optional<NewThread>& created, const std::vector<Append>& events) {
  std::vector<Draft> drafts;
  std::optional<std::string> source;
  auto sameLog = [&](const std::string& thread, bool isPrivate) {
    const std::string s = isPrivate ? "private" : "shared";
    if (source && *source != s)
      throw StoreError("one write cannot mix private and shared threads (" + thread.substr(0, 12) + " is " + s + ")");
    source = s;
  };
  if (created) {
    if (!created->id.empty() && !isId(created->id))
      throw StoreError("not a thread id: " + created->id.substr(0, 80));
    std::string id = created->id.empty() ? newId() : created->id;
    if (index().get(id)) throw StoreError("the id " + id + " is already in use");
    checkNewThread(created->kind, created->body);
    sameLog(id, created->isPrivate);
    drafts.push_back({EventType::Created, id, createdPayload(*created), true});
  }
  for (const auto& a : events) {
    if (created && a.thread == drafts.front().thread) {
      Thread fresh;
      fresh.id = a.thread;
      fresh.kind = created->kind;
      checkEvent(fresh, a.type, a.payload);
      drafts.push_back({a.type, a.thread, a.payload, false});
      continue;
    }
    auto thread = index().get(a.thread);
    if (!thread) throw StoreError("unknown id " + a.thread);
    checkEvent(*thread, a.type, a.payload);
    sameLog(a.thread, thread->isPrivate);
    drafts.push_back({a.type, a.thread, a.payload, false});
  }
  if (drafts.empty()) return {};
  return appendAll(*source, std::move(drafts));
}

json Store::questionContext(const Anchor& anchor) const {
  json context = {{"snippet", anchor.text}, {"commit", anchor.commit}};
  git_reference* raw = nullptr;
  if (git_repository_head(&raw, repo_) == 0) {
    const char* name = nullptr;
    if (git_branch_name(&name, raw) == 0 && name) context["branch"] = name;
    git_reference_free(raw);
  }
  return context;
}

std::string Store::addEvent(const std::string& threadId, EventType type, json payload) {
  auto thread = index().get(threadId);
  if (!thread) throw StoreError("unknown id " + threadId);
  checkEvent(*thread, type, payload);
  return append(thread->isPrivate ? "private" : "shared", type, threadId, std::move(payload), false);
}

}  // namespace tacit::store
