// libgit2 as every part of tacit uses it, set up once per process:
// initialized (never shut down: it stays in use until exit), and trusting
// the object store's names on read, as git does. Objects are hashed when
// they arrive (index-pack checks every fetched object, `git fsck` the rest);
// libgit2's default re-hashes every object it reads, which was a tenth of
// locating anchors (SHA-1 of each whole blob) and ~5% of a cold index.
// The store adds fsync of what it writes (event_log.cpp). Header-only,
// like handles.h; include it only from .cpp files.
#pragma once

#include <git2.h>

#include <mutex>
#include <stdexcept>

namespace tacit::git {

// Idempotent and thread-safe; throws std::runtime_error if libgit2 fails.
inline void setUp() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (git_libgit2_init() < 0) throw std::runtime_error("initializing libgit2 failed");
    if (git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0) < 0)
      throw std::runtime_error("turning libgit2's hash verification off failed");
  });
}

}  // namespace tacit::git
