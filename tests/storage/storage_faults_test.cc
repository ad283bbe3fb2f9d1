// Storage faults as a server meets them: a full disk (a small tmpfs the test mounts, as root),
// a second server on the same file, a read-only file.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "domain/storage_error.h"
#include "storage/sqlite_connection.h"
#include "storage/sqlite_order_store.h"

namespace orderstream::storage {
namespace {

namespace fs = std::filesystem;
constexpr int64_t kNow = 1'700'000'000'000;

std::string make_temp_dir() {
  std::string pattern = (fs::temp_directory_path() / "orderstream-faults-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

std::vector<NewOrder> batch(int number, int size) {
  std::vector<NewOrder> orders;
  for (int i = 0; i < size; ++i) {
    orders.push_back(
        {"ORD-" + std::to_string(number) + "-" + std::to_string(i) + std::string(40, 'x'),
         "customer-" + std::to_string(i % 50), 1.0f});
  }
  return orders;
}

int64_t size_of(const std::string& path) {
  std::error_code error;
  const auto size = fs::file_size(path, error);
  return error ? 0 : static_cast<int64_t>(size);
}

class DiskFullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "mounting a small tmpfs needs root; not run";
    dir_ = make_temp_dir();
    if (mount("tmpfs", dir_.c_str(), "tmpfs", 0, "size=16m") != 0) {
      const std::string reason = std::strerror(errno);
      fs::remove(dir_);
      dir_.clear();
      GTEST_SKIP() << "cannot mount a tmpfs here (" << reason << "); not run";
    }
  }
  void TearDown() override {
    if (dir_.empty()) return;
    umount2(dir_.c_str(), MNT_DETACH);
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  std::string dir_;
};

TEST_F(DiskFullTest, TheWalStaysSmallAndWritesRecoverOnceSpaceReturnsWithoutARestart) {
  const std::string filler = dir_ + "/filler";
  std::ofstream(filler) << std::string(6 << 20, 'f');
  SqliteOptions options;
  options.path = dir_ + "/orders.db";
  options.synchronous_full = false;
  options.writer_cache_mib = 2;
  SqliteOrderStore store(options);

  int number = 0;
  bool full = false;
  for (; number < 2000 && !full; ++number) {
    try {
      store.create_orders(batch(number, 500), kNow);
    } catch (const StorageError& e) {
      EXPECT_TRUE(e.transient()) << e.what();
      full = true;
    }
  }
  ASSERT_TRUE(full) << "a 16 MiB filesystem never filled up";
  // The data went to the database file; the WAL did not take the disk.
  const int64_t wal = size_of(options.path + "-wal");
  EXPECT_LT(wal, 4 << 20) << "WAL " << wal << " bytes, database " << size_of(options.path);

  fs::remove(filler);  // 6 MiB free again
  for (int i = 0; i < 20; ++i, ++number) {
    ASSERT_NO_THROW(store.create_orders(batch(number, 500), kNow)) << "batch " << i;
  }
  EXPECT_TRUE(store.find_order(batch(number - 1, 1).front().id).has_value());
}

TEST(DatabaseLockTest, ASecondStoreOnTheSameFileIsRefusedWhileTheFirstIsOpen) {
  const std::string dir = make_temp_dir();
  SqliteOptions options;
  options.path = dir + "/orders.db";
  options.synchronous_full = false;
  {
    SqliteOrderStore first(options);
    try {
      SqliteOrderStore second(options);
      ADD_FAILURE() << "a second store opened the same file";
    } catch (const StorageError& e) {
      EXPECT_FALSE(e.transient());
      EXPECT_NE(std::string(e.what()).find("in use by another orderstream server"),
                std::string::npos)
          << e.what();
    }
  }
  EXPECT_NO_THROW(SqliteOrderStore reopened(options));  // released with the first store
  std::error_code ignored;
  fs::remove_all(dir, ignored);
}

TEST(SqliteErrorTest, AFailingStatementIsLoggedByItsStartNotWhole) {
  const std::string dir = make_temp_dir();
  const std::string path = dir + "/plain.db";
  { SqliteConnection create(path, SqliteConnection::Mode::kReadWriteCreate); }
  SqliteConnection read_only(path, SqliteConnection::Mode::kReadOnly);
  try {
    read_only.exec(
        "CREATE TABLE first_table(a INTEGER, b INTEGER, c INTEGER, d INTEGER, e INTEGER);\n"
        "CREATE TABLE second_table(x TEXT);");
    ADD_FAILURE() << "a read-only connection created a table";
  } catch (const StorageError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.find("second_table"), std::string::npos) << message;
    EXPECT_NE(message.find("CREATE TABLE first_table"), std::string::npos) << message;
    EXPECT_LT(message.size(), 300u) << message;
  }
  std::error_code ignored;
  fs::remove_all(dir, ignored);
}

}  // namespace
}  // namespace orderstream::storage
