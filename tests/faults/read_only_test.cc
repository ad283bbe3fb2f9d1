// A database made read-only under a running server, on each store (TestStore::set_read_only):
// SQLite's file and WAL made immutable (chattr +i binds root too, and refuses writes through the
// descriptors the server already holds), PostgreSQL's database switched to read-only
// transactions with its sessions ended (what a failover to a read-only standby looks like). While
// it lasts, a create, an import and a status change each get a clear UNAVAILABLE or
// RESOURCE_EXHAUSTED, and the server stays up and serves reads; once the database is writable
// again, writes work with no restart, and the database passes its integrity check.
//
// SQLite needs root and a filesystem that enforces the immutable attribute on open files (ext4
// does, tmpfs does not): the system's temporary directory or else the working directory; the
// test skips, saying which, when neither does.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "faults/fault_client.h"
#include "faults/server_under_fault.h"
#include "support/server_process.h"
#include "support/test_store.h"

namespace orderstream::testing {
namespace {

class ReadOnlyTest : public StoreTest {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      if (geteuid() != 0) GTEST_SKIP() << "chattr +i needs root (CAP_LINUX_IMMUTABLE)";
      std::string parent;
      for (const auto& candidate :
           {std::filesystem::temp_directory_path(), std::filesystem::current_path()}) {
        if (enforces_immutable_files(candidate.string())) {
          parent = candidate.string();
          break;
        }
      }
      if (parent.empty()) {
        GTEST_SKIP() << "neither " << std::filesystem::temp_directory_path() << " nor "
                     << std::filesystem::current_path()
                     << " is on a filesystem that refuses writes to an immutable file already "
                        "open (tmpfs does not)";
      }
      store_ = make_test_store(GetParam(), {.sqlite_parent = parent});
    } else {
      StoreTest::SetUp();
      if (IsSkipped()) return;
    }
    server_.start(on_store(*store_));
  }

  void TearDown() override {
    if (!server_.started()) return;
    server_.stop();
    EXPECT_EQ(store_->integrity_check(), "ok");
  }

  ServerUnderFault server_;
};

TEST_P(ReadOnlyTest, ReadOnlyDatabaseRefusesWritesClearlyKeepsReadingAndRecoversWithoutRestart) {
  const std::string skip_reason = store_->set_read_only(true);
  if (!skip_reason.empty()) GTEST_SKIP() << skip_reason;

  const grpc::Status created = create_order(server_.stub(), "RO-create", "read-only");
  EXPECT_TRUE(is_storage_refusal(created))
      << created.error_code() << " " << created.error_message();
  const ImportResult imported = import_numbered(server_.stub(), "RO", "read-only", 1'000);
  EXPECT_TRUE(is_storage_refusal(imported.status))
      << imported.status.error_code() << " " << imported.status.error_message();
  const grpc::Status changed = change_status(server_.stub(), kKeptOrderId, "SHIPPED");
  EXPECT_TRUE(is_storage_refusal(changed))
      << changed.error_code() << " " << changed.error_message();

  // Reads are served: the history and the order as they were.
  const History history = read_history(server_.stub(), kKeptCustomer);
  EXPECT_TRUE(history.status.ok()) << history.status.error_message();
  EXPECT_EQ(history.events.size(), 1u);
  pb::OrderDetails details;
  const grpc::Status got = get_order(server_.stub(), kKeptOrderId, &details);
  EXPECT_TRUE(got.ok()) << got.error_message();
  EXPECT_EQ(details.status(), "CREATED");

  ASSERT_EQ(store_->set_read_only(false), "");
  // The same process writes again: a create, an import and the status change refused above.
  const grpc::Status created_again = create_order(server_.stub(), "RO-create", "read-only");
  EXPECT_TRUE(created_again.ok()) << created_again.error_code() << " "
                                  << created_again.error_message();
  const ImportResult imported_again = import_numbered(server_.stub(), "RO", "read-only", 1'000);
  EXPECT_TRUE(imported_again.status.ok()) << imported_again.status.error_message();
  EXPECT_EQ(imported_again.answer.success_count(), 1'000);
  const grpc::Status changed_again = change_status(server_.stub(), kKeptOrderId, "SHIPPED");
  EXPECT_TRUE(changed_again.ok()) << changed_again.error_message();

  const History after = read_history(server_.stub(), "read-only");
  EXPECT_TRUE(after.status.ok()) << after.status.error_message();
  EXPECT_EQ(after.events.size(), 1'001u) << "a refused write left something behind";
}

INSTANTIATE_TEST_SUITE_P(Stores, ReadOnlyTest, ::testing::ValuesIn(available_test_stores()),
                         store_kind_name);

}  // namespace
}  // namespace orderstream::testing
