// The database a process-level test runs the server on, as a parameter: the fault and end-to-end
// tests run the same scenarios on every store. A store is fresh and empty when made, gives the
// server's --db argument, outlives any number of server processes (so a test can crash and
// restart the server on it), checks its own integrity the way its engine does, and can be made
// read-only under a running server the way its engine meets that fault.
//
// "sqlite": a file in a temporary directory. "postgres": a database of its own on the
// PostgreSQL the ctest fixture started (tests/support/pg_test_database.h); outside ctest, without
// ORDERSTREAM_TEST_PG_URL, there is none and StoreTest skips, saying so.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "support/server_process.h"

namespace orderstream::testing {

// One row of the event table.
struct StoredEvent {
  std::string order_id;
  std::string event_type;  // CREATED, SHIPPED, ...
  int64_t sequence = 0;
  bool operator==(const StoredEvent&) const = default;
};

class TestStore {
 public:
  virtual ~TestStore() = default;
  virtual std::string kind() const = 0;
  // What the server's --db gets.
  virtual std::string db_argument() const = 0;
  // "ok", or what the engine's own checks report as damaged or inconsistent.
  virtual std::string integrity_check() const = 0;
  // Every event of the event table in sequence order, read through the store itself (no server
  // may hold an SQLite file then).
  std::vector<StoredEvent> events() const;
  // Makes the database read-only (or writable again) under a running server: "" once done, else
  // why this machine cannot (the test skips). SQLite: the database file and its WAL are made
  // immutable (chattr +i, which binds root too and refuses writes through files already open).
  // PostgreSQL: the database's default_transaction_read_only, with its sessions ended so that
  // the server's new ones are read-only (what a failover to a read-only standby looks like).
  virtual std::string set_read_only(bool read_only) = 0;
};

struct TestStoreOptions {
  // SQLite: the directory under which the store's own temporary directory is made (empty: the
  // system's temporary directory).
  std::string sqlite_parent;
};

// The kinds every test binary runs: "sqlite", "postgres".
std::vector<std::string> available_test_stores();
// A fresh, empty store of that kind, removed when destroyed; nullptr when there is no such
// database to use here (PostgreSQL outside ctest without ORDERSTREAM_TEST_PG_URL).
std::unique_ptr<TestStore> make_test_store(const std::string& kind,
                                           const TestStoreOptions& options = {});

// PRAGMA integrity_check of the SQLite file at `path`: "ok", or what it reports.
std::string sqlite_integrity_check(const std::string& path);

// The checks of the PostgreSQL database at `url`, a store's schema in its default schema:
// amcheck's verify_heapam on each table and bt_index_check (with heapallindexed) on each index,
// then the store's invariants: one row in the sequence counter, equal to the highest sequence of
// the event table; each order has exactly one CREATED event, and its last sequence names an
// event of that order with its current status; each event belongs to a stored order of the same
// customer; no order id twice. "ok", or one line per finding.
std::string pg_integrity_check(const std::string& url);

// Whether the filesystem holding `directory` refuses writes to an immutable file through a
// descriptor opened before (ext4 does; tmpfs does not). Needs root (CAP_LINUX_IMMUTABLE).
bool enforces_immutable_files(const std::string& directory);

// A server process on `store` with `extra_args`.
inline ServerProcessOptions on_store(const TestStore& store,
                                     std::vector<std::string> extra_args = {}) {
  return ServerProcessOptions{.extra_args = std::move(extra_args), .db = store.db_argument()};
}

// A test run once per store kind (INSTANTIATE_TEST_SUITE_P with
// ::testing::ValuesIn(available_test_stores()) and store_kind_name): SetUp makes
// the fresh store_, or skips when there is no database of that kind here. A subclass with a
// SetUp of its own calls this one first and returns if IsSkipped().
class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  std::unique_ptr<TestStore> store_;
};

inline std::string store_kind_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

}  // namespace orderstream::testing
