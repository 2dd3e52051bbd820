// EventLog: append-only event logs in git refs, on real repositories in
// temporary folders; the real git binary checks what libgit2 wrote.
#include "server/store/event_log.h"

#include <catch2/catch.hpp>
#include <git2.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "server/log/log.h"
#include "tests/unit/temp_repo.h"

namespace {

namespace fs = std::filesystem;
using tacit::store::Author;
using tacit::store::encodeEvent;
using tacit::store::Event;
using tacit::store::EventLog;
using tacit::store::EventType;
using tacit::store::eventPath;
using tacit::store::newId;
using tacit::store::StoreError;
using Catch::Matchers::Contains;

using tacit::test::gitCheck;
using tacit::test::RepoHandle;
using tacit::test::TempRepo;

const Author kCommitter{"Tacit Test", "tacit@example.com"};
const std::string kThread = "0123456789abcdef0123456789abcdef";

struct Run {
  int status;
  std::string output;
};

Run run(const std::string& command) {
  Run result{-1, {}};
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) result.output.append(buf, n);
  result.status = pclose(pipe);
  return result;
}

// The real git must find nothing wrong with what libgit2 wrote.
void requireFsckClean(const TempRepo& repo) {
  Run r = run("git -C '" + repo.dir().string() + "' fsck --strict --no-dangling --no-progress");
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.output, !Contains("error") && !Contains("warning"));
}

Event makeEvent(const std::string& replica, uint64_t lamport, std::string id = newId()) {
  Event e;
  e.id = std::move(id);
  e.type = EventType::Reply;
  e.thread = kThread;
  e.replica = replica;
  e.lamport = lamport;
  e.ts = 1'790'000'000'000 + static_cast<int64_t>(lamport);
  e.author = {"Ada Lovelace", "ada@example.com"};
  e.payload = {{"body", "reply " + std::to_string(lamport)}};
  return e;
}

std::string nameOf(const Event& e) {
  std::string p = eventPath(e.lamport, e.id);
  return p.substr(p.rfind('/') + 1);
}

struct Collected {
  std::vector<EventLog::RawEvent> events;
  std::map<std::string, std::string> bad;  // path → why
};

Collected readAdded(const EventLog& log, const std::string& from, const std::string& to) {
  Collected c;
  log.readAdded(
      from, to, [&](EventLog::RawEvent e) { c.events.push_back(std::move(e)); },
      [&](std::string path, std::string why) {
        CHECK(c.bad.count(path) == 0);
        c.bad[std::move(path)] = std::move(why);
      });
  return c;
}

std::vector<std::string> paths(const Collected& c) {
  std::vector<std::string> out;
  for (const auto& e : c.events) out.push_back(e.path);
  return out;
}

git_oid oidOf(const std::string& hex) {
  git_oid oid;
  gitCheck(git_oid_fromstr(&oid, hex.c_str()));
  return oid;
}

std::string hexOf(const git_oid& oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &oid);
  return buf;
}

std::string refTarget(git_repository* repo, const std::string& name) {
  git_oid oid;
  if (git_reference_name_to_id(&oid, repo, name.c_str()) == GIT_ENOTFOUND) return "";
  return hexOf(oid);
}

struct CommitInfo {
  std::vector<std::string> parents;
  std::string message, committerName, committerEmail, authorName, authorEmail, tree;
};

CommitInfo commitInfo(git_repository* repo, const std::string& hex) {
  git_commit* c = nullptr;
  git_oid oid = oidOf(hex);
  gitCheck(git_commit_lookup(&c, repo, &oid));
  CommitInfo info;
  for (unsigned i = 0; i < git_commit_parentcount(c); ++i)
    info.parents.push_back(hexOf(*git_commit_parent_id(c, i)));
  info.message = git_commit_message(c);
  info.committerName = git_commit_committer(c)->name;
  info.committerEmail = git_commit_committer(c)->email;
  info.authorName = git_commit_author(c)->name;
  info.authorEmail = git_commit_author(c)->email;
  info.tree = hexOf(*git_commit_tree_id(c));
  git_commit_free(c);
  return info;
}

// Every path in a commit's tree with its mode, e.g. {"events", 040000}.
std::map<std::string, unsigned> treeListing(git_repository* repo, const std::string& commit) {
  git_commit* c = nullptr;
  git_oid oid = oidOf(commit);
  gitCheck(git_commit_lookup(&c, repo, &oid));
  git_tree* tree = nullptr;
  gitCheck(git_commit_tree(&tree, c));
  std::map<std::string, unsigned> out;
  gitCheck(git_tree_walk(
      tree, GIT_TREEWALK_PRE,
      [](const char* root, const git_tree_entry* entry, void* payload) {
        auto& listing = *static_cast<std::map<std::string, unsigned>*>(payload);
        listing[std::string(root) + git_tree_entry_name(entry)] = git_tree_entry_filemode(entry);
        return 0;
      },
      &out));
  git_tree_free(tree);
  git_commit_free(c);
  return out;
}

std::string blobAt(git_repository* repo, const std::string& commit, const std::string& path) {
  git_commit* c = nullptr;
  git_oid oid = oidOf(commit);
  gitCheck(git_commit_lookup(&c, repo, &oid));
  git_tree* tree = nullptr;
  gitCheck(git_commit_tree(&tree, c));
  git_tree_entry* entry = nullptr;
  gitCheck(git_tree_entry_bypath(&entry, tree, path.c_str()));
  git_blob* blob = nullptr;
  gitCheck(git_blob_lookup(&blob, repo, git_tree_entry_id(entry)));
  std::string bytes(static_cast<const char*>(git_blob_rawcontent(blob)),
                    static_cast<size_t>(git_blob_rawsize(blob)));
  git_blob_free(blob);
  git_tree_entry_free(entry);
  git_tree_free(tree);
  git_commit_free(c);
  return bytes;
}

std::string treeIdAt(git_repository* repo, const std::string& commit, const std::string& path) {
  git_commit* c = nullptr;
  git_oid oid = oidOf(commit);
  gitCheck(git_commit_lookup(&c, repo, &oid));
  git_tree* tree = nullptr;
  gitCheck(git_commit_tree(&tree, c));
  git_tree_entry* entry = nullptr;
  gitCheck(git_tree_entry_bypath(&entry, tree, path.c_str()));
  std::string id = hexOf(*git_tree_entry_id(entry));
  git_tree_entry_free(entry);
  git_tree_free(tree);
  git_commit_free(c);
  return id;
}

// Builds a tree by hand from "a/b/c" → blob content, for logs that
// EventLog itself would never write.
git_oid writeTree(git_repository* repo, const std::map<std::string, std::string>& files) {
  std::map<std::string, std::map<std::string, std::string>> subdirs;
  git_treebuilder* builder = nullptr;
  gitCheck(git_treebuilder_new(&builder, repo, nullptr));
  for (const auto& [path, content] : files) {
    auto slash = path.find('/');
    if (slash != std::string::npos) {
      subdirs[path.substr(0, slash)][path.substr(slash + 1)] = content;
      continue;
    }
    git_oid blob;
    gitCheck(git_blob_create_from_buffer(&blob, repo, content.data(), content.size()));
    gitCheck(git_treebuilder_insert(nullptr, builder, path.c_str(), &blob, GIT_FILEMODE_BLOB));
  }
  for (const auto& [name, sub] : subdirs) {
    git_oid id = writeTree(repo, sub);
    gitCheck(git_treebuilder_insert(nullptr, builder, name.c_str(), &id, GIT_FILEMODE_TREE));
  }
  git_oid id;
  gitCheck(git_treebuilder_write(&id, builder));
  git_treebuilder_free(builder);
  return id;
}

std::string writeCommit(git_repository* repo, const git_oid& treeId, const std::string& parent) {
  git_tree* tree = nullptr;
  gitCheck(git_tree_lookup(&tree, repo, &treeId));
  git_signature* sig = nullptr;
  gitCheck(git_signature_now(&sig, "Mallory", "mallory@example.com"));
  git_commit* parentCommit = nullptr;
  if (!parent.empty()) {
    git_oid p = oidOf(parent);
    gitCheck(git_commit_lookup(&parentCommit, repo, &p));
  }
  const git_commit* parents[] = {parentCommit};
  git_oid id;
  gitCheck(git_commit_create(&id, repo, nullptr, sig, sig, nullptr, "hand-made\n", tree,
                             parentCommit ? 1 : 0, parents));
  git_commit_free(parentCommit);
  git_signature_free(sig);
  git_tree_free(tree);
  return hexOf(id);
}

void setRef(git_repository* repo, const std::string& name, const git_oid& target) {
  git_reference* ref = nullptr;
  gitCheck(git_reference_create(&ref, repo, name.c_str(), &target, /*force=*/1, "test"));
  git_reference_free(ref);
}

size_t looseObjectCount(const TempRepo& repo) {
  size_t n = 0;
  for (const auto& entry : fs::recursive_directory_iterator(repo.gitDir() / "objects"))
    if (entry.is_regular_file()) ++n;
  return n;
}

// Appends events at tip+1, tip+2, ... and returns the new commit.
std::string appendN(EventLog& log, const std::string& replica, int n,
                    std::vector<Event>* written = nullptr) {
  return log.append(
      replica,
      [&](uint64_t tip) {
        std::vector<Event> events;
        for (int i = 1; i <= n; ++i) events.push_back(makeEvent(replica, tip + static_cast<uint64_t>(i)));
        if (written) *written = events;
        return events;
      },
      "append " + std::to_string(n), kCommitter);
}

}  // namespace

TEST_CASE("EventLog: append creates the replica's ref, then extends it", "[store]") {
  TempRepo repo;
  EventLog log(repo.get());
  const std::string replica = newId();
  const std::string ref = EventLog::replicaRef(replica);
  CHECK(ref == "refs/tacit/v1/replicas/" + replica);

  std::vector<uint64_t> tips;
  const std::string c1 = log.append(
      replica,
      [&](uint64_t tip) {
        tips.push_back(tip);
        return std::vector<Event>{makeEvent(replica, tip + 1), makeEvent(replica, tip + 2)};
      },
      "tacit: note", kCommitter);
  CHECK(tips == std::vector<uint64_t>{0});
  CHECK(c1.size() == 40);
  CHECK(refTarget(repo.get(), ref) == c1);

  CommitInfo info1 = commitInfo(repo.get(), c1);
  CHECK(info1.parents.empty());
  CHECK(info1.message == "tacit: note");
  CHECK(info1.committerName == kCommitter.name);
  CHECK(info1.committerEmail == kCommitter.email);
  CHECK(info1.authorName == kCommitter.name);
  CHECK(info1.authorEmail == kCommitter.email);

  const std::string c2 = log.append(
      replica,
      [&](uint64_t tip) {
        tips.push_back(tip);
        return std::vector<Event>{makeEvent(replica, tip + 1)};
      },
      "tacit: reply", kCommitter);
  CHECK(tips == std::vector<uint64_t>{0, 2});
  CHECK(refTarget(repo.get(), ref) == c2);
  CHECK(commitInfo(repo.get(), c2).parents == std::vector<std::string>{c1});
  CHECK(log.maxLamport(c2) == 3);

  CHECK(log.isAncestor(c1, c2));
  CHECK(log.isAncestor(c2, c2));
  CHECK_FALSE(log.isAncestor(c2, c1));
  CHECK(log.isAncestor("", c1));

  SECTION("nothing to write: no commit, the tip is returned") {
    CHECK(log.append(replica, [](uint64_t) { return std::vector<Event>{}; }, "noop", kCommitter) == c2);
    CHECK(refTarget(repo.get(), ref) == c2);
    const std::string other = newId();
    CHECK(log.append(other, [](uint64_t) { return std::vector<Event>{}; }, "noop", kCommitter).empty());
    CHECK(refTarget(repo.get(), EventLog::replicaRef(other)).empty());
  }

  requireFsckClean(repo);
}

TEST_CASE("EventLog: the tree layout is exact and only touched buckets change", "[store]") {
  TempRepo repo;
  EventLog log(repo.get());
  const std::string replica = newId();

  CHECK(eventPath(1, "abc") == "events/000000/000000000001-abc.json");
  CHECK(eventPath(1023, "x") == "events/000000/000000001023-x.json");
  CHECK(eventPath(1024, "x") == "events/000001/000000001024-x.json");
  CHECK(eventPath(123456789, "x") == "events/120563/000123456789-x.json");

  const Event a = makeEvent(replica, 1), b = makeEvent(replica, 2), c = makeEvent(replica, 1500);
  const std::string c1 =
      log.append(replica, [&](uint64_t) { return std::vector<Event>{c, a, b}; }, "three", kCommitter);

  const std::map<std::string, unsigned> expected{
      {"events", GIT_FILEMODE_TREE},
      {"events/000000", GIT_FILEMODE_TREE},
      {"events/000000/" + nameOf(a), GIT_FILEMODE_BLOB},
      {"events/000000/" + nameOf(b), GIT_FILEMODE_BLOB},
      {"events/000001", GIT_FILEMODE_TREE},
      {"events/000001/" + nameOf(c), GIT_FILEMODE_BLOB},
  };
  CHECK(treeListing(repo.get(), c1) == expected);
  CHECK(nameOf(a) == "000000000001-" + a.id + ".json");
  CHECK(nameOf(c) == "000000001500-" + c.id + ".json");
  for (const Event& e : {a, b, c}) CHECK(blobAt(repo.get(), c1, eventPath(e.lamport, e.id)) == encodeEvent(e));

  // The git binary reads the same layout.
  Run ls = run("git -C '" + repo.dir().string() + "' ls-tree -r --name-only " + c1);
  CHECK(ls.status == 0);
  CHECK(ls.output == eventPath(1, a.id) + "\n" + eventPath(2, b.id) + "\n" + eventPath(1500, c.id) + "\n");

  const Event d = makeEvent(replica, 1501);
  const std::string c2 =
      log.append(replica, [&](uint64_t) { return std::vector<Event>{d}; }, "one", kCommitter);
  CHECK(treeIdAt(repo.get(), c2, "events/000000") == treeIdAt(repo.get(), c1, "events/000000"));
  CHECK(treeIdAt(repo.get(), c2, "events/000001") != treeIdAt(repo.get(), c1, "events/000001"));
  CHECK(treeListing(repo.get(), c2).size() == expected.size() + 1);

  requireFsckClean(repo);
}

TEST_CASE("EventLog: maxLamport reads the names of the last bucket", "[store]") {
  TempRepo repo;
  EventLog log(repo.get());
  const std::string replica = newId();

  const std::string c1 = appendN(log, replica, 3);
  CHECK(log.maxLamport(c1) == 3);
  const std::string c2 =
      log.append(replica, [&](uint64_t) { return std::vector<Event>{makeEvent(replica, 5000)}; },
                 "jump", kCommitter);
  CHECK(log.maxLamport(c2) == 5000);
  CHECK(log.maxLamport(c1) == 3);

  SECTION("an empty log") {
    const std::string empty = writeCommit(repo.get(), writeTree(repo.get(), {}), "");
    CHECK(log.maxLamport(empty) == 0);
  }
  SECTION("names that are not events are skipped") {
    const Event e = makeEvent(replica, 7);
    const std::string odd = writeCommit(repo.get(),
                                        writeTree(repo.get(), {{eventPath(7, e.id), encodeEvent(e)},
                                                               {"events/000000/zzz.json", "x"},
                                                               {"events/999999x/whatever", "x"},
                                                               {"events/zzz", "x"}}),
                                        "");
    CHECK(log.maxLamport(odd) == 7);
  }
  SECTION("bad commit ids are StoreErrors with libgit2's message") {
    CHECK_THROWS_AS(log.maxLamport("not-a-commit"), StoreError);
    CHECK_THROWS_WITH(log.maxLamport("0123456789abcdef0123456789abcdef01234567"),
                      Contains("reading commit") && Contains("not found"));
    const std::string tree = treeIdAt(repo.get(), c1, "events");
    CHECK_THROWS_AS(log.maxLamport(tree), StoreError);
  }
}

TEST_CASE("EventLog: readAdded gives every event from empty, then only new ones", "[store]") {
  TempRepo repo;
  EventLog log(repo.get());
  const std::string replica = newId();

  std::vector<Event> first, second;
  const std::string c1 = appendN(log, replica, 3, &first);
  const std::string c2 = appendN(log, replica, 2, &second);

  Collected all1 = readAdded(log, "", c1);
  CHECK(all1.bad.empty());
  REQUIRE(all1.events.size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    CHECK(all1.events[i].path == eventPath(first[i].lamport, first[i].id));
    CHECK(all1.events[i].bytes == encodeEvent(first[i]));
    CHECK(all1.events[i].blob.size() == 40);
  }

  Collected added = readAdded(log, c1, c2);
  CHECK(added.bad.empty());
  CHECK(paths(added) == std::vector<std::string>{eventPath(4, second[0].id), eventPath(5, second[1].id)});
  CHECK(added.events[1].bytes == encodeEvent(second[1]));

  CHECK(readAdded(log, "", c2).events.size() == 5);
  Collected none = readAdded(log, c2, c2);
  CHECK(none.events.empty());
  CHECK(none.bad.empty());
}

TEST_CASE("EventLog: lamports 1023, 1024, 1025 straddle a bucket boundary", "[store]") {
  TempRepo repo;
  EventLog log(repo.get());
  const std::string replica = newId();

  const Event e1023 = makeEvent(replica, 1023), e1024 = makeEvent(replica, 1024),
              e1025 = makeEvent(replica, 1025);
  const std::string c1 =
      log.append(replica, [&](uint64_t) { return std::vector<Event>{e1023}; }, "a", kCommitter);
  std::vector<uint64_t> tips;
  const std::string c2 = log.append(
      replica,
      [&](uint64_t tip) {
        tips.push_back(tip);
        return std::vector<Event>{e1024, e1025};
      },
      "b", kCommitter);
  CHECK(tips == std::vector<uint64_t>{1023});
  CHECK(log.maxLamport(c1) == 1023);
  CHECK(log.maxLamport(c2) == 1025);

  const std::map<std::string, unsigned> expected{
      {"events", GIT_FILEMODE_TREE},
      {"events/000000", GIT_FILEMODE_TREE},
      {"events/000000/000000001023-" + e1023.id + ".json", GIT_FILEMODE_BLOB},
      {"events/000001", GIT_FILEMODE_TREE},
      {"events/000001/000000001024-" + e1024.id + ".json", GIT_FILEMODE_BLOB},
      {"events/000001/000000001025-" + e1025.id + ".json", GIT_FILEMODE_BLOB},
  };
  CHECK(treeListing(repo.get(), c2) == expected);
  CHECK(paths(readAdded(log, c1, c2)) ==
        std::vector<std::string>{eventPath(1024, e1024.id), eventPath(1025, e1025.id)});
  CHECK(paths(readAdded(log, "", c2)) ==
        std::vector<std::string>{eventPath(1023, e1023.id), eventPath(1024, e1024.id),
                                 eventPath(1025, e1025.id)});
  requireFsckClean(repo);
}

TEST_CASE("EventLog: events that break the rules are refused and nothing is written", "[store]") {
  TempRepo repo;
  EventLog log(repo.get());
  const std::string replica = newId();
  const std::string ref = EventLog::replicaRef(replica);
  const std::string c1 = appendN(log, replica, 5);
  const size_t objects = looseObjectCount(repo);

  auto refuse = [&](std::function<std::vector<Event>(uint64_t)> prepare, const std::string& why) {
    CHECK_THROWS_WITH(log.append(replica, prepare, "bad", kCommitter), Contains(why));
    CHECK(refTarget(repo.get(), ref) == c1);
    CHECK(looseObjectCount(repo) == objects);
  };
  // A good event first: the bad one after it must still stop the whole append.
  refuse([&](uint64_t tip) { return std::vector<Event>{makeEvent(replica, tip + 1), makeEvent(replica, tip)}; },
         "does not exceed the log's 5");
  refuse([&](uint64_t) { return std::vector<Event>{makeEvent(replica, 3)}; }, "does not exceed");
  refuse([&](uint64_t tip) { return std::vector<Event>{makeEvent(newId(), tip + 1)}; }, "cannot write");
  refuse([&](uint64_t tip) { return std::vector<Event>{makeEvent(replica, tip + 1, "nope")}; },
         "refusing event 'nope'");
  refuse(
      [&](uint64_t tip) {
        Event e = makeEvent(replica, tip + 1);
        return std::vector<Event>{e, e};
      },
      "twice");
  refuse([&](uint64_t) { return std::vector<Event>{makeEvent(replica, 1'024'000'000)}; },
         "exceeds the log's limit");
  CHECK_THROWS_WITH(log.append(replica, [](uint64_t) -> std::vector<Event> { throw StoreError("mine"); },
                               "bad", kCommitter),
                    "mine");
  CHECK_THROWS_WITH(appendN(log, "not/a/replica", 1), Contains("not a replica id"));
  CHECK(refTarget(repo.get(), ref) == c1);
  CHECK(looseObjectCount(repo) == objects);

  // The largest lamport a name can hold is accepted.
  const std::string c2 = log.append(
      replica, [&](uint64_t) { return std::vector<Event>{makeEvent(replica, 1'023'999'999)}; }, "max",
      kCommitter);
  CHECK(log.maxLamport(c2) == 1'023'999'999);
  requireFsckClean(repo);
}

TEST_CASE("EventLog: a writer that loses the compare-and-swap retries on the new tip", "[store]") {
  TempRepo repo;
  RepoHandle other = repo.open();
  EventLog mine(repo.get());
  EventLog theirs(other.get());
  const std::string replica = newId();
  const std::string ref = EventLog::replicaRef(replica);

  // Each `prepare` lets the other handle write first, once, between our read
  // of the ref and our update of it.
  auto racedAppend = [&](std::vector<uint64_t>& tips) {
    return mine.append(
        replica,
        [&](uint64_t tip) {
          tips.push_back(tip);
          if (tips.size() == 1) appendN(theirs, replica, 1);
          return std::vector<Event>{makeEvent(replica, tip + 1)};
        },
        "raced", kCommitter);
  };

  SECTION("creating the ref") {
    std::vector<uint64_t> tips;
    const std::string c = racedAppend(tips);
    CHECK(tips == std::vector<uint64_t>{0, 1});
    CHECK(mine.maxLamport(c) == 2);
    CHECK(commitInfo(repo.get(), c).parents.size() == 1);
    CHECK(readAdded(mine, "", c).events.size() == 2);
  }
  SECTION("extending the ref") {
    const std::string base = appendN(mine, replica, 2);
    std::vector<uint64_t> tips;
    const std::string c = racedAppend(tips);
    CHECK(tips == std::vector<uint64_t>{2, 3});
    CHECK(mine.maxLamport(c) == 4);
    CHECK(readAdded(mine, base, c).events.size() == 2);
  }
  SECTION("the ref is locked by another process") {
    appendN(mine, replica, 1);
    const fs::path lock = repo.gitDir() / (ref + ".lock");
    std::vector<uint64_t> tips;
    const std::string c = mine.append(
        replica,
        [&](uint64_t tip) {
          tips.push_back(tip);
          if (tips.size() == 1)
            std::ofstream(lock) << "held\n";
          else
            fs::remove(lock);
          return std::vector<Event>{makeEvent(replica, tip + 1)};
        },
        "locked", kCommitter);
    CHECK(tips == std::vector<uint64_t>{1, 1});
    CHECK(refTarget(repo.get(), ref) == c);
  }
  requireFsckClean(repo);
}

TEST_CASE("EventLog: 4 threads on two handles append 1000 events without loss", "[store]") {
  TempRepo repo;
  constexpr int kThreads = 4, kPerThread = 250;
  // A git_repository is used by one thread at a time (libgit2's rule), so
  // each handle has a lock; the two handles race only through the ref.
  struct Writer {
    RepoHandle handle;
    std::unique_ptr<EventLog> log;
    std::mutex mutex;
  };
  Writer writers[2];
  for (Writer& w : writers) {
    w.handle = repo.open();
    w.log = std::make_unique<EventLog>(w.handle.get());
  }
  // fsync is about surviving a crash, not about this race, and costs ~15
  // syncs per append (tens of seconds for 1000 appends on a busy disk).
  struct NoFsync {
    NoFsync() { git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 0); }
    ~NoFsync() { git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1); }
  } noFsync;
  const std::string replica = newId();
  std::vector<std::vector<std::string>> ids(kThreads);
  std::atomic<int> attempts{0};
  std::atomic<bool> failed{false};
  std::string failure;
  std::mutex failureMutex;

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Writer& w = writers[t % 2];
      try {
        for (int i = 0; i < kPerThread && !failed; ++i) {
          const std::string id = newId();
          std::lock_guard<std::mutex> lock(w.mutex);
          w.log->append(
              replica,
              [&](uint64_t tip) {
                ++attempts;
                return std::vector<Event>{makeEvent(replica, tip + 1, id)};
              },
              "thread " + std::to_string(t), kCommitter);
          ids[t].push_back(id);
        }
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(failureMutex);
        failure = e.what();
        failed = true;
      }
    });
  }
  for (auto& th : threads) th.join();
  INFO(failure);
  REQUIRE_FALSE(failed);
  WARN("1000 appends took " << attempts << " attempts");
  CHECK(attempts >= kThreads * kPerThread);

  EventLog log(repo.get());
  const std::string tip = refTarget(repo.get(), EventLog::replicaRef(replica));
  Collected all = readAdded(log, "", tip);
  CHECK(all.bad.empty());
  REQUIRE(all.events.size() == kThreads * kPerThread);
  std::set<std::string> written, read;
  for (const auto& v : ids) written.insert(v.begin(), v.end());
  for (size_t i = 0; i < all.events.size(); ++i) {
    // Exactly one event per commit, at lamport 1, 2, ..., 1000.
    CHECK(all.events[i].path.find(std::to_string(1'000'000'000'000 + i + 1).substr(1)) != std::string::npos);
    read.insert(all.events[i].path.substr(all.events[i].path.size() - 37, 32));
  }
  CHECK(read == written);

  // The chain: every commit one event above its parent.
  std::string commit = tip;
  uint64_t expected = kThreads * kPerThread;
  size_t length = 0;
  while (!commit.empty()) {
    REQUIRE(log.maxLamport(commit) == expected);
    CommitInfo info = commitInfo(repo.get(), commit);
    REQUIRE(info.parents.size() <= 1);
    commit = info.parents.empty() ? "" : info.parents[0];
    --expected;
    ++length;
  }
  CHECK(expected == 0);
  CHECK(length == kThreads * kPerThread);
  requireFsckClean(repo);
}

TEST_CASE("EventLog: readAdded reports entries that are not new event blobs", "[store]") {
  TempRepo repo;
  EventLog log(repo.get());
  const std::string replica = newId();
  std::vector<Event> base;
  const std::string c1 = appendN(log, replica, 2, &base);

  // A log as a broken or malicious replica might send it: built by hand.
  const Event good = makeEvent(replica, 3), misfiled = makeEvent(replica, 5), big = makeEvent(replica, 7);
  const std::string tooBig = std::string(tacit::store::kMaxEventBytes + 1, 'x');
  const std::string notBlob = "events/000000/000000000004-" + newId() + ".json";
  const std::string misfiledPath = "events/000001/" + nameOf(misfiled);
  const std::string badBucket = "events/abc";
  std::map<std::string, std::string> files{
      {eventPath(1, base[0].id), "{\"rewritten\":true}"},
      {eventPath(2, base[1].id), encodeEvent(base[1])},
      {eventPath(3, good.id), encodeEvent(good)},
      {"events/000000/not-an-event.txt", "x"},
      {notBlob + "/inside", "x"},
      {misfiledPath, encodeEvent(misfiled)},
      {badBucket + "/000000000006-" + newId() + ".json", "{}"},
      {eventPath(7, big.id), tooBig},
      {"README", "hello"},
  };
  const std::string c2 = writeCommit(repo.get(), writeTree(repo.get(), files), c1);

  Collected added = readAdded(log, c1, c2);
  CHECK(paths(added) == std::vector<std::string>{eventPath(3, good.id)});
  CHECK(added.events[0].bytes == encodeEvent(good));
  const std::map<std::string, std::string> expectedBad{
      {eventPath(1, base[0].id), "an event blob was rewritten (logs are append-only)"},
      {"events/000000/not-an-event.txt", "not an event name (<lamport:012>-<id>.json)"},
      {notBlob, "not a blob"},
      {misfiledPath, "an event in the wrong bucket"},
      {badBucket, "not an event bucket (6 digits)"},
      {eventPath(7, big.id), "an event blob of 262145 bytes (the limit is 262144)"},
      {"README", "an entry outside events/"},
  };
  CHECK(added.bad == expectedBad);

  SECTION("from the empty log, the rewritten blob is just an event") {
    Collected all = readAdded(log, "", c2);
    CHECK(paths(all) == std::vector<std::string>{eventPath(1, base[0].id), eventPath(2, base[1].id),
                                                 eventPath(3, good.id)});
    CHECK(all.events[0].bytes == "{\"rewritten\":true}");
    CHECK(all.bad.size() == expectedBad.size() - 1);
  }
  SECTION("deletions are reported") {
    std::map<std::string, std::string> fewer = files;
    fewer.erase(eventPath(2, base[1].id));
    fewer.erase(misfiledPath);
    fewer.erase("README");
    const std::string c3 = writeCommit(repo.get(), writeTree(repo.get(), fewer), c2);
    Collected removed = readAdded(log, c2, c3);
    CHECK(removed.events.empty());
    CHECK(removed.bad == std::map<std::string, std::string>{
                             {eventPath(2, base[1].id), "an event was deleted (logs are append-only)"},
                             {"events/000001", "an event bucket was deleted"},
                             {"README", "an entry outside events/ was deleted"},
                         });
  }
  requireFsckClean(repo);
}

TEST_CASE("EventLog: refs lists replica and fetched remote refs, sorted", "[store]") {
  TempRepo repo;
  EventLog log(repo.get());
  const std::string r1 = newId(), r2 = newId(), r3 = newId();
  const std::string c1 = appendN(log, r2, 1);
  const std::string c2 = appendN(log, r1, 2);
  CHECK(log.refs().size() == 2);

  const std::string remote = std::string(tacit::store::kRemoteRefPrefix) + "origin/" + r3;
  setRef(repo.get(), remote, oidOf(c1));
  setRef(repo.get(), "refs/heads/main", oidOf(c1));  // not a log: not listed
  // A ref that is not a commit is skipped (with a warning, silenced here), not fatal.
  struct QuietLog {
    tacit::log::Level saved = tacit::log::level();
    QuietLog() { tacit::log::setLevel(tacit::log::Level::Off); }
    ~QuietLog() { tacit::log::setLevel(saved); }
  } quiet;
  git_oid blob;
  gitCheck(git_blob_create_from_buffer(&blob, repo.get(), "x", 1));
  setRef(repo.get(), std::string(tacit::store::kRemoteRefPrefix) + "origin/" + newId(), blob);

  const std::vector<EventLog::RefTip> refs = log.refs();
  REQUIRE(refs.size() == 3);
  CHECK(refs[0].name == remote);
  CHECK(refs[0].commit == c1);
  const bool r1First = EventLog::replicaRef(r1) < EventLog::replicaRef(r2);
  CHECK(refs[1].name == EventLog::replicaRef(r1First ? r1 : r2));
  CHECK(refs[1].commit == (r1First ? c2 : c1));
  CHECK(refs[2].name == EventLog::replicaRef(r1First ? r2 : r1));

  // Packed refs are listed too.
  Run pack = run("git -C '" + repo.dir().string() + "' pack-refs --all");
  CHECK(pack.status == 0);
  CHECK(log.refs().size() == 3);
  CHECK(appendN(log, r1, 1).size() == 40);
  CHECK(log.maxLamport(refTarget(repo.get(), EventLog::replicaRef(r1))) == 3);
}
