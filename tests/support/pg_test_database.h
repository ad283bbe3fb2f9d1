// Where the PostgreSQL tests find a database, and a schema of their own in it per test. The URL
// is ORDERSTREAM_TEST_PG_URL when set (an existing PostgreSQL), else the one the ctest fixture
// wrote to the file named by ORDERSTREAM_TEST_PG_URL_FILE after starting a throwaway cluster
// (tests/support/pg_test_cluster.sh). Tests that stop and start PostgreSQL run a cluster of
// their own (PgThrowawayCluster), since stopping the shared one would fail every other test.
#pragma once

#include <optional>
#include <string>

#include "storage/pg_connection.h"

namespace orderstream::testing {

// nullopt when neither variable is set (a test binary run by hand).
std::optional<std::string> pg_test_url();

// `url` with `search_path` set to `schema`, so that unqualified tables live there.
std::string pg_url_with_schema(const std::string& url, const std::string& schema);

// A new, empty schema (or with kDatabase, a new database, for tests of what is database-wide
// such as NOTIFY), dropped with everything in it at destruction.
class PgTestSchema {
 public:
  enum class Scope { kSchema, kDatabase };
  explicit PgTestSchema(const std::string& base_url, Scope scope = Scope::kSchema);
  ~PgTestSchema();
  PgTestSchema(const PgTestSchema&) = delete;
  PgTestSchema& operator=(const PgTestSchema&) = delete;

  const std::string& url() const { return url_; }  // for the store under test
  // A connection of the test's own to the same schema, for set-up and checks.
  storage::PgConnection& admin() { return *admin_; }

 private:
  std::string base_url_;
  std::string name_;
  Scope scope_;
  std::string url_;
  std::optional<storage::PgConnection> admin_;
};

// A PostgreSQL cluster of the test's own, made with scripts/pg-cluster.sh in a temporary
// directory, destroyed at destruction. stop() and start() keep its port, so URLs stay valid.
class PgThrowawayCluster {
 public:
  PgThrowawayCluster();  // starts it; fails the test (ADD_FAILURE) if it cannot
  ~PgThrowawayCluster();
  PgThrowawayCluster(const PgThrowawayCluster&) = delete;
  PgThrowawayCluster& operator=(const PgThrowawayCluster&) = delete;

  bool ok() const { return !url_.empty(); }
  const std::string& url() const { return url_; }
  bool stop();
  bool start();
  // The tail of the cluster's server log, for a failure message.
  std::string log() const;

 private:
  std::string dir_;
  std::string url_;
};

}  // namespace orderstream::testing
