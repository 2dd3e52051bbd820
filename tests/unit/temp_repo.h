// A fresh non-bare git repository in its own temporary folder, for tests
// that need a real one; removed afterwards.
#pragma once

#include <catch2/catch.hpp>
#include <git2.h>
#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

namespace tacit::test {

struct RepoDeleter {
  void operator()(git_repository* r) const { git_repository_free(r); }
};
using RepoHandle = std::unique_ptr<git_repository, RepoDeleter>;

inline void gitCheck(int rc) {
  if (rc < 0) {
    const git_error* e = git_error_last();
    FAIL("libgit2: " << (e ? e->message : "unknown error"));
  }
}

// A fresh non-bare repository in its own temporary folder, removed afterwards.
class TempRepo {
 public:
  TempRepo() {
    git_libgit2_init();
    std::string tmpl = (std::filesystem::temp_directory_path() / "tacit-test-repo-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    dir_ = tmpl;
    git_repository* r = nullptr;
    gitCheck(git_repository_init(&r, dir_.c_str(), /*is_bare=*/0));
    repo_.reset(r);
  }
  ~TempRepo() {
    repo_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
    git_libgit2_shutdown();
  }
  TempRepo(const TempRepo&) = delete;
  TempRepo& operator=(const TempRepo&) = delete;

  git_repository* get() const { return repo_.get(); }
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path gitDir() const { return dir_ / ".git"; }

  // Another, independent handle on the same repository.
  RepoHandle open() const {
    git_repository* r = nullptr;
    gitCheck(git_repository_open(&r, dir_.c_str()));
    return RepoHandle(r);
  }

 private:
  std::filesystem::path dir_;
  RepoHandle repo_;
};

// A TempRepo driven through the real `git` command line, with Ada as its
// identity: for tests that write files, commit and open a Store on it.
class GitRepo {
 public:
  GitRepo() {
    git("config user.name Ada");
    git("config user.email ada@example.com");
  }
  void git(const std::string& args) {
    std::string command = "git -C '" + repo_.dir().string() + "' " + args + " >/dev/null 2>&1";
    REQUIRE(std::system(command.c_str()) == 0);
  }
  std::string output(const std::string& args) {
    std::string out;
    FILE* pipe = popen(("git -C '" + repo_.dir().string() + "' " + args).c_str(), "r");
    char buf[256];
    while (fgets(buf, sizeof buf, pipe)) out += buf;
    pclose(pipe);
    return out;
  }
  void write(const std::string& path, const std::string& content) {
    std::ofstream(repo_.dir() / path, std::ios::binary) << content;
  }
  // Commits everything; returns the new commit's id.
  std::string commit(const std::string& message) {
    git("add -A");
    git("commit -q -m '" + message + "'");
    return output("rev-parse HEAD").substr(0, 40);
  }
  std::string dir() const { return repo_.dir().string(); }

 private:
  TempRepo repo_;
};

}  // namespace tacit::test
