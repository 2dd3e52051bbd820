// A team's knowledge store, generated quickly for the benchmarks: events
// appended in-process through the real EventLog, many per commit, into
// memory and then one pack (libgit2; the generated data needs no fsync). Shared by the store and
// features benchmarks. Include from a benchmark's .cpp only (pulls in git2.h).
#pragma once

#include <git2.h>
#include <git2/sys/mempack.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "server/store/event.h"
#include "server/store/event_log.h"

namespace tacit::bench {

// 32 hex digits from two numbers: replica and event ids that are valid,
// distinct and reproducible.
inline std::string hexId(uint64_t a, uint64_t b) {
  char buffer[33];
  std::snprintf(buffer, sizeof buffer, "%016llx%016llx", static_cast<unsigned long long>(a),
                static_cast<unsigned long long>(b));
  return buffer;
}

// Writes events into a repository's logs in memory (libgit2's mempack
// backend) and, on finish(), as one pack: what a clone receives, and quick —
// 100,000 events as loose objects take a minute or more to write.
class Generator {
 public:
  explicit Generator(const std::filesystem::path& repoPath) {
    if (git_repository_open(&repo_, repoPath.c_str()) != 0 || git_repository_odb(&odb_, repo_) != 0 ||
        git_mempack_new(&mempack_) != 0 || git_odb_add_backend(odb_, mempack_, 999) != 0) {
      std::fprintf(stderr, "cannot open the repository %s\n", repoPath.c_str());
      std::exit(1);
    }
    log_ = std::make_unique<store::EventLog>(repo_);
    // The log turns fsync on for every write (durability for real use); the
    // generated data needs none.
    git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 0);
  }
  ~Generator() {
    finish();
    log_.reset();
    git_odb_free(odb_);  // frees the mempack backend too
    git_repository_free(repo_);
  }
  Generator(const Generator&) = delete;
  Generator& operator=(const Generator&) = delete;

  // Appends `count` events to `replica`'s log, in commits of `batch`.
  // `make(n)` builds the n-th event (n from 1): id, type, thread, author and
  // payload; the generator sets replica, lamport (after the log's tip and
  // `lamportBase`) and, when `make` left it 0, ts.
  void append(const std::string& replica, size_t count, size_t batch, uint64_t lamportBase,
              const std::function<store::Event(uint64_t n)>& make) {
    const store::Author committer{"Bench", "bench@example.com"};
    uint64_t n = 0;
    for (size_t written = 0; written < count;) {
      const size_t take = std::min(batch, count - written);
      log_->append(
          replica,
          [&](uint64_t tip) {
            std::vector<store::Event> events;
            uint64_t lamport = std::max(tip, lamportBase);
            for (size_t i = 0; i < take; ++i) {
              store::Event e = make(++n);
              e.replica = replica;
              e.lamport = ++lamport;
              if (e.ts == 0) e.ts = 1'790'000'000'000 + static_cast<int64_t>(lamport) * 1000;
              events.push_back(std::move(e));
            }
            return events;
          },
          "bench", committer);
      written += take;
    }
    dirty_ = true;
  }

  // Writes what was generated as one pack; the refs already point into it.
  void finish() {
    if (!dirty_) return;
    git_buf pack = GIT_BUF_INIT;
    git_odb_writepack* writer = nullptr;
    git_indexer_progress stats{};
    if (git_mempack_dump(&pack, repo_, mempack_) != 0 || git_odb_write_pack(&writer, odb_, nullptr, nullptr) != 0 ||
        writer->append(writer, pack.ptr, pack.size, &stats) != 0 || writer->commit(writer, &stats) != 0) {
      const git_error* e = git_error_last();
      std::fprintf(stderr, "writing the generated pack: %s\n", e ? e->message : "?");
      std::exit(1);
    }
    writer->free(writer);
    git_buf_dispose(&pack);
    git_mempack_reset(mempack_);
    dirty_ = false;
  }

 private:
  git_repository* repo_ = nullptr;
  git_odb* odb_ = nullptr;
  git_odb_backend* mempack_ = nullptr;
  std::unique_ptr<store::EventLog> log_;
  bool dirty_ = false;
};

// The anchor of generated threads when the benchmark does not care where
// they are: a file that does not exist, at a commit that does not exist.
inline store::json placeholderAnchor(uint64_t n) {
  return {{"path", "src/file" + std::to_string(n % 200) + ".cpp"},
          {"commit", std::string(40, 'a')},
          {"blob", std::string(40, 'b')},
          {"start_line", 10},
          {"end_line", 12},
          {"text", "int cache = compute();\nif (cache) flush();\nreturn cache;\n"},
          {"before", "// context\n"},
          {"after", "}\n"}};
}

// A team member's activity: `count` events in `replica`'s log, one thread
// created for every 5 events (a question or a note, anchored where
// `anchorFor(n)` says), the rest replies, acks, answers and state changes on
// the threads this replica created. Event ids are hexId(seed, n).
inline void generateTeamEvents(Generator& generator, const std::string& replica, size_t count, size_t batch,
                               uint64_t seed, uint64_t lamportBase,
                               const std::function<store::json(uint64_t n)>& anchorFor = placeholderAnchor) {
  const store::Author author{"Bench " + replica.substr(0, 4), "bench-" + replica.substr(0, 4) + "@example.com"};
  std::vector<std::string> threads;
  generator.append(replica, count, batch, lamportBase, [&](uint64_t n) {
    store::Event e;
    e.id = hexId(seed, n);
    e.author = author;
    if (threads.empty() || n % 5 == 1) {
      e.type = store::EventType::Created;
      e.thread = e.id;
      e.payload = {{"kind", n % 3 == 0 ? "question" : "note"},
                   {"body", "Thread " + std::to_string(n) + " about the cache invalidation in module " +
                                std::to_string(n % 97)},
                   {"private", false},
                   {"assignees", store::json::array({"owner@example.com"})},
                   {"context", store::json::object()},
                   {"anchor", anchorFor(n)}};
      threads.push_back(e.id);
    } else {
      e.thread = threads[(n * 7) % threads.size()];
      switch (n % 4) {
        case 0: e.type = store::EventType::Reply; e.payload = {{"body", "A reply, number " + std::to_string(n)}}; break;
        case 1: e.type = store::EventType::Reaction; e.payload = {{"reaction", "ack"}}; break;
        case 2: e.type = store::EventType::Answer; e.payload = {{"body", "The answer is " + std::to_string(n)}}; break;
        default: e.type = store::EventType::State; e.payload = {{"state", n % 8 == 3 ? "resolved" : "open"}}; break;
      }
    }
    return e;
  });
}

}  // namespace tacit::bench
