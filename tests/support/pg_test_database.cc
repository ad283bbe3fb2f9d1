#include "support/pg_test_database.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include "support/server_process.h"

namespace orderstream::testing {
namespace {

std::string unique_name() {
  static std::atomic<int> counter{0};
  std::random_device random;
  return "os_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(random() % 1000000);
}

// The base URL with another database: the path of a postgresql:// URL.
std::string url_with_database(const std::string& url, const std::string& database) {
  const std::size_t authority = url.find("://");
  const std::size_t path = url.find('/', authority == std::string::npos ? 0 : authority + 3);
  const std::size_t query = url.find('?');
  if (path == std::string::npos || (query != std::string::npos && path > query)) {
    return url.substr(0, query) + "/" + database +
           (query == std::string::npos ? "" : url.substr(query));
  }
  return url.substr(0, path) + "/" + database +
         (query == std::string::npos ? "" : url.substr(query));
}

}  // namespace

std::optional<std::string> pg_test_url() {
  if (const char* url = std::getenv("ORDERSTREAM_TEST_PG_URL"); url != nullptr && *url != '\0') {
    return std::string(url);
  }
  if (const char* file = std::getenv("ORDERSTREAM_TEST_PG_URL_FILE"); file != nullptr) {
    std::ifstream in(file);
    std::string url;
    if (std::getline(in, url) && !url.empty()) return url;
    // ctest names the file only for tests that require its fixture: without it they would skip
    // and pass unseen.
    ADD_FAILURE() << "no PostgreSQL URL in " << file
                  << ": the ctest fixture postgres.cluster_start did not start the cluster";
  }
  return std::nullopt;
}

std::string pg_url_with_schema(const std::string& url, const std::string& schema) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
         schema;
}

PgTestSchema::PgTestSchema(const std::string& base_url, Scope scope)
    : base_url_(base_url), name_(unique_name()), scope_(scope) {
  storage::PgConnection server(base_url_, 0);
  if (scope_ == Scope::kSchema) {
    server.exec("CREATE SCHEMA " + name_);
    url_ = pg_url_with_schema(base_url_, name_);
  } else {
    server.exec("CREATE DATABASE " + name_);
    url_ = url_with_database(base_url_, name_);
  }
  admin_.emplace(url_, 0);
}

PgTestSchema::~PgTestSchema() {
  admin_.reset();
  try {
    storage::PgConnection server(base_url_, 0);
    if (scope_ == Scope::kSchema) {
      server.exec("DROP SCHEMA " + name_ + " CASCADE");
    } else {
      server.exec("DROP DATABASE " + name_ + " WITH (FORCE)");
    }
  } catch (const std::exception& e) {
    ADD_FAILURE() << "cannot drop " << name_ << ": " << e.what();
  }
}

PgThrowawayCluster::PgThrowawayCluster() {
  std::string pattern = (std::filesystem::temp_directory_path() / "orderstream-pg-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed";
    return;
  }
  // The cluster runs as `postgres` when we are root: it must reach the directory.
  chmod(pattern.c_str(), 0755);
  dir_ = pattern;
  const CommandResult started = run_command(
      {"/bin/bash", ORDERSTREAM_PG_CLUSTER_SCRIPT, "start", dir_ + "/cluster", "--no-fsync"}, "",
      180'000);
  if (started.exit_code != 0) {
    ADD_FAILURE() << "cannot start a PostgreSQL cluster: " << started.err;
    return;
  }
  url_ = started.out.substr(0, started.out.find('\n'));
}

PgThrowawayCluster::~PgThrowawayCluster() {
  if (dir_.empty()) return;
  run_command({"/bin/bash", ORDERSTREAM_PG_CLUSTER_SCRIPT, "destroy", dir_ + "/cluster"}, "",
              120'000);
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

bool PgThrowawayCluster::stop() {
  return run_command({"/bin/bash", ORDERSTREAM_PG_CLUSTER_SCRIPT, "stop", dir_ + "/cluster"}, "",
                     120'000)
             .exit_code == 0;
}

std::string PgThrowawayCluster::log() const {
  std::ifstream in(dir_ + "/cluster/server.log");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  constexpr std::size_t kTail = 4000;
  return text.size() > kTail ? text.substr(text.size() - kTail) : text;
}

bool PgThrowawayCluster::start() {
  return run_command({"/bin/bash", ORDERSTREAM_PG_CLUSTER_SCRIPT, "start", dir_ + "/cluster"}, "",
                     120'000)
             .exit_code == 0;
}

}  // namespace orderstream::testing
