// The database a process-level test runs the server on, as a parameter: the fault tests run the
// same scenarios on every store this build can reach. A store is fresh and empty when made, gives
// the server's --db argument, outlives any number of server processes (so a test can crash and
// restart the server on it), and checks its own integrity the way its engine does.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "support/server_process.h"

namespace orderstream::testing {

class TestStore {
 public:
  virtual ~TestStore() = default;
  // What the server's --db gets.
  virtual std::string db_argument() const = 0;
  // "ok", or what the engine's own check reports as damaged.
  virtual std::string integrity_check() const = 0;
};

// The kinds this build can run: "sqlite".
std::vector<std::string> available_test_stores();
// A fresh, empty store of that kind; removed when destroyed.
std::unique_ptr<TestStore> make_test_store(const std::string& kind);

// PRAGMA integrity_check of the SQLite file at `path`: "ok", or what it reports.
std::string sqlite_integrity_check(const std::string& path);

// A server process on `store` with `extra_args`.
inline ServerProcessOptions on_store(const TestStore& store,
                                     std::vector<std::string> extra_args = {}) {
  return ServerProcessOptions{.extra_args = std::move(extra_args), .db = store.db_argument()};
}

}  // namespace orderstream::testing
