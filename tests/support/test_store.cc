#include "support/test_store.h"

#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <stdexcept>

namespace orderstream::testing {
namespace {

class SqliteTestStore final : public TestStore {
 public:
  SqliteTestStore() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "orderstream-store-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
  }
  ~SqliteTestStore() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::string db_argument() const override { return dir_ + "/orders.db"; }

  std::string integrity_check() const override { return sqlite_integrity_check(db_argument()); }

 private:
  std::string dir_;
};

}  // namespace

// Through the library, on a connection of its own: it also replays a WAL left behind by a crash,
// as the next server would.
std::string sqlite_integrity_check(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    const std::string error = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return "cannot open: " + error;
  }
  std::string result;
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &statement, nullptr) != SQLITE_OK) {
    result = std::string("cannot check: ") + sqlite3_errmsg(db);
  } else {
    while (sqlite3_step(statement) == SQLITE_ROW) {
      if (!result.empty()) result += "\n";
      result += reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    }
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return result;
}

std::vector<std::string> available_test_stores() { return {"sqlite"}; }

std::unique_ptr<TestStore> make_test_store(const std::string& kind) {
  if (kind == "sqlite") return std::make_unique<SqliteTestStore>();
  throw std::invalid_argument("no test store of kind " + kind + " in this build");
}

}  // namespace orderstream::testing
