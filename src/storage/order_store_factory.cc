#include "storage/order_store_factory.h"

#include <utility>

namespace orderstream::storage {

bool is_postgres_url(std::string_view db) {
  return db.starts_with("postgresql://") || db.starts_with("postgres://");
}

std::unique_ptr<OrderStore> open_order_store(const std::string& db, SqliteOptions sqlite,
                                             PgOptions pg) {
  if (is_postgres_url(db)) {
    pg.url = db;
    return std::make_unique<PgOrderStore>(std::move(pg));
  }
  sqlite.path = db;
  return std::make_unique<SqliteOrderStore>(std::move(sqlite));
}

}  // namespace orderstream::storage
