// One server per SQLite file: the store holds an exclusive lock on "<database>.lock" for its
// whole lifetime, so a second server on the same file refuses to start instead of serving beside
// the first (each server's watchers would miss the changes made through the other). Several
// servers share one database through the PostgreSQL store.
#pragma once

#include <string>

namespace orderstream::storage {

class DatabaseLock {
 public:
  // Creates the lock file if needed and takes the lock without waiting. Throws StorageError
  // (not transient) naming the file when another process holds it or it cannot be created.
  explicit DatabaseLock(const std::string& database_path);
  ~DatabaseLock();  // closing the descriptor releases the lock
  DatabaseLock(const DatabaseLock&) = delete;
  DatabaseLock& operator=(const DatabaseLock&) = delete;

  static std::string lock_path(const std::string& database_path) { return database_path + ".lock"; }

 private:
  int fd_ = -1;
};

}  // namespace orderstream::storage
