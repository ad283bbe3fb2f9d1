#include "support/pg_statement_fixture.h"

#include "support/eventually.h"

namespace orderstream::testing {

void PgStatementFixture::SetUp() {
  const std::optional<std::string> url = pg_test_url();
  if (!url) GTEST_SKIP() << "no PostgreSQL: run through ctest, or set ORDERSTREAM_TEST_PG_URL";
  schema_.emplace(*url, PgTestSchema::Scope::kDatabase);
  server_.emplace(ServerProcessOptions{.extra_args = server_args(), .db = schema_->url()});
  stub_ = pb::OrderService::NewStub(
      grpc::CreateChannel(server_->target(), grpc::InsecureChannelCredentials()));
  holder_.emplace(schema_->url(), 0);
  observer_.emplace(schema_->url(), 0);
  ASSERT_TRUE(create("ORD-1", std::chrono::seconds(20)).ok());
}

grpc::Status PgStatementFixture::create(const std::string& id, std::chrono::milliseconds deadline) {
  pb::Order order;
  order.set_order_id(id);
  order.set_customer_id("kim");
  order.set_total(4.5f);
  pb::OrderResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + deadline);
  return stub_->CreateOrder(&context, order, &response);
}

int64_t PgStatementFixture::server_statements(bool waiting_on_lock) {
  return observer_
      ->exec(std::string("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                         "current_database() AND pid <> pg_backend_pid() AND application_name = "
                         "'orderstream' AND state = 'active'") +
             (waiting_on_lock ? " AND wait_event_type = 'Lock'" : ""))
      .int64(0, 0);
}

bool PgStatementFixture::statements_reach(bool waiting_on_lock, int64_t count,
                                          std::chrono::milliseconds limit) {
  return eventually([&] { return server_statements(waiting_on_lock) == count; }, limit);
}

}  // namespace orderstream::testing
