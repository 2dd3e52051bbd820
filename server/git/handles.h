// libgit2 handles as unique_ptrs, and object ids as hex: shared by every
// layer that reads git (store, anchor, cli). Header-only; include it only
// from .cpp files (it pulls in <git2.h>).
#pragma once

#include <git2.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace tacit::git {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
template <typename T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, Deleter<T, Free>>;

using Blob = Owned<git_blob, git_blob_free>;
using Commit = Owned<git_commit, git_commit_free>;
using Diff = Owned<git_diff, git_diff_free>;
using Object = Owned<git_object, git_object_free>;
using Odb = Owned<git_odb, git_odb_free>;
using OdbObject = Owned<git_odb_object, git_odb_object_free>;
using RefIterator = Owned<git_reference_iterator, git_reference_iterator_free>;
using Reference = Owned<git_reference, git_reference_free>;
using RevWalk = Owned<git_revwalk, git_revwalk_free>;
using Signature = Owned<git_signature, git_signature_free>;
using Tree = Owned<git_tree, git_tree_free>;
using TreeBuilder = Owned<git_treebuilder, git_treebuilder_free>;
using TreeEntry = Owned<git_tree_entry, git_tree_entry_free>;

inline std::string toHex(const git_oid& oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &oid);
  return buf;
}

// 40 lowercase hex digits → the id; nullopt for anything else.
inline std::optional<git_oid> parseOid(std::string_view hex) {
  if (hex.size() != GIT_OID_HEXSZ) return std::nullopt;
  for (char c : hex)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  git_oid oid;
  if (git_oid_fromstrn(&oid, hex.data(), hex.size()) != 0) return std::nullopt;
  return oid;
}

// HEAD's commit id, or "" before the first commit.
inline std::string headCommit(git_repository* repo) {
  git_oid oid;
  if (git_reference_name_to_id(&oid, repo, "HEAD") != 0) return "";
  return toHex(oid);
}

}  // namespace tacit::git
