// raw-store: the rows of the bulk scenario inserted straight through the server's own SQLite
// store (SqliteOrderStore::create_orders, in transactions as large as the bulk reactor's largest
// batch) with no gRPC in between, into a fresh file beside the server's. It is the database's
// ceiling for the bulk path, measured in the same run: bulk / raw-store says what the streaming
// path costs on top of the inserts themselves.
#include <unistd.h>

#include <filesystem>
#include <utility>
#include <vector>

#include "bench/bulk_stream.h"
#include "bench/scenario_support.h"
#include "bench/scenarios.h"
#include "domain/order.h"
#include "storage/order_store_factory.h"
#include "storage/sqlite_order_store.h"

namespace orderstream::bench {

ScenarioResult run_raw_store(const ScenarioContext& context, const RawStoreArgs& args) {
  if (storage::is_postgres_url(args.db)) return run_raw_copy_pg(context, args);
  ScenarioResult result;
  result.name = "raw-store";
  result.title = std::to_string(args.bulk.orders) + " orders through SqliteOrderStore, no gRPC (" +
                 (args.synchronous_full ? "sync full" : "sync normal") + ")";
  result.headline_key = "orders_per_s";
  result.param("orders", static_cast<double>(args.bulk.orders));
  result.param("batch", static_cast<double>(args.batch));
  const Deadline deadline = context.deadline();

  const auto dir = std::filesystem::temp_directory_path() /
                   ("orderstream-raw-" + std::to_string(getpid()) + "-" + context.run_id);
  std::filesystem::create_directories(dir);
  int64_t inserted = 0;
  ProcessWindow client = client_window();
  Clock::time_point start;
  Clock::time_point end;
  {
    storage::SqliteOrderStore store(storage::SqliteOptions{
        .path = (dir / "orders.db").string(), .synchronous_full = args.synchronous_full});
    BulkOrderMaker maker("r", context.run_id, 1, args.bulk.customers);
    ecommerce::orders::Order order;
    std::vector<NewOrder> batch;
    progress(result.name, result.title);
    client.start();
    start = Clock::now();
    while (inserted < args.bulk.orders && !deadline.expired()) {
      batch.clear();
      for (int64_t i = 0; i < args.batch && inserted + i < args.bulk.orders; ++i) {
        maker.fill(0, inserted + i, order);
        batch.push_back(NewOrder{order.order_id(), order.customer_id(), order.total()});
      }
      const auto size = static_cast<int64_t>(batch.size());
      store.create_orders(std::move(batch), 1'700'000'000'000);  // the server moves its batches too
      inserted += size;
    }
    end = Clock::now();
    client.stop();
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);

  add_raw_store_figures(result, client, inserted, args.bulk.orders, seconds_between(start, end),
                        "first insert -> last commit");
  return result;
}

}  // namespace orderstream::bench
