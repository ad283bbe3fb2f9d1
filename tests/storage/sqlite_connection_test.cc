#include "storage/sqlite_connection.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "domain/storage_error.h"

namespace orderstream::storage {
namespace {

namespace fs = std::filesystem;

class SqliteConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "orderstream-conn-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = (dir_ / "test.db").string();
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  fs::path dir_;
  std::string path_;
};

TEST_F(SqliteConnectionTest, OpeningInMissingDirectoryThrowsWithPath) {
  const std::string missing = (dir_ / "no-such-dir" / "x.db").string();
  try {
    SqliteConnection db(missing, SqliteConnection::Mode::kReadWriteCreate);
    FAIL() << "expected StorageError";
  } catch (const StorageError& e) {
    EXPECT_FALSE(e.transient());
    EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
  }
}

TEST_F(SqliteConnectionTest, BadSqlIsPermanentAndNamesTheStatement) {
  SqliteConnection db(path_, SqliteConnection::Mode::kReadWriteCreate);
  try {
    SqliteStatement statement(db, "SELEC nonsense");
    FAIL() << "expected StorageError";
  } catch (const StorageError& e) {
    EXPECT_FALSE(e.transient());
    EXPECT_NE(std::string(e.what()).find("SELEC nonsense"), std::string::npos) << e.what();
  }
}

TEST_F(SqliteConnectionTest, BindsAndReadsBackValues) {
  SqliteConnection db(path_, SqliteConnection::Mode::kReadWriteCreate);
  SqliteStatement statement(db, "SELECT ?1, ?2, ?3, ?4 IS NULL, length(?4)");
  const std::string text = "héllo";
  for (int round = 0; round < 2; ++round) {  // the statement is reusable after reset
    StatementScope scope(statement);
    statement.bind_text(1, text);
    statement.bind_int64(2, int64_t{1} << 40);
    statement.bind_double(3, 2.5);
    statement.bind_text(4, std::string_view{});  // empty, not NULL
    ASSERT_TRUE(statement.step());
    EXPECT_EQ(statement.column_text(0), text);
    EXPECT_EQ(statement.column_int64(1), int64_t{1} << 40);
    EXPECT_EQ(statement.column_double(2), 2.5);
    EXPECT_EQ(statement.column_int64(3), 0);
    EXPECT_EQ(statement.column_int64(4), 0);
    EXPECT_FALSE(statement.step());
  }
}

TEST_F(SqliteConnectionTest, TransactionRollsBackUnlessCommitted) {
  SqliteConnection db(path_, SqliteConnection::Mode::kReadWriteCreate);
  db.exec("CREATE TABLE t(x INTEGER)");
  TransactionStatements statements(db);
  SqliteStatement insert(db, "INSERT INTO t VALUES(1)");
  {
    SqliteTransaction transaction(statements);
    insert.run();
    EXPECT_TRUE(db.in_transaction());
  }
  EXPECT_FALSE(db.in_transaction());
  EXPECT_EQ(db.query_int64("SELECT count(*) FROM t"), 0);
  {
    SqliteTransaction transaction(statements);
    insert.run();
    transaction.commit();
  }
  EXPECT_EQ(db.query_int64("SELECT count(*) FROM t"), 1);
}

TEST_F(SqliteConnectionTest, TransactionRollsBackOnException) {
  SqliteConnection db(path_, SqliteConnection::Mode::kReadWriteCreate);
  db.exec("CREATE TABLE t(x INTEGER NOT NULL)");
  TransactionStatements statements(db);
  SqliteStatement good(db, "INSERT INTO t VALUES(1)");
  SqliteStatement bad(db, "INSERT INTO t VALUES(NULL)");
  try {
    SqliteTransaction transaction(statements);
    good.run();
    bad.run();
    transaction.commit();
    FAIL() << "expected StorageError";
  } catch (const StorageError& e) {
    EXPECT_FALSE(e.transient()) << e.what();
  }
  EXPECT_FALSE(db.in_transaction());
  EXPECT_EQ(db.query_int64("SELECT count(*) FROM t"), 0);
}

TEST_F(SqliteConnectionTest, LockHeldElsewhereIsTransient) {
  SqliteConnection holder(path_, SqliteConnection::Mode::kReadWriteCreate);
  holder.exec("PRAGMA journal_mode = WAL; CREATE TABLE t(x INTEGER)");
  SqliteConnection other(path_, SqliteConnection::Mode::kReadWriteCreate);  // no busy timeout
  TransactionStatements holder_statements(holder);
  TransactionStatements other_statements(other);
  SqliteTransaction held(holder_statements);
  try {
    SqliteTransaction blocked(other_statements);
    FAIL() << "expected StorageError";
  } catch (const StorageError& e) {
    EXPECT_TRUE(e.transient()) << e.what();
  }
  EXPECT_FALSE(other.in_transaction());
}

TEST(SqliteErrorTest, ClassifiesResultCodes) {
  EXPECT_TRUE(is_transient_sqlite_error(SQLITE_BUSY));
  EXPECT_TRUE(is_transient_sqlite_error(SQLITE_BUSY_RECOVERY));
  EXPECT_TRUE(is_transient_sqlite_error(SQLITE_LOCKED));
  EXPECT_TRUE(is_transient_sqlite_error(SQLITE_FULL));
  EXPECT_TRUE(is_transient_sqlite_error(SQLITE_IOERR_FSYNC));
  EXPECT_FALSE(is_transient_sqlite_error(SQLITE_ERROR));
  EXPECT_FALSE(is_transient_sqlite_error(SQLITE_CORRUPT));
  EXPECT_FALSE(is_transient_sqlite_error(SQLITE_CANTOPEN));
  EXPECT_FALSE(is_transient_sqlite_error(SQLITE_CONSTRAINT_NOTNULL));
  EXPECT_FALSE(is_transient_sqlite_error(SQLITE_READONLY));
}

}  // namespace
}  // namespace orderstream::storage
