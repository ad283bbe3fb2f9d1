// The store for several server replicas sharing one PostgreSQL database (libpq, a small
// connection pool, prepared statements). Same contract as the SQLite store, including sequences
// that become visible in increasing order: every writing transaction takes and bumps one counter
// row (event_sequence), so writers commit one at a time, in sequence order, across all replicas.
// Bulk creates COPY straight into the tables when every id is new, and otherwise through a
// temporary staging table and one statement that applies the duplicate rule. Each
// transaction that appends events ends with a NOTIFY on kPgEventsChannel (pg_events_channel.h).
// The schema is created or checked at start-up under an advisory lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "domain/order_store.h"

namespace orderstream::storage {

struct PgOptions {
  // postgresql://user:password@host:port/database?options (or postgres://, or key=value pairs).
  std::string url;
  // Connections the store may open: callers beyond that wait for one. The server's executor
  // threads plus the CreateOrder batcher are the callers.
  std::size_t pool_size = 8;
  // Bounds every statement on the server (PostgreSQL's statement_timeout); 0: no bound. A bulk
  // batch of 65,536 orders takes well under a second on a quiet machine.
  int64_t statement_timeout_ms = 30'000;
};

class PgOrderStore : public OrderStore {
 public:
  // The schema version this build writes; a database of a newer version is refused.
  static constexpr int64_t kSchemaVersion = 1;

  // Connects, then creates the schema or checks its version, under an advisory lock so that
  // replicas starting together do not race. Throws StorageError when it cannot (transient if the
  // database is unreachable).
  explicit PgOrderStore(PgOptions options);
  ~PgOrderStore() override;

 private:
  std::vector<CreateOutcome> do_create_orders(std::vector<NewOrder> orders, int64_t now_ms,
                                              const Deadline&) override;
  StatusChangeOutcome do_compare_and_set_status(std::string_view order_id, OrderStatus expected,
                                                OrderStatus to, int64_t now_ms,
                                                const Deadline&) override;
  std::optional<Order> do_find_order(std::string_view order_id, const Deadline&) override;
  std::vector<OrderEvent> do_customer_events(const EventRange& range, const Deadline&) override;
  std::vector<OrderEvent> do_events_after(int64_t after_sequence, std::size_t limit,
                                          const Deadline&) override;

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace orderstream::storage
