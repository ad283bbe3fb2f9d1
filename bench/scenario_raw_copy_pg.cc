// raw-store on PostgreSQL (`--db postgresql://...`): the rows of the bulk scenario COPYed straight
// into orderstream's tables, the way `psql \copy` would load them (text COPY into orders, then
// into order_events, and the sequence counter moved, in transactions as large as the bulk
// reactor's largest batch), with no gRPC and no staging table in between. It runs in a schema of
// its own in the server's database, created through PgOrderStore (so the tables and indexes are
// the server's) and dropped afterwards. It is the database's ceiling for the bulk path, measured
// in the same run: bulk / raw-store says what the server costs on top of the copy itself.
#include <unistd.h>

#include <string>
#include <vector>

#include "bench/bulk_stream.h"
#include "bench/scenario_support.h"
#include "bench/scenarios.h"
#include "storage/pg_connection.h"
#include "storage/pg_order_store.h"

namespace orderstream::bench {
namespace {

constexpr int64_t kNowMs = 1'700'000'000'000;

// The URL with search_path set to `schema` (libpq's options parameter, URL-encoded).
std::string url_with_schema(const std::string& url, const std::string& schema) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
         schema;
}

// The schema lives as long as the scenario; dropped whatever happens.
class ScratchSchema {
 public:
  ScratchSchema(const std::string& url, std::string name) : url_(url), name_(std::move(name)) {
    storage::PgConnection(url_, 0).exec("CREATE SCHEMA " + name_);
  }
  ~ScratchSchema() {
    try {
      storage::PgConnection(url_, 0).exec("DROP SCHEMA " + name_ + " CASCADE");
    } catch (const std::exception&) {
      // Left behind: harmless (the run id names it), and nothing to do about it here.
    }
  }
  ScratchSchema(const ScratchSchema&) = delete;
  ScratchSchema& operator=(const ScratchSchema&) = delete;
  std::string url() const { return url_with_schema(url_, name_); }

 private:
  std::string url_;
  std::string name_;
};

}  // namespace

ScenarioResult run_raw_copy_pg(const ScenarioContext& context, const RawStoreArgs& args) {
  ScenarioResult result;
  result.name = "raw-store";
  result.title = std::to_string(args.bulk.orders) +
                 " orders COPYed straight into PostgreSQL's tables, no gRPC";
  result.headline_key = "orders_per_s";
  result.param("orders", static_cast<double>(args.bulk.orders));
  result.param("batch", static_cast<double>(args.batch));
  result.note("text COPY into orders and order_events per transaction, as psql's \\copy");
  const Deadline deadline = context.deadline();

  ScratchSchema schema(args.db, "os_bench_raw_" + context.run_id);
  // Creates the tables exactly as the server does.
  { storage::PgOrderStore creator(storage::PgOptions{.url = schema.url(), .pool_size = 1}); }
  storage::PgConnection connection(schema.url(), 0, "orderstream-bench");

  BulkOrderMaker maker("r", context.run_id, 1, args.bulk.customers);
  ecommerce::orders::Order order;
  std::string orders_rows;
  std::string events_rows;
  int64_t inserted = 0;
  ProcessWindow client = client_window();
  progress(result.name, result.title);
  client.start();
  const Clock::time_point start = Clock::now();
  while (inserted < args.bulk.orders && !deadline.expired()) {
    const int64_t size = std::min(args.batch, args.bulk.orders - inserted);
    orders_rows.clear();
    events_rows.clear();
    const std::string now = std::to_string(kNowMs);
    for (int64_t i = 0; i < size; ++i) {
      maker.fill(0, inserted + i, order);
      const std::string seq = std::to_string(inserted + i + 1);
      const std::string total = std::to_string(order.total());
      // Bench ids and customers hold no tab, newline or backslash: no escaping needed.
      orders_rows += order.order_id() + '\t' + order.customer_id() + '\t' + total + "\tCREATED\t" +
                     now + '\t' + now + '\t' + seq + '\n';
      events_rows +=
          seq + '\t' + order.customer_id() + '\t' + order.order_id() + "\tCREATED\t" + now + '\n';
    }
    storage::PgTransaction transaction(connection);
    connection.exec("SELECT last_seq FROM event_sequence FOR UPDATE");
    connection.copy_in(
        "COPY orders(order_id, customer_id, total, status, created_at, updated_at, last_seq) "
        "FROM STDIN",
        orders_rows);
    connection.copy_in("COPY order_events(seq, customer_id, order_id, event_type, ts) FROM STDIN",
                       events_rows);
    transaction.commit("UPDATE event_sequence SET last_seq = " + std::to_string(inserted + size));
    inserted += size;
  }
  const Clock::time_point end = Clock::now();
  client.stop();

  add_raw_store_figures(result, client, inserted, args.bulk.orders, seconds_between(start, end),
                        "first copy -> last commit");
  return result;
}

}  // namespace orderstream::bench
