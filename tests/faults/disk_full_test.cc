// A full disk under each store: its data on a small tmpfs the test mounts, filled with a file.
// SQLite: the database file and its WAL there. PostgreSQL: a cluster of the test's own whose
// database lives in a tablespace there (tables, indexes and the import's temporary staging
// table; the cluster's WAL stays on the ordinary disk). While writes fail, an import and a create
// get a clear RESOURCE_EXHAUSTED or UNAVAILABLE, the server stays up and serves reads; once space
// returns, writes work again with no restart, and the database passes its integrity check.
// Mounting needs root: the test skips, saying so, without it.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "faults/fault_client.h"
#include "faults/server_under_fault.h"
#include "storage/pg_connection.h"
#include "support/pg_test_database.h"
#include "support/server_process.h"
#include "support/test_store.h"

namespace orderstream::testing {
namespace {

constexpr std::size_t kFilesystemBytes = 24 << 20;

// A tmpfs of `bytes` mounted on a fresh directory for the life of the object, its root owned by
// `owner` (a PostgreSQL cluster's user must own a tablespace's directory).
class ScopedTmpfs {
 public:
  ScopedTmpfs(std::size_t bytes, uid_t owner, gid_t group) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "orderstream-tmpfs-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) return;
    path_ = pattern;
    const std::string options = "size=" + std::to_string(bytes) + ",uid=" + std::to_string(owner) +
                                ",gid=" + std::to_string(group) + ",mode=0700";
    mounted_ = mount("tmpfs", path_.c_str(), "tmpfs", 0, options.c_str()) == 0;
  }
  ~ScopedTmpfs() {
    if (mounted_) umount2(path_.c_str(), MNT_DETACH);
    if (!path_.empty()) rmdir(path_.c_str());
  }
  bool mounted() const { return mounted_; }
  const std::string& path() const { return path_; }
  std::size_t free_bytes() const {
    struct statvfs stats {};
    statvfs(path_.c_str(), &stats);
    return stats.f_bavail * stats.f_frsize;
  }

 private:
  std::string path_;
  bool mounted_ = false;
};

class StorageFaultTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "mounting a tmpfs needs root";
    const bool postgres = GetParam() == "postgres";
    if (postgres && !pg_test_url()) {
      GTEST_SKIP() << "PostgreSQL tests run through ctest, or with ORDERSTREAM_TEST_PG_URL set";
    }
    // As root, a PostgreSQL cluster runs as `postgres` (scripts/pg-cluster.sh).
    uid_t owner = 0;
    gid_t group = 0;
    if (postgres) {
      const passwd* user = getpwnam("postgres");
      ASSERT_NE(user, nullptr) << "no postgres user: run scripts/setup.sh (postgresql-15)";
      owner = user->pw_uid;
      group = user->pw_gid;
    }
    fs_.emplace(kFilesystemBytes, owner, group);
    if (!fs_->mounted()) {
      GTEST_SKIP() << "cannot mount a tmpfs here (a container without CAP_SYS_ADMIN?)";
    }
    if (postgres) {
      cluster_.emplace();
      ASSERT_TRUE(cluster_->ok());
      storage::PgConnection server(cluster_->url(), 0);
      server.exec("CREATE TABLESPACE small_disk LOCATION '" + fs_->path() + "'");
      server.exec("CREATE DATABASE orders TABLESPACE small_disk");
      db_ = cluster_->url().substr(0, cluster_->url().rfind('/')) + "/orders";
    } else {
      db_ = fs_->path() + "/orders.db";
    }
    server_.start(ServerProcessOptions{.extra_args = {"--db-cache-mib", "4"}, .db = db_});
  }

  void TearDown() override {
    if (!server_.started()) return;
    server_.stop();
    EXPECT_EQ(cluster_ ? pg_integrity_check(db_) : sqlite_integrity_check(db_), "ok");
  }

  // Reads still work: the history written before the fault.
  void expect_reads_served() {
    const History history = read_history(server_.stub(), kKeptCustomer);
    EXPECT_TRUE(history.status.ok()) << history.status.error_message();
    EXPECT_EQ(history.events.size(), 1u);
  }

  // Writes work again on the same process: a create and an import.
  void expect_writes_work(const std::string& prefix) {
    const grpc::Status created = create_order(server_.stub(), prefix + "-after", "after");
    EXPECT_TRUE(created.ok()) << created.error_code() << " " << created.error_message();
    const ImportResult imported =
        import_numbered(server_.stub(), prefix + "-AFTER", "after", 1'000);
    EXPECT_TRUE(imported.status.ok()) << imported.status.error_message();
    EXPECT_EQ(imported.answer.success_count(), 1'000);
  }

  // Destroyed in reverse: the server, then the cluster, then the tmpfs under it.
  std::optional<ScopedTmpfs> fs_;
  std::optional<PgThrowawayCluster> cluster_;
  std::string db_;
  ServerUnderFault server_;
};

TEST_P(StorageFaultTest, FullDiskRefusesWritesClearlyKeepsReadingAndRecoversWithoutRestart) {
  // Leave about 2 MiB free, then import far more than fits.
  const std::string filler = fs_->path() + "/filler";
  {
    std::ofstream out(filler, std::ios::binary);
    const std::string block(1 << 20, 'x');
    for (std::size_t free = fs_->free_bytes(); free > (3u << 20); free -= block.size()) {
      out.write(block.data(), static_cast<std::streamsize>(block.size()));
    }
  }
  const ImportResult full = import_numbered(server_.stub(), "FULL", "full", 200'000);
  EXPECT_TRUE(is_storage_refusal(full.status))
      << full.status.error_code() << " " << full.status.error_message();
  const grpc::Status refused = create_order(server_.stub(), "FULL-create", "full");
  EXPECT_TRUE(refused.ok() || is_storage_refusal(refused)) << refused.error_message();
  expect_reads_served();

  std::filesystem::remove(filler);
  expect_writes_work("FREED");
  expect_reads_served();
}

INSTANTIATE_TEST_SUITE_P(Stores, StorageFaultTest, ::testing::ValuesIn(available_test_stores()),
                         store_kind_name);

}  // namespace
}  // namespace orderstream::testing
