// An exclusive flock(2) on a file, held for the object's lifetime and
// released by the kernel if the process dies. Tacit serialises the few
// read-then-write steps that several processes on one clone may race on
// (ref updates, opening the index, picking the replica id) with these.
#pragma once

#include <string>

namespace tacit::store {

class FileLock {
 public:
  // Creates the file if needed. Without it (a read-only repository) the lock
  // is not held and the caller goes on unserialised: held() says which.
  explicit FileLock(const std::string& path);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

}  // namespace tacit::store
