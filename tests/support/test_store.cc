#include "support/test_store.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <limits>
#include <optional>
#include <stdexcept>

#include "domain/order_status.h"
#include "storage/order_store_factory.h"
#include "storage/pg_connection.h"
#include "support/pg_test_database.h"

namespace orderstream::testing {
namespace {

// Sets or clears the immutable attribute of the file at `path`; false if it cannot.
bool set_immutable(const std::string& path, bool immutable) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  int flags = 0;
  bool done = ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
  if (done) {
    flags = immutable ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
    done = ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
  }
  close(fd);
  return done;
}

class SqliteTestStore final : public TestStore {
 public:
  explicit SqliteTestStore(const std::string& parent) {
    std::string pattern =
        ((parent.empty() ? std::filesystem::temp_directory_path() : std::filesystem::path(parent)) /
         "orderstream-store-XXXXXX")
            .string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
  }
  ~SqliteTestStore() override {
    if (read_only_) set_read_only(false);
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::string kind() const override { return "sqlite"; }
  std::string db_argument() const override { return dir_ + "/orders.db"; }
  std::string integrity_check() const override { return sqlite_integrity_check(db_argument()); }

  // The database file and its WAL (where the writer appends in WAL mode); the shared-memory
  // index stays writable, as readers need it.
  std::string set_read_only(bool read_only) override {
    if (!enforces_immutable_files(dir_)) {
      return "the filesystem of " + dir_ +
             " does not refuse writes to an immutable file already open (tmpfs?), or we are not "
             "root";
    }
    for (const std::string& file : {db_argument(), db_argument() + "-wal"}) {
      if (!std::filesystem::exists(file)) continue;
      if (!set_immutable(file, read_only)) {
        return "cannot change the immutable attribute of " + file + ": " + std::strerror(errno);
      }
    }
    read_only_ = read_only;
    return "";
  }

 private:
  std::string dir_;
  bool read_only_ = false;
};

class PgTestStore final : public TestStore {
 public:
  explicit PgTestStore(const std::string& base_url)
      : base_url_(base_url), database_(base_url, PgTestSchema::Scope::kDatabase) {
    storage::PgConnection connection(database_.url(), 0);
    name_ = std::string(connection.exec("SELECT current_database()").text(0, 0));
  }
  ~PgTestStore() override {
    if (read_only_) set_read_only(false);
  }

  std::string kind() const override { return "postgres"; }
  std::string db_argument() const override { return database_.url(); }
  std::string integrity_check() const override { return pg_integrity_check(database_.url()); }

  std::string set_read_only(bool read_only) override {
    try {
      storage::PgConnection server(base_url_, 0);
      server.exec("ALTER DATABASE " + name_ +
                  (read_only ? " SET default_transaction_read_only = on"
                             : " RESET default_transaction_read_only"));
      // Waits (up to 10 s each) until every session of the database has ended: the ones that
      // follow read the new setting when they start.
      const storage::PgResult ended = server.exec(
          "SELECT pid, pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE datname = '" +
          name_ + "' AND pid <> pg_backend_pid()");
      for (int row = 0; row < ended.rows(); ++row) {
        if (ended.text(row, 1) != "t") {
          return "session " + std::string(ended.text(row, 0)) + " did not end within 10 s";
        }
      }
    } catch (const std::exception& e) {
      return std::string("cannot change default_transaction_read_only: ") + e.what();
    }
    read_only_ = read_only;
    return "";
  }

 private:
  std::string base_url_;
  PgTestSchema database_;
  std::string name_;
  bool read_only_ = false;
};

// One finding per row of `sql` (its first column, with `what` before it).
void report_rows(storage::PgConnection& connection, const std::string& what, const std::string& sql,
                 std::vector<std::string>& findings) {
  const storage::PgResult rows = connection.exec(sql);
  for (int row = 0; row < rows.rows(); ++row) {
    findings.push_back(what + ": " + std::string(rows.text(row, 0)));
  }
}

}  // namespace

std::vector<StoredEvent> TestStore::events() const {
  const auto store = storage::open_order_store(
      db_argument(), storage::SqliteOptions{.synchronous_full = false}, storage::PgOptions{});
  std::vector<StoredEvent> events;
  for (const OrderEvent& event : store->events_after(0, std::numeric_limits<std::size_t>::max())) {
    events.push_back({event.order_id, std::string(to_string(event.type)), event.sequence});
  }
  return events;
}

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

std::string pg_integrity_check(const std::string& url) {
  std::vector<std::string> findings;
  try {
    storage::PgConnection connection(url, 0);
    // The structure of heap and indexes, by PostgreSQL's own checker (contrib's amcheck, in
    // Debian's postgresql-15). Creating it needs a superuser, as on the ctest cluster; an
    // existing server whose role may not is checked by the invariants only, and says so.
    bool amcheck = true;
    try {
      connection.exec("CREATE EXTENSION IF NOT EXISTS amcheck");
    } catch (const std::exception& e) {
      amcheck = false;
      std::cerr << "pg_integrity_check: amcheck unavailable, heap and index structure not "
                   "checked: "
                << e.what() << "\n";
    }
    if (amcheck) {
      const storage::PgResult tables = connection.exec(
          "SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON "
          "n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r' "
          "ORDER BY 1");
      for (int row = 0; row < tables.rows(); ++row) {
        const std::string table(tables.text(row, 0));
        report_rows(connection, "heap of " + table,
                    "SELECT format('block %s offset %s: %s', blkno, offnum, msg) FROM "
                    "verify_heapam('" +
                        table + "'::regclass)",
                    findings);
      }
      const storage::PgResult indexes = connection.exec(
          "SELECT c.oid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
          "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am a ON a.oid = c.relam "
          "WHERE n.nspname = current_schema() AND a.amname = 'btree' ORDER BY 1");
      if (indexes.rows() == 0) findings.push_back("no index to check: is the schema there?");
      for (int row = 0; row < indexes.rows(); ++row) {
        const std::string index(indexes.text(row, 0));
        try {
          connection.exec("SELECT bt_index_check('" + index + "'::regclass, true)");
        } catch (const std::exception& e) {
          findings.push_back("index " + index + ": " + e.what());
        }
      }
    }
    // The invariants read the tables themselves, not their unique indexes, so that a damaged
    // index cannot hide a duplicate; with fresh statistics and hash joins, each is one pass over
    // the tables (a test's tables are new: without ANALYZE the planner takes them for empty and
    // nests loops over 200,000 rows).
    connection.exec(
        "ANALYZE orders, order_events, event_sequence; SET enable_indexscan = off; "
        "SET enable_indexonlyscan = off; SET enable_bitmapscan = off; SET enable_nestloop = off");
    report_rows(connection, "sequence counter rows",
                "SELECT count(*) FROM event_sequence HAVING count(*) <> 1", findings);
    report_rows(connection, "sequence counter is not the highest sequence",
                "SELECT format('counter %s, highest %s', s.last_seq, m.max_seq) FROM "
                "event_sequence s, (SELECT coalesce(max(seq), 0) AS max_seq FROM order_events) m "
                "WHERE s.last_seq <> m.max_seq",
                findings);
    report_rows(connection, "order id stored twice",
                "SELECT order_id FROM orders GROUP BY order_id HAVING count(*) > 1 LIMIT 10",
                findings);
    report_rows(connection, "sequence used twice",
                "SELECT seq FROM order_events GROUP BY seq HAVING count(*) > 1 LIMIT 10", findings);
    report_rows(connection, "order without exactly one CREATED event",
                "SELECT o.order_id FROM orders o LEFT JOIN order_events e ON "
                "e.order_id = o.order_id AND e.event_type = 'CREATED' GROUP BY o.order_id "
                "HAVING count(e.seq) <> 1 LIMIT 10",
                findings);
    report_rows(connection, "order whose last sequence is not its latest event",
                "SELECT o.order_id FROM orders o LEFT JOIN order_events e ON e.seq = o.last_seq "
                "LEFT JOIN (SELECT order_id, max(seq) AS max_seq FROM order_events GROUP BY "
                "order_id) m ON m.order_id = o.order_id WHERE e.seq IS NULL OR "
                "e.order_id <> o.order_id OR e.event_type <> o.status OR "
                "e.customer_id <> o.customer_id OR m.max_seq <> o.last_seq LIMIT 10",
                findings);
    report_rows(connection, "event of no stored order of its customer",
                "SELECT e.seq FROM order_events e LEFT JOIN orders o ON o.order_id = e.order_id "
                "WHERE o.order_id IS NULL OR o.customer_id <> e.customer_id LIMIT 10",
                findings);
  } catch (const std::exception& e) {
    findings.push_back(std::string("cannot check: ") + e.what());
  }
  if (findings.empty()) return "ok";
  std::string result;
  for (const auto& finding : findings) result += (result.empty() ? "" : "\n") + finding;
  return result;
}

bool enforces_immutable_files(const std::string& directory) {
  const std::string probe = directory + "/.immutable-probe";
  const int fd = open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  bool refused = false;
  if (set_immutable(probe, true)) {
    refused = write(fd, "x", 1) < 0 && errno == EPERM;
    set_immutable(probe, false);
  }
  close(fd);
  unlink(probe.c_str());
  return refused;
}

std::vector<std::string> available_test_stores() { return {"sqlite", "postgres"}; }

std::unique_ptr<TestStore> make_test_store(const std::string& kind,
                                           const TestStoreOptions& options) {
  if (kind == "sqlite") return std::make_unique<SqliteTestStore>(options.sqlite_parent);
  if (kind == "postgres") {
    const std::optional<std::string> url = pg_test_url();
    if (!url) return nullptr;
    return std::make_unique<PgTestStore>(*url);
  }
  throw std::invalid_argument("no test store of kind " + kind);
}

void StoreTest::SetUp() {
  store_ = make_test_store(GetParam());
  if (store_ == nullptr) {
    GTEST_SKIP() << "no " << GetParam()
                 << " database here: run through ctest (which starts a throwaway PostgreSQL "
                    "cluster), or set ORDERSTREAM_TEST_PG_URL";
  }
}

}  // namespace orderstream::testing
