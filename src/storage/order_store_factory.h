// Chooses the store from the --db value: a postgresql:// or postgres:// URL opens the PostgreSQL
// store (several replicas may share it), anything else is an SQLite file (the embedded default).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "domain/order_store.h"
#include "storage/pg_order_store.h"
#include "storage/sqlite_order_store.h"

namespace orderstream::storage {

// Whether `db` names a PostgreSQL database rather than an SQLite file.
bool is_postgres_url(std::string_view db);

// Opens the store `db` names, with the options of its kind (`sqlite.path` or `pg.url` is replaced
// by `db`). Throws StorageError when it cannot.
std::unique_ptr<OrderStore> open_order_store(const std::string& db, SqliteOptions sqlite,
                                             PgOptions pg);

}  // namespace orderstream::storage
