// A small fixed-size pool of PostgreSQL connections shared by the store's callers (the executor
// threads and the CreateOrder batcher). Connections open lazily and are checked when leased: one
// the server closed (a restart, a terminated backend) or that a failure left unusable is replaced
// by a new one, so the store recovers by itself once the database is back. Callers wait when every
// connection is leased rather than opening more.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/pg_connection.h"

namespace orderstream::storage {

class PgConnectionPool {
 public:
  // Runs on every new connection before its first lease (prepares the statements).
  using Setup = std::function<void(PgConnection&)>;

  PgConnectionPool(std::string url, int64_t statement_timeout_ms, std::size_t size, Setup setup);
  ~PgConnectionPool();
  PgConnectionPool(const PgConnectionPool&) = delete;
  PgConnectionPool& operator=(const PgConnectionPool&) = delete;

  // One connection, given back to the pool when the lease ends.
  class Lease {
   public:
    Lease(PgConnectionPool& pool, std::size_t slot, PgConnection& connection)
        : pool_(&pool), slot_(slot), connection_(&connection) {}
    ~Lease();
    Lease(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    PgConnection& operator*() const { return *connection_; }
    PgConnection* operator->() const { return connection_; }

   private:
    PgConnectionPool* pool_;
    std::size_t slot_;
    PgConnection* connection_;
  };

  // Waits for a free connection, opening or replacing it as needed, and bounds its statements by
  // `deadline` for the lease (PgConnection::set_deadline). Throws DeadlineExceededError when the
  // deadline passes while waiting, a transient StorageError when the database cannot be reached.
  Lease acquire(const Deadline& deadline = {});

 private:
  void release(std::size_t slot);

  const std::string url_;
  const int64_t statement_timeout_ms_;
  const Setup setup_;
  std::mutex mutex_;
  std::condition_variable available_;
  // A slot without a connection opens one when leased. A leased slot's connection belongs to the
  // lease's thread, so only the free list is guarded by mutex_.
  std::vector<std::unique_ptr<PgConnection>> slots_;
  std::vector<std::size_t> free_;  // guarded by mutex_
};

}  // namespace orderstream::storage
