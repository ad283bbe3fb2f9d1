// A full disk under the SQLite store: a small tmpfs the test mounts, filled with a file. While
// writes fail, an import and a create get a clear RESOURCE_EXHAUSTED or UNAVAILABLE, the server
// stays up and serves reads; once space returns, writes work again with no restart, and the
// database passes its integrity check. Mounting needs root: the test skips, saying so, without it.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "faults/fault_client.h"
#include "support/server_process.h"
#include "support/test_store.h"

namespace orderstream::testing {
namespace {

constexpr std::size_t kFilesystemBytes = 24 << 20;

// A tmpfs of `bytes` mounted on a fresh directory for the life of the object.
class ScopedTmpfs {
 public:
  explicit ScopedTmpfs(std::size_t bytes) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "orderstream-tmpfs-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) return;
    path_ = pattern;
    const std::string options = "size=" + std::to_string(bytes);
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

bool is_storage_refusal(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED ||
         status.error_code() == grpc::StatusCode::UNAVAILABLE;
}

grpc::Status create(pb::OrderService::Stub& stub, const std::string& id,
                    const std::string& customer) {
  grpc::ClientContext context;
  context.set_deadline(after(std::chrono::seconds(30)));
  pb::Order order;
  order.set_order_id(id);
  order.set_customer_id(customer);
  order.set_total(1);
  pb::OrderResponse response;
  return stub.CreateOrder(&context, order, &response);
}

class StorageFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "mounting a tmpfs needs root";
    if (!fs_.mounted())
      GTEST_SKIP() << "cannot mount a tmpfs here (a container without CAP_SYS_ADMIN?)";
    server_ = std::make_unique<ServerProcess>(ServerProcessOptions{
        .extra_args = {"--db-cache-mib", "4"}, .db = fs_.path() + "/orders.db"});
    stub_ = pb::OrderService::NewStub(new_channel(server_->target()));
    ASSERT_TRUE(create(*stub_, "KEEP-1", "reads").ok());
  }

  void TearDown() override {
    if (!server_) return;
    stub_.reset();
    server_->signal(SIGTERM);
    const int exit_status = server_->wait_for_exit(20'000);
    EXPECT_TRUE(exit_status != -1 && WIFEXITED(exit_status) && WEXITSTATUS(exit_status) == 0)
        << "the server did not exit cleanly: " << server_->log();
    server_.reset();
    EXPECT_EQ(sqlite_integrity_check(fs_.path() + "/orders.db"), "ok");
  }

  // Reads still work: the history written before the fault.
  void expect_reads_served() {
    const History history = read_history(*stub_, "reads");
    EXPECT_TRUE(history.status.ok()) << history.status.error_message();
    EXPECT_EQ(history.events.size(), 1u);
  }

  // Writes work again on the same process: a create and an import.
  void expect_writes_work(const std::string& prefix) {
    const grpc::Status created = create(*stub_, prefix + "-after", "after");
    EXPECT_TRUE(created.ok()) << created.error_code() << " " << created.error_message();
    const ImportResult imported = import_numbered(*stub_, prefix + "-AFTER", "after", 1'000);
    EXPECT_TRUE(imported.status.ok()) << imported.status.error_message();
    EXPECT_EQ(imported.answer.success_count(), 1'000);
  }

  ScopedTmpfs fs_{kFilesystemBytes};
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<pb::OrderService::Stub> stub_;
};

TEST_F(StorageFaultTest, FullDiskRefusesWritesClearlyKeepsReadingAndRecoversWithoutRestart) {
  // Leave about 2 MiB free, then import far more than fits.
  const std::string filler = fs_.path() + "/filler";
  {
    std::ofstream out(filler, std::ios::binary);
    const std::string block(1 << 20, 'x');
    for (std::size_t free = fs_.free_bytes(); free > (3u << 20); free -= block.size()) {
      out.write(block.data(), static_cast<std::streamsize>(block.size()));
    }
  }
  const ImportResult full = import_numbered(*stub_, "FULL", "full", 200'000);
  EXPECT_TRUE(is_storage_refusal(full.status))
      << full.status.error_code() << " " << full.status.error_message();
  const grpc::Status refused = create(*stub_, "FULL-create", "full");
  EXPECT_TRUE(refused.ok() || is_storage_refusal(refused)) << refused.error_message();
  expect_reads_served();

  std::filesystem::remove(filler);
  expect_writes_work("FREED");
  expect_reads_served();
}

}  // namespace
}  // namespace orderstream::testing
