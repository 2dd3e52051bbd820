// EventLog over libgit2's C API. Every libgit2 object is owned by a
// unique_ptr, every libgit2 error becomes a one-line StoreError.
#include "server/store/event_log.h"

#include <git2.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <ctime>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "server/git/handles.h"
#include "server/git/setup.h"
#include "server/log/log.h"
#include "server/store/file_lock.h"

namespace tacit::store {
namespace {

using git::Blob;
using git::Commit;
using git::Object;
using git::Odb;
using git::OdbObject;
using git::RefIterator;
using git::Reference;
using git::Signature;
using git::toHex;
using git::Tree;
using git::TreeBuilder;

// The names are fixed width so that git's tree order is numeric order, which
// is what lets maxLamport read only the last entries. 6 bucket digits cap the
// lamport a log can hold below kMaxLamport; a larger one is refused on write.
constexpr size_t kBucketDigits = 6;
constexpr size_t kLamportDigits = 12;
constexpr uint64_t kMaxBuckets = 1'000'000;
constexpr uint64_t kMaxNamedLamport = kMaxBuckets * kLamportBucket - 1;
constexpr std::string_view kEventsDir = "events";
constexpr std::string_view kEventSuffix = ".json";

// CAS retries: two editors and a CLI on one clone collide for milliseconds,
// so start small; the cap and the count bound the wait to seconds when a
// stale lock file never goes away.
constexpr int kMaxAttempts = 200;
constexpr std::chrono::microseconds kFirstBackoff{1000};
constexpr std::chrono::microseconds kMaxBackoff{100'000};

// Quotes untrusted text (ids, names from remotes) without flooding a message.
std::string quote(std::string_view s) {
  constexpr size_t kMax = 80;
  std::string out = "'";
  out += s.substr(0, kMax);
  if (s.size() > kMax) out += "...";
  out += "'";
  return out;
}

std::string lastGitError(int code) {
  const git_error* e = git_error_last();
  std::string msg = e && e->message ? e->message : "libgit2 error " + std::to_string(code);
  std::replace(msg.begin(), msg.end(), '\n', ' ');
  while (!msg.empty() && (msg.back() == ' ' || msg.back() == '.')) msg.pop_back();
  return msg;
}

[[noreturn]] void fail(std::string_view what, int code) {
  throw StoreError(std::string(what) + ": " + lastGitError(code));
}

void check(int code, std::string_view what) {
  if (code < 0) fail(what, code);
}

git_oid parseObjectId(std::string_view hex) {
  auto oid = git::parseOid(hex);
  if (!oid) throw StoreError("not an object id: " + quote(hex));
  return *oid;
}

Commit lookupCommit(git_repository* repo, const git_oid& oid) {
  git_commit* c = nullptr;
  check(git_commit_lookup(&c, repo, &oid), "reading commit " + toHex(oid));
  return Commit(c);
}

Tree commitTree(const git_commit* commit) {
  git_tree* t = nullptr;
  check(git_commit_tree(&t, commit), "reading the tree of commit " + toHex(*git_commit_id(commit)));
  return Tree(t);
}

Tree lookupTree(git_repository* repo, const git_tree_entry* entry, std::string_view path) {
  git_tree* t = nullptr;
  check(git_tree_lookup(&t, repo, git_tree_entry_id(entry)), "reading tree " + std::string(path));
  return Tree(t);
}

bool isDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

uint64_t parseDigits(std::string_view s) {
  uint64_t v = 0;
  for (char c : s) v = v * 10 + static_cast<uint64_t>(c - '0');
  return v;
}

// `value` in decimal, zero-padded to `width` digits (snprintf's "%0*"
// without its format parsing: indexing names every event it reads).
void appendPadded(std::string& out, uint64_t value, size_t width) {
  char digits[20];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  const size_t count = static_cast<size_t>(end - digits);
  if (count < width) out.append(width - count, '0');
  out.append(digits, count);
}

std::string bucketName(uint64_t bucket) {
  std::string out;
  appendPadded(out, bucket, kBucketDigits);
  return out;
}

void appendEventName(std::string& out, uint64_t lamport, std::string_view eventId) {
  appendPadded(out, lamport, 12);
  out += '-';
  out += eventId;
  out += kEventSuffix;
}

std::string eventName(uint64_t lamport, std::string_view eventId) {
  std::string out;
  appendEventName(out, lamport, eventId);
  return out;
}

std::optional<uint64_t> parseBucketName(std::string_view name) {
  if (name.size() != kBucketDigits || !isDigits(name)) return std::nullopt;
  return parseDigits(name);
}

// "<lamport:012>-<id>.json" → lamport.
std::optional<uint64_t> parseEventName(std::string_view name) {
  constexpr size_t kSize = kLamportDigits + 1 + 32 + 5;
  if (name.size() != kSize || name[kLamportDigits] != '-' || !name.ends_with(kEventSuffix))
    return std::nullopt;
  std::string_view digits = name.substr(0, kLamportDigits);
  std::string_view id = name.substr(kLamportDigits + 1, 32);
  if (!isDigits(digits) || !isId(id)) return std::nullopt;
  return parseDigits(digits);
}

// The subtree `name` of `tree`, or null when either is absent. A non-tree
// there is a corrupt log: writing on top of it would hide the damage.
Tree subtreeForWrite(git_repository* repo, const git_tree* tree, const std::string& name,
                     std::string_view path) {
  if (!tree) return nullptr;
  const git_tree_entry* e = git_tree_entry_byname(tree, name.c_str());
  if (!e) return nullptr;
  if (git_tree_entry_type(e) != GIT_OBJECT_TREE)
    throw StoreError("the log is corrupt: " + std::string(path) + " is not a tree");
  return lookupTree(repo, e, path);
}

// The highest lamport named in a log tree. Lenient about entries that are not
// event names (a hand-made or damaged log): they are skipped, not fatal.
uint64_t maxLamportOfTree(git_repository* repo, const git_tree* root) {
  const git_tree_entry* ev = git_tree_entry_byname(root, std::string(kEventsDir).c_str());
  if (!ev || git_tree_entry_type(ev) != GIT_OBJECT_TREE) return 0;
  Tree events = lookupTree(repo, ev, kEventsDir);
  for (size_t i = git_tree_entrycount(events.get()); i-- > 0;) {
    const git_tree_entry* b = git_tree_entry_byindex(events.get(), i);
    if (git_tree_entry_type(b) != GIT_OBJECT_TREE || !parseBucketName(git_tree_entry_name(b)))
      continue;
    Tree bucket = lookupTree(repo, b, std::string(kEventsDir) + "/" + git_tree_entry_name(b));
    for (size_t j = git_tree_entrycount(bucket.get()); j-- > 0;) {
      const git_tree_entry* e = git_tree_entry_byindex(bucket.get(), j);
      if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) continue;
      if (auto lamport = parseEventName(git_tree_entry_name(e))) return *lamport;
    }
  }
  return 0;
}

struct Tip {
  std::optional<git_oid> id;  // empty: the ref does not exist yet
  Tree tree;
};

Tip readTip(git_repository* repo, const std::string& refName) {
  git_reference* r = nullptr;
  int rc = git_reference_lookup(&r, repo, refName.c_str());
  if (rc == GIT_ENOTFOUND) return {};
  check(rc, "reading " + refName);
  Reference ref(r);
  if (git_reference_type(ref.get()) != GIT_REFERENCE_DIRECT)
    throw StoreError(refName + " is a symbolic ref; a replica's log must be a direct ref");
  Tip tip;
  tip.id = *git_reference_target(ref.get());
  Commit commit = lookupCommit(repo, *tip.id);
  tip.tree = commitTree(commit.get());
  return tip;
}

// The entries to add, by bucket: name → blob.
using NewEntries = std::map<uint64_t, std::vector<std::pair<std::string, git_oid>>>;

// Rebuilds only the touched buckets, then events/, then the root; every
// other entry is carried over by the tree builders unchanged.
git_oid writeLogTree(git_repository* repo, const git_tree* root, const NewEntries& added) {
  const std::string eventsDir(kEventsDir);
  Tree events = subtreeForWrite(repo, root, eventsDir, eventsDir);
  git_treebuilder* raw = nullptr;
  check(git_treebuilder_new(&raw, repo, events.get()), "starting tree " + eventsDir);
  TreeBuilder eventsBuilder(raw);
  for (const auto& [bucket, entries] : added) {
    const std::string name = bucketName(bucket);
    const std::string path = eventsDir + "/" + name;
    Tree old = subtreeForWrite(repo, events.get(), name, path);
    check(git_treebuilder_new(&raw, repo, old.get()), "starting tree " + path);
    TreeBuilder builder(raw);
    for (const auto& [entry, blob] : entries) {
      // Append-only: a name already present is never replaced.
      if (git_treebuilder_get(builder.get(), entry.c_str()))
        throw StoreError("the log already holds " + path + "/" + entry);
      check(git_treebuilder_insert(nullptr, builder.get(), entry.c_str(), &blob, GIT_FILEMODE_BLOB),
            "adding " + path + "/" + entry);
    }
    git_oid id;
    check(git_treebuilder_write(&id, builder.get()), "writing tree " + path);
    check(git_treebuilder_insert(nullptr, eventsBuilder.get(), name.c_str(), &id, GIT_FILEMODE_TREE),
          "adding " + path);
  }
  git_oid eventsId;
  check(git_treebuilder_write(&eventsId, eventsBuilder.get()), "writing tree " + eventsDir);

  check(git_treebuilder_new(&raw, repo, root), "starting the root tree");
  TreeBuilder rootBuilder(raw);
  check(git_treebuilder_insert(nullptr, rootBuilder.get(), eventsDir.c_str(), &eventsId,
                               GIT_FILEMODE_TREE),
        "adding " + eventsDir);
  git_oid rootId;
  check(git_treebuilder_write(&rootId, rootBuilder.get()), "writing the root tree");
  return rootId;
}

// A process killed while it held a ref's lock leaves "<ref>.lock" behind, and
// neither git nor libgit2 ever removes it. Tacit's own ref updates are also
// serialised by an advisory lock (FileLock on refUpdateLockPath), which the kernel releases
// when its holder dies: so while we hold it, a "<ref>.lock" is not a live
// tacit writer's, and it is removed once older than this (time enough for a
// foreign git process, such as pack-refs, to finish with it). The age alone
// was not enough: a live writer whose fsync took seconds under load had its
// lock removed, and the next writer's update was then overwritten.
constexpr int64_t kStaleLockSeconds = 5;

void removeStaleLock(git_repository* repo, const std::string& ref) {
  std::string lock = std::string(git_repository_commondir(repo)) + ref + ".lock";
  struct stat st;
  if (::stat(lock.c_str(), &st) != 0) return;
  if (static_cast<int64_t>(std::time(nullptr)) - static_cast<int64_t>(st.st_mtime) < kStaleLockSeconds) return;
  if (std::remove(lock.c_str()) == 0)
    TACIT_LOG(Warn) << "removed the stale lock " << lock << ", left by a process that died while writing";
}

// flock(2) on "<git common dir>/tacit-refs.flock" for the length of one ref
// update by compare-and-swap (milliseconds: the objects are written before).
// Without the file (a read-only repository) the update goes on unserialised;
// libgit2's own lock still makes it atomic.
std::string refUpdateLockPath(git_repository* repo) {
  return std::string(git_repository_commondir(repo)) + "tacit-refs.flock";
}

// Exponential with jitter: contenders that collided once spread out instead
// of colliding again in lockstep.
void backoff(int attempt) {
  thread_local std::minstd_rand rng{std::random_device{}()};
  const auto ceiling =
      std::min<int64_t>(kMaxBackoff.count(), int64_t{kFirstBackoff.count()} << std::min(attempt, 20));
  std::uniform_int_distribution<int64_t> pick(ceiling / 4, ceiling);
  std::this_thread::sleep_for(std::chrono::microseconds(pick(rng)));
}

// libgit2 as all of tacit sets it up (server/git/setup.h), and fsync on: an
// acknowledged append must survive a crash or power loss.
void initLibgit2Once() {
  static std::once_flag once;
  std::call_once(once, [] {
    try {
      git::setUp();
    } catch (const std::runtime_error& e) {
      throw StoreError(e.what());
    }
    check(git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1), "enabling fsync");
  });
}

// One tree-to-tree comparison of log trees. git_diff_tree_to_tree would do,
// but libgit2 1.5's tree iterators expand every subtree, even identical
// ones (≈45 ms for 100k events to find one new one); comparing entry ids
// level by level skips every unchanged bucket.
class AddedWalker {
 public:
  AddedWalker(git_repository* repo, const std::function<void(EventLog::RawEvent)>& onEvent,
              const std::function<void(std::string, std::string)>& onBadEntry)
      : repo_(repo), onEvent_(onEvent), onBadEntry_(onBadEntry) {
    git_odb* odb = nullptr;
    check(git_repository_odb(&odb, repo), "opening the object database");
    odb_.reset(odb);
  }

  void root(const git_tree* old, const git_tree* now) {
    forEachChange(old, now, [&](const git_tree_entry* o, const git_tree_entry* n) {
      const std::string name = git_tree_entry_name(n ? n : o);
      if (name != kEventsDir) {
        onBadEntry_(name, n ? "an entry outside events/" : "an entry outside events/ was deleted");
        return;
      }
      if (!n) return onBadEntry_(name, "the events tree was deleted");
      if (git_tree_entry_type(n) != GIT_OBJECT_TREE) return onBadEntry_(name, "not a tree");
      Tree oldEvents = isTree(o) ? lookupTree(repo_, o, name) : nullptr;
      events(oldEvents.get(), lookupTree(repo_, n, name).get());
    });
  }

 private:
  static bool isTree(const git_tree_entry* e) {
    return e && git_tree_entry_type(e) == GIT_OBJECT_TREE;
  }

  // Calls fn(old, new) for every name whose entry differs (id or mode); one
  // side is null for an addition or a deletion. Additions come in tree
  // order, which for our fixed-width names is lamport order.
  template <typename Fn>
  static void forEachChange(const git_tree* old, const git_tree* now, Fn&& fn) {
    if (old && now && git_oid_equal(git_tree_id(old), git_tree_id(now))) return;
    if (now) {
      for (size_t i = 0, n = git_tree_entrycount(now); i < n; ++i) {
        const git_tree_entry* ne = git_tree_entry_byindex(now, i);
        const git_tree_entry* oe = old ? git_tree_entry_byname(old, git_tree_entry_name(ne)) : nullptr;
        if (oe && git_oid_equal(git_tree_entry_id(oe), git_tree_entry_id(ne)) &&
            git_tree_entry_filemode(oe) == git_tree_entry_filemode(ne))
          continue;
        fn(oe, ne);
      }
    }
    if (old) {
      for (size_t i = 0, n = git_tree_entrycount(old); i < n; ++i) {
        const git_tree_entry* oe = git_tree_entry_byindex(old, i);
        if (!now || !git_tree_entry_byname(now, git_tree_entry_name(oe)))
          fn(oe, static_cast<const git_tree_entry*>(nullptr));
      }
    }
  }

  void events(const git_tree* old, const git_tree* now) {
    forEachChange(old, now, [&](const git_tree_entry* o, const git_tree_entry* n) {
      const std::string name = git_tree_entry_name(n ? n : o);
      const std::string path = std::string(kEventsDir) + "/" + name;
      if (!n) return onBadEntry_(path, "an event bucket was deleted");
      auto bucket = parseBucketName(name);
      if (!bucket) return onBadEntry_(path, "not an event bucket (6 digits)");
      if (git_tree_entry_type(n) != GIT_OBJECT_TREE)
        return onBadEntry_(path, "an event bucket that is not a tree");
      Tree oldBucket = isTree(o) ? lookupTree(repo_, o, path) : nullptr;
      this->bucket(*bucket, path, oldBucket.get(), lookupTree(repo_, n, path).get());
    });
  }

  void bucket(uint64_t number, const std::string& dir, const git_tree* old, const git_tree* now) {
    forEachChange(old, now, [&](const git_tree_entry* o, const git_tree_entry* n) {
      std::string path = dir + "/" + git_tree_entry_name(n ? n : o);
      if (!n) return onBadEntry_(std::move(path), "an event was deleted (logs are append-only)");
      if (o) return onBadEntry_(std::move(path), "an event blob was rewritten (logs are append-only)");
      auto lamport = parseEventName(git_tree_entry_name(n));
      if (!lamport) return onBadEntry_(std::move(path), "not an event name (<lamport:012>-<id>.json)");
      if (*lamport / kLamportBucket != number)
        return onBadEntry_(std::move(path), "an event in the wrong bucket");
      const git_filemode_t mode = git_tree_entry_filemode(n);
      if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE)
        return onBadEntry_(std::move(path), "not a blob");
      read(std::move(path), *git_tree_entry_id(n));
    });
  }

  void read(std::string path, const git_oid& id) {
    // One read straight from the object database (the object cache would
    // only hold blobs we never look at again). The size limit is checked on
    // what was read: a separate header read cost a second lookup (and a
    // second inflate for loose objects) per event, and the blob is already
    // on disk, accepted by git's own limits.
    git_odb_object* raw = nullptr;
    check(git_odb_read(&raw, odb_.get(), &id), "reading " + path);
    OdbObject object(raw);
    if (git_odb_object_type(object.get()) != GIT_OBJECT_BLOB)
      return onBadEntry_(std::move(path), "not a blob");
    const size_t size = git_odb_object_size(object.get());
    if (size > kMaxEventBytes)
      return onBadEntry_(std::move(path), "an event blob of " + std::to_string(size) +
                                              " bytes (the limit is " +
                                              std::to_string(kMaxEventBytes) + ")");
    const auto* bytes = static_cast<const char*>(git_odb_object_data(object.get()));
    onEvent_(EventLog::RawEvent{std::move(path), toHex(id), std::string(bytes, size)});
  }

  git_repository* repo_;
  Odb odb_;
  const std::function<void(EventLog::RawEvent)>& onEvent_;
  const std::function<void(std::string, std::string)>& onBadEntry_;
};

// A commit of `treeId` with `parents`, by `committer`, now.
git_oid writeCommit(git_repository* repo, const git_oid& treeId, const std::vector<const git_commit*>& parents,
                    const std::string& message, const Author& committer) {
  git_tree* rawTree = nullptr;
  check(git_tree_lookup(&rawTree, repo, &treeId), "reading the new tree");
  Tree tree(rawTree);
  git_signature* rawSig = nullptr;
  check(git_signature_now(&rawSig, committer.name.c_str(), committer.email.c_str()),
        "making the committer signature");
  Signature sig(rawSig);
  git_oid commitId;
  check(git_commit_create(&commitId, repo, nullptr, sig.get(), sig.get(), nullptr, message.c_str(), tree.get(),
                          parents.size(), const_cast<const git_commit**>(parents.data())),
        "writing the commit");
  return commitId;
}

// The swaps this process made, by "<common dir>\n<ref>": from which commit
// ("" for a new ref) to which, the latest few per ref.
std::mutex swappedMutex;
std::map<std::string, std::map<std::string, std::string>> swapped;
constexpr size_t kSwapsKept = 64;

std::string swappedKey(git_repository* repo, const std::string& ref) {
  return std::string(git_repository_commondir(repo)) + "\n" + ref;
}

// The compare-and-swap of `ref` from `expected` (empty: the ref must not
// exist) to `target`. For a new ref the expected value is the zero id, which
// libgit2 checks under the ref's lock: git_reference_create with force=0
// checks existence *before* taking the lock, so two creators could both pass
// and the second would overwrite the first. Returns true when swapped; false
// on a conflict worth retrying (its message in `conflict`, and a stale lock
// removed); throws on any other error.
bool swapRef(git_repository* repo, const std::string& ref, const git_oid& target,
             const std::optional<git_oid>& expected, std::string& conflict) {
  const git_oid zero{};
  git_reference* out = nullptr;
  FileLock serialised(refUpdateLockPath(repo));
  int rc = git_reference_create_matching(&out, repo, ref.c_str(), &target, /*force=*/1,
                                         expected ? &*expected : &zero, "tacit");
  if (rc == 0) {
    git_reference_free(out);
    std::lock_guard<std::mutex> lock(swappedMutex);
    auto& steps = swapped[swappedKey(repo, ref)];
    if (steps.size() >= kSwapsKept) steps.clear();  // old history: the watcher has long seen it
    steps[expected ? toHex(*expected) : std::string()] = toHex(target);
    return true;
  }
  if (rc != GIT_EMODIFIED && rc != GIT_ELOCKED && rc != GIT_EEXISTS) fail("updating " + ref, rc);
  conflict = lastGitError(rc);
  if (rc == GIT_ELOCKED && serialised.held()) removeStaleLock(repo, ref);
  return false;
}

}  // namespace

namespace {

std::optional<std::string> fileOf(git_repository* repo, const Tip& tip, const std::string& name) {
  if (!tip.tree) return std::nullopt;
  const git_tree_entry* entry = git_tree_entry_byname(tip.tree.get(), name.c_str());
  if (!entry || git_tree_entry_type(entry) != GIT_OBJECT_BLOB) return std::nullopt;
  git_blob* raw = nullptr;
  check(git_blob_lookup(&raw, repo, git_tree_entry_id(entry)), "reading " + name);
  Blob blob(raw);
  return std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                     static_cast<size_t>(git_blob_rawsize(blob.get())));
}

}  // namespace

bool swappedHere(git_repository* repo, const std::string& ref, const std::string& from, const std::string& to) {
  std::lock_guard<std::mutex> lock(swappedMutex);
  auto it = swapped.find(swappedKey(repo, ref));
  if (it == swapped.end()) return false;
  std::string at = from;
  for (size_t step = 0; step < kSwapsKept; ++step) {
    auto next = it->second.find(at);
    if (next == it->second.end()) return false;
    at = next->second;
    if (at == to) return true;
  }
  return false;
}

std::optional<std::string> readRefFile(git_repository* repo, const std::string& ref, const std::string& name) {
  initLibgit2Once();
  return fileOf(repo, readTip(repo, ref), name);
}

std::optional<std::string> swapRefFile(
    git_repository* repo, const std::string& ref, const std::string& name,
    const std::function<std::optional<std::string>(const std::optional<std::string>& current)>& change,
    const std::string& message, const Author& committer) {
  initLibgit2Once();
  std::string lastConflict;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    if (attempt > 0) backoff(attempt - 1);
    Tip tip = readTip(repo, ref);
    std::optional<std::string> current = fileOf(repo, tip, name);
    std::optional<std::string> next = change(current);
    if (!next || next == current) return current;
    git_oid blob;
    check(git_blob_create_from_buffer(&blob, repo, next->data(), next->size()), "writing " + name);
    git_treebuilder* rawBuilder = nullptr;
    check(git_treebuilder_new(&rawBuilder, repo, nullptr), "building a tree");
    TreeBuilder builder(rawBuilder);
    check(git_treebuilder_insert(nullptr, builder.get(), name.c_str(), &blob, GIT_FILEMODE_BLOB), "building a tree");
    git_oid treeId;
    check(git_treebuilder_write(&treeId, builder.get()), "writing a tree");
    Commit parent = tip.id ? lookupCommit(repo, *tip.id) : nullptr;
    std::vector<const git_commit*> parents;
    if (parent) parents.push_back(parent.get());
    git_oid commitId = writeCommit(repo, treeId, parents, message, committer);
    if (swapRef(repo, ref, commitId, tip.id, lastConflict)) return next;
  }
  throw StoreError("writing " + ref + ": gave up after " + std::to_string(kMaxAttempts) + " attempts: " +
                   lastConflict);
}

std::string eventPath(uint64_t lamport, std::string_view eventId) {
  std::string out(kEventsDir);
  out.reserve(out.size() + 2 + kBucketDigits + 12 + eventId.size() + kEventSuffix.size() + 1);
  out += '/';
  appendPadded(out, lamport / kLamportBucket, kBucketDigits);
  out += '/';
  appendEventName(out, lamport, eventId);
  return out;
}

EventLog::EventLog(git_repository* repo) : repo_(repo) { initLibgit2Once(); }

std::string EventLog::replicaRef(std::string_view replica) {
  return std::string(kReplicaRefPrefix) + std::string(replica);
}

std::string EventLog::append(std::string_view replica, const Prepare& prepare,
                             const std::string& message, const Author& committer) {
  if (!isId(replica)) throw StoreError("not a replica id: " + quote(replica));
  const std::string ref = replicaRef(replica);
  std::string lastConflict;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    if (attempt > 0) backoff(attempt - 1);

    Tip tip = readTip(repo_, ref);
    const uint64_t tipLamport = tip.tree ? maxLamportOfTree(repo_, tip.tree.get()) : 0;
    const std::vector<Event> events = prepare(tipLamport);
    if (events.empty()) return tip.id ? toHex(*tip.id) : std::string();

    // Everything is checked before anything is written.
    std::vector<std::pair<const Event*, std::string>> encoded;
    std::set<std::string> paths;
    for (const Event& e : events) {
      if (auto why = validateEvent(e)) throw StoreError("refusing event " + quote(e.id) + ": " + *why);
      if (e.replica != replica)
        throw StoreError("refusing event " + e.id + ": replica " + e.replica + " cannot write " + ref);
      if (e.lamport <= tipLamport)
        throw StoreError("refusing event " + e.id + ": lamport " + std::to_string(e.lamport) +
                         " does not exceed the log's " + std::to_string(tipLamport));
      if (e.lamport > kMaxNamedLamport)
        throw StoreError("refusing event " + e.id + ": lamport " + std::to_string(e.lamport) +
                         " exceeds the log's limit " + std::to_string(kMaxNamedLamport));
      if (!paths.insert(eventPath(e.lamport, e.id)).second)
        throw StoreError("refusing event " + e.id + ": written twice in one append");
      std::string bytes = encodeEvent(e);
      if (bytes.size() > kMaxEventBytes)
        throw StoreError("refusing event " + e.id + ": " + std::to_string(bytes.size()) +
                         " bytes encoded (the limit is " + std::to_string(kMaxEventBytes) + ")");
      encoded.emplace_back(&e, std::move(bytes));
    }

    NewEntries added;
    for (const auto& [e, bytes] : encoded) {
      git_oid blob;
      check(git_blob_create_from_buffer(&blob, repo_, bytes.data(), bytes.size()),
            "writing event " + e->id);
      added[e->lamport / kLamportBucket].emplace_back(eventName(e->lamport, e->id), blob);
    }
    git_oid treeId = writeLogTree(repo_, tip.tree.get(), added);

    Commit parent = tip.id ? lookupCommit(repo_, *tip.id) : nullptr;
    std::vector<const git_commit*> parents;
    if (parent) parents.push_back(parent.get());
    git_oid commitId = writeCommit(repo_, treeId, parents, message, committer);
    if (swapRef(repo_, ref, commitId, tip.id, lastConflict)) return toHex(commitId);
  }
  throw StoreError("appending to " + ref + ": gave up after " + std::to_string(kMaxAttempts) +
                   " attempts: " + lastConflict);
}

std::string EventLog::absorb(std::string_view replica, std::string_view other, const Author& committer) {
  if (!isId(replica)) throw StoreError("not a replica id: " + quote(replica));
  const std::string ref = replicaRef(replica);
  const git_oid otherId = parseObjectId(other);
  Commit otherCommit = lookupCommit(repo_, otherId);
  std::string lastConflict;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    if (attempt > 0) backoff(attempt - 1);
    Tip tip = readTip(repo_, ref);
    git_oid target = otherId;
    if (tip.id) {
      const std::string tipHex = toHex(*tip.id);
      if (isAncestor(other, tipHex)) return tipHex;  // nothing new
      if (!isAncestor(tipHex, other)) {
        // Diverged: a merge commit over the union of both trees.
        NewEntries added;
        readAdded(
            tipHex, other,
            [&](RawEvent e) {
              git_oid blob;
              check(git_oid_fromstr(&blob, e.blob.c_str()), "reading blob id " + e.blob);
              // events/<bucket:06>/<name>
              uint64_t bucket = std::stoull(e.path.substr(kEventsDir.size() + 1, kBucketDigits));
              added[bucket].emplace_back(e.path.substr(kEventsDir.size() + 2 + kBucketDigits), blob);
            },
            [&](std::string path, std::string why) {
              TACIT_LOG(Warn) << "not merging " << path << " into " << ref << ": " << why;
            });
        git_oid treeId = writeLogTree(repo_, tip.tree.get(), added);
        Commit mine = lookupCommit(repo_, *tip.id);
        target = writeCommit(repo_, treeId, {mine.get(), otherCommit.get()},
                             "tacit: merge another copy of this replica's log", committer);
      }
    }
    if (swapRef(repo_, ref, target, tip.id, lastConflict)) return toHex(target);
  }
  throw StoreError("merging into " + ref + ": gave up after " + std::to_string(kMaxAttempts) +
                   " attempts: " + lastConflict);
}

std::vector<EventLog::RefTip> EventLog::refs() const {
  std::vector<RefTip> out;
  for (std::string_view prefix : {kReplicaRefPrefix, kRemoteRefPrefix}) {
    // libgit2's glob '*' also matches '/', so remotes/<remote>/<replica> is found.
    const std::string glob = std::string(prefix) + "*";
    git_reference_iterator* rawIt = nullptr;
    check(git_reference_iterator_glob_new(&rawIt, repo_, glob.c_str()), "listing " + glob);
    RefIterator it(rawIt);
    git_reference* rawRef = nullptr;
    int rc;
    while ((rc = git_reference_next(&rawRef, it.get())) == 0) {
      Reference ref(rawRef);
      git_object* rawObj = nullptr;
      if (int prc = git_reference_peel(&rawObj, ref.get(), GIT_OBJECT_COMMIT); prc < 0) {
        // One damaged ref must not hide every other replica's log.
        TACIT_LOG(Warn) << "skipping " << git_reference_name(ref.get()) << ": " << lastGitError(prc);
        continue;
      }
      Object obj(rawObj);
      out.push_back({git_reference_name(ref.get()), toHex(*git_object_id(obj.get()))});
    }
    if (rc != GIT_ITEROVER) fail("listing " + glob, rc);
  }
  std::sort(out.begin(), out.end(), [](const RefTip& a, const RefTip& b) { return a.name < b.name; });
  return out;
}

uint64_t EventLog::maxLamport(std::string_view commit) const {
  Commit c = lookupCommit(repo_, parseObjectId(commit));
  Tree root = commitTree(c.get());
  return maxLamportOfTree(repo_, root.get());
}

void EventLog::readAdded(std::string_view from, std::string_view to,
                         const std::function<void(RawEvent)>& onEvent,
                         const std::function<void(std::string path, std::string why)>& onBadEntry) const {
  Tree fromTree;
  if (!from.empty()) fromTree = commitTree(lookupCommit(repo_, parseObjectId(from)).get());
  Tree toTree = commitTree(lookupCommit(repo_, parseObjectId(to)).get());
  AddedWalker(repo_, onEvent, onBadEntry).root(fromTree.get(), toTree.get());
}

void EventLog::withOwnHandle(const std::function<void(const EventLog&)>& read) const {
  git_repository* raw = nullptr;
  check(git_repository_open_ext(&raw, git_repository_path(repo_), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr),
        "opening the repository again");
  std::unique_ptr<git_repository, void (*)(git_repository*)> own(raw, git_repository_free);
  read(EventLog(own.get()));
}

std::string EventLog::readBlob(std::string_view blob) const {
  const git_oid id = parseObjectId(blob);
  git_odb* rawOdb = nullptr;
  check(git_repository_odb(&rawOdb, repo_), "opening the object database");
  Odb odb(rawOdb);
  git_odb_object* raw = nullptr;
  check(git_odb_read(&raw, odb.get(), &id), "reading blob " + std::string(blob));
  OdbObject object(raw);
  if (git_odb_object_type(object.get()) != GIT_OBJECT_BLOB)
    throw StoreError("object " + std::string(blob) + " is not a blob");
  return std::string(static_cast<const char*>(git_odb_object_data(object.get())), git_odb_object_size(object.get()));
}

// An empty `ancestor` is the empty log, an ancestor of every log.
bool EventLog::isAncestor(std::string_view ancestor, std::string_view descendant) const {
  const git_oid d = parseObjectId(descendant);
  lookupCommit(repo_, d);
  if (ancestor.empty()) return true;
  const git_oid a = parseObjectId(ancestor);
  lookupCommit(repo_, a);
  if (git_oid_equal(&a, &d)) return true;
  int rc = git_graph_descendant_of(repo_, &d, &a);
  check(rc, "checking whether " + std::string(ancestor) + " is an ancestor of " + std::string(descendant));
  return rc == 1;
}

}  // namespace tacit::store
