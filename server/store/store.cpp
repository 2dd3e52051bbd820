#include "server/store/store.h"

#include <git2.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "server/log/log.h"
#include "server/store/event_log.h"

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

int64_t nowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::unique_ptr<Store> Store::open(const std::string& path) {
  git_libgit2_init();  // balanced by nothing: libgit2 stays up for the process
  std::unique_ptr<Store> store(new Store());
  if (git_repository_open_ext(&store->repo_, path.c_str(), 0, nullptr) != 0)
    throw StoreError("not a git repository (or any of the parent directories): " + path);
  if (git_repository_is_bare(store->repo_))
    throw StoreError("a bare repository has no work tree to attach notes to: " + path);
  store->workdir_ = git_repository_workdir(store->repo_);
  store->gitdir_ = git_repository_path(store->repo_);
  std::string tacitDir = store->gitdir_ + "tacit";
  std::error_code ec;
  std::filesystem::create_directories(tacitDir, ec);
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

  store->shared_ = std::make_unique<EventLog>(store->repo_);
  store->privateLog_ = std::make_unique<EventLog>(store->private_);
  store->index_ = std::make_unique<Index>(tacitDir + "/index.sqlite");
  return store;
}

Store::~Store() {
  index_.reset();
  shared_.reset();
  privateLog_.reset();
  git_repository_free(private_);
  git_repository_free(repo_);
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
  // Several processes may pick a replica id at once on first use; the config
  // lock lets one write, and the others then read what it wrote.
  for (int attempt = 0;; ++attempt) {
    if (auto existing = configString(repo_, "tacit.replica"); existing && isId(*existing)) {
      replica_ = *existing;
      return replica_;
    }
    git_config* raw = nullptr;
    if (git_repository_config(&raw, repo_) != 0) throw StoreError(lastGitError("opening git config"));
    ConfigPtr config(raw);
    git_config* localRaw = nullptr;
    if (git_config_open_level(&localRaw, config.get(), GIT_CONFIG_LEVEL_LOCAL) != 0)
      throw StoreError(lastGitError("opening the repository's git config"));
    ConfigPtr local(localRaw);
    std::string id = newId();
    if (git_config_set_string(local.get(), "tacit.replica", id.c_str()) == 0) {
      TACIT_LOG(Debug) << "this clone is replica " << id;
      replica_ = id;
      return replica_;
    }
    if (attempt == 50) throw StoreError(lastGitError("writing tacit.replica to git config"));
    std::this_thread::sleep_for(std::chrono::milliseconds(2 + attempt));
  }
}

std::string Store::refsFingerprint() const {
  std::string out;
  for (git_repository* repo : {repo_, private_}) {
    git_reference_iterator* raw = nullptr;
    if (git_reference_iterator_glob_new(&raw, repo, "refs/tacit/*") != 0) continue;
    std::unique_ptr<git_reference_iterator, decltype(&git_reference_iterator_free)> it(raw, git_reference_iterator_free);
    git_reference* ref = nullptr;
    while (git_reference_next(&ref, it.get()) == 0) {
      out += git_reference_name(ref);
      if (const git_oid* target = git_reference_target(ref)) {
        char hex[GIT_OID_HEXSZ + 1];
        git_oid_tostr(hex, sizeof hex, target);
        out += ' ';
        out += hex;
      }
      out += '\n';
      git_reference_free(ref);
    }
    out += "--\n";
  }
  return out;
}

EventLog& Store::log(std::string_view source) { return source == "private" ? *privateLog_ : *shared_; }

Index::RefreshStats Store::refresh() {
  auto warn = [](const std::string& message) { TACIT_LOG(Warn) << message; };
  Index::RefreshStats total = index_->refresh(*shared_, "shared", warn);
  Index::RefreshStats mine = index_->refresh(*privateLog_, "private", warn);
  total.refs += mine.refs;
  total.events += mine.events;
  total.skipped += mine.skipped;
  total.threads += mine.threads;
  return total;
}

std::string Store::append(std::string_view source, EventType type, const std::string& thread, json payload,
                          bool newThread) {
  Author me = identity();
  std::string replicaId = replica();
  refresh();  // the clock must be after everything this clone knows
  uint64_t known = index_->maxLamport();
  std::string id = newThread ? thread : newId();
  Event e;
  e.id = id;
  e.type = type;
  e.thread = thread;
  e.replica = replicaId;
  e.ts = nowMillis();
  e.author = me;
  e.payload = std::move(payload);
  std::string message = "tacit: " + std::string(toString(type)) + " " + thread.substr(0, 12);
  log(source).append(
      replicaId,
      [&](uint64_t tipLamport) {
        e.lamport = std::max(known, tipLamport) + 1;
        return std::vector<Event>{e};
      },
      message, me);
  refresh();
  return id;
}

std::string Store::createThread(const NewThread& t) {
  json anchor = toJson(t.anchor);
  json payload = {{"kind", toString(t.kind)}, {"body", t.body},       {"private", t.isPrivate},
                  {"assignees", t.assignees}, {"anchor", anchor},     {"context", t.context}};
  std::string id = newId();
  append(t.isPrivate ? "private" : "shared", EventType::Created, id, std::move(payload), true);
  return id;
}

std::string Store::addEvent(const std::string& threadId, EventType type, json payload) {
  auto thread = index_->get(threadId);
  if (!thread) throw StoreError("unknown id " + threadId);
  return append(thread->isPrivate ? "private" : "shared", type, threadId, std::move(payload), false);
}

}  // namespace tacit::store
