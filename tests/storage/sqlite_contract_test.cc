// The OrderStore contract over SQLite: each test gets a new file in a temporary directory.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "storage/order_store_contract.h"
#include "storage/sqlite_order_store.h"

namespace orderstream::storage {
namespace {

namespace fs = std::filesystem;

class SqliteBackend : public StoreBackend {
 public:
  SqliteBackend() {
    std::string pattern = (fs::temp_directory_path() / "orderstream-contract-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    options_.path = (dir_ / "orders.db").string();
    options_.synchronous_full = false;  // durability is not under test; keep the suite quick
    options_.reader_connections = 2;
  }
  ~SqliteBackend() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  std::unique_ptr<OrderStore> open() override {
    return std::make_unique<SqliteOrderStore>(options_);
  }

 private:
  fs::path dir_;
  SqliteOptions options_;
};

INSTANTIATE_TEST_SUITE_P(Sqlite, OrderStoreContractTest,
                         ::testing::Values(StoreKind{
                             "sqlite",
                             [](std::string*) -> std::unique_ptr<StoreBackend> {
                               return std::make_unique<SqliteBackend>();
                             }}),
                         store_kind_name);

}  // namespace
}  // namespace orderstream::storage
