// The fixture of the tests of what becomes of the server's statements on PostgreSQL when a call
// ends early (its deadline passes, the client cancels or goes away): the server binary on a
// database of its own, so that pg_stat_activity shows only this test's sessions; two sessions of
// the test's own, holder_ to take the locks that hold a statement up and observer_ to watch
// pg_stat_activity; and one order committed before each test, ORD-1 of customer "kim". A test
// binary run without a PostgreSQL skips.
#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "order_service.grpc.pb.h"
#include "storage/pg_connection.h"
#include "support/pg_test_database.h"
#include "support/server_process.h"

namespace orderstream::testing {

namespace pb = ::ecommerce::orders;

class PgStatementFixture : public ::testing::Test {
 protected:
  void SetUp() override;

  // What the server is started with beyond its database.
  virtual std::vector<std::string> server_args() const { return {}; }

  // CreateOrder of `id` for customer "kim", total 4.5, with a deadline `deadline` from now.
  grpc::Status create(const std::string& id, std::chrono::milliseconds deadline);

  // Statements running now in the test's database under application_name "orderstream": the
  // server's pool (the test's own sessions carry that name too, but holder_ is idle in its
  // transaction and observer_ is the one asking). With `waiting_on_lock`, only those that wait
  // on a lock.
  int64_t server_statements(bool waiting_on_lock);
  // Polls until server_statements(waiting_on_lock) == count, for at most `limit`.
  bool statements_reach(bool waiting_on_lock, int64_t count,
                        std::chrono::milliseconds limit = std::chrono::seconds(30));

  std::optional<PgTestSchema> schema_;
  std::optional<ServerProcess> server_;
  std::unique_ptr<pb::OrderService::Stub> stub_;
  std::optional<storage::PgConnection> holder_;
  std::optional<storage::PgConnection> observer_;
};

}  // namespace orderstream::testing
