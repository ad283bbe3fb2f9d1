#include "storage/database_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "domain/storage_error.h"

namespace orderstream::storage {

DatabaseLock::DatabaseLock(const std::string& database_path) {
  const std::string path = lock_path(database_path);
  // A lock file of its own rather than the database file: SQLite's POSIX locks on the database
  // would be dropped by any close() of another descriptor of that file in this process.
  fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ == -1) {
    throw StorageError("cannot create the lock file " + path + ": " + std::strerror(errno), false);
  }
  if (flock(fd_, LOCK_EX | LOCK_NB) == 0) return;
  const int error = errno;
  close(fd_);
  fd_ = -1;
  if (error == EWOULDBLOCK) {
    throw StorageError("the database " + database_path +
                           " is in use by another orderstream server (it holds " + path +
                           "); one server per SQLite file: servers that share a database need the "
                           "PostgreSQL store",
                       false);
  }
  throw StorageError("cannot lock " + path + ": " + std::strerror(error), false);
}

DatabaseLock::~DatabaseLock() {
  if (fd_ != -1) close(fd_);
}

}  // namespace orderstream::storage
