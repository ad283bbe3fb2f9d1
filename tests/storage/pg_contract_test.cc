// The OrderStore contract over PostgreSQL: each test gets a new schema in the test database
// (support/pg_test_database.h), dropped afterwards.
#include <gtest/gtest.h>

#include "storage/order_store_contract.h"
#include "storage/pg_order_store.h"
#include "support/pg_test_database.h"

namespace orderstream::storage {
namespace {

class PgBackend : public StoreBackend {
 public:
  explicit PgBackend(const std::string& url) : schema_(url) {}
  std::unique_ptr<OrderStore> open() override {
    return std::make_unique<PgOrderStore>(PgOptions{.url = schema_.url(), .pool_size = 4});
  }

 private:
  testing::PgTestSchema schema_;
};

INSTANTIATE_TEST_SUITE_P(Postgres, OrderStoreContractTest,
                         ::testing::Values(StoreKind{
                             "postgres",
                             [](std::string* skip_reason) -> std::unique_ptr<StoreBackend> {
                               const auto url = testing::pg_test_url();
                               if (!url) {
                                 *skip_reason =
                                     "no PostgreSQL: run through ctest, or set "
                                     "ORDERSTREAM_TEST_PG_URL";
                                 return nullptr;
                               }
                               return std::make_unique<PgBackend>(*url);
                             }}),
                         store_kind_name);

}  // namespace
}  // namespace orderstream::storage
