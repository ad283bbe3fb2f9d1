// orderstream-server: the order service on an embedded SQLite file or a PostgreSQL database.
// Wiring only: flags, the store, the event hub, the domain service and the gRPC server, then a
// wait for SIGINT/SIGTERM (shut down) and SIGHUP (reload the TLS certificate). The benchmark
// server, orderstream-bench-server, is this file with its own extra services
// (server/extra_services.h).
#include <pthread.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "auth/exposure.h"
#include "auth/token_hash.h"
#include "auth/token_table.h"
#include "common/library_debug_checks.h"
#include "common/log.h"
#include "common/malloc_arenas.h"
#include "common/thread_priority.h"
#include "domain/order_service.h"
#include "domain/storage_error.h"
#include "events/event_hub.h"
#include "observability/call_interceptor.h"
#include "observability/metered_order_store.h"
#include "observability/metrics_endpoint.h"
#include "server/extra_services.h"
#include "storage/order_store_factory.h"
#include "storage/pg_change_feed.h"
#include "transport/library_logs.h"
#include "transport/listen_address.h"
#include "transport/server.h"

namespace {

constexpr int kExitUsage = 2;  // bad flags or values; 1: the server could not start or failed

// Blocks the signals the server acts on in every thread (threads inherit the mask), so that the
// main thread can take them synchronously with sigwait instead of in an async handler.
sigset_t block_handled_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// SIGHUP: the TLS files are read again now; a renewed pair is used from the next connection on.
void reload_certificates(orderstream::transport::OrderServer& server) {
  using Outcome = orderstream::transport::CertificateReloader::Outcome;
  std::string why;
  const auto outcome = server.reload_certificates(&why);
  if (!outcome) {
    OS_LOG(kInfo) << "received SIGHUP: nothing to reload (no TLS)";
  } else if (*outcome == Outcome::kUnchanged) {
    OS_LOG(kInfo) << "received SIGHUP: the TLS files are unchanged";
  } else if (*outcome == Outcome::kRefused) {
    OS_LOG(kError) << "received SIGHUP: TLS files not reloaded, the certificate served so far "
                      "stays: "
                   << why;
  }
  // kChanged: the reloader's own line names the new certificate.
}

// Written whole then renamed, so a reader never sees a partial port number.
void write_port_file(const std::string& path, int port) {
  const std::string partial = path + ".partial";
  std::ofstream(partial) << port << "\n";
  std::rename(partial.c_str(), path.c_str());
}

// `orderstream-server hash-token`: the digest of the token on stdin, for the tokens file. Trailing
// whitespace (the newline of `echo`) is not part of the token, as the CLI strips it too.
int hash_token() {
  std::string token((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
  if (token.empty()) {
    std::cerr << "hash-token: no token on stdin\n";
    return kExitUsage;
  }
  std::cout << orderstream::auth::sha256_hex(token) << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace orderstream;
  // One arena per core instead of glibc's eight per core, before any thread exists
  // (MALLOC_ARENA_MAX, if set, wins): a bulk import's peak RSS fell by a quarter at the same speed.
  limit_malloc_arenas(std::max(2U, std::thread::hardware_concurrency()));
  relax_library_debug_checks();
  // gRPC's and protobuf's lines in the project's format, rate-limited (transport/library_logs.h).
  transport::route_library_logs();
  CLI::App app{"orderstream-server: the ecommerce.orders.OrderService gRPC server"};
  transport::ServerOptions server_options;
  storage::SqliteOptions store_options;
  storage::PgOptions pg_options;
  std::string db = store_options.path;
  std::size_t pg_pool_size = 0;
  std::string log_level = "info";
  std::string sync = "full";
  std::string port_file;
  app.add_option("--listen", server_options.listen, "host:port to listen on (port 0: any free)")
      ->capture_default_str();
  app.add_option("--db", db,
                 "SQLite database file (created if missing), or a postgresql:// (postgres://) URL")
      ->capture_default_str();
  app.add_option("--db-pool-size", pg_pool_size,
                 "PostgreSQL only: connections the server may open (default: executor threads + 2)")
      ->check(CLI::Range(1, 1024));
  app.add_option("--db-statement-timeout-ms", pg_options.statement_timeout_ms,
                 "PostgreSQL only: longest a statement may run before it is cancelled and the "
                 "call fails with UNAVAILABLE (0: no limit)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{24} * 3600 * 1000));
  app.add_option("--max-message-bytes", server_options.max_message_bytes,
                 "largest message accepted or sent; larger ones fail with RESOURCE_EXHAUSTED")
      ->capture_default_str()
      ->check(CLI::Range(1024, 1 << 30));
  app.add_option("--log-level", log_level, "debug, info, warn, error or off")
      ->capture_default_str()
      ->check(CLI::IsMember({"debug", "info", "warn", "error", "off"}));
  app.add_option("--sync", sync,
                 "full: every commit is fsynced (survives power loss); normal: survives a "
                 "process crash only, faster")
      ->capture_default_str()
      ->check(CLI::IsMember({"full", "normal"}));
  app.add_option("--db-cache-mib", store_options.writer_cache_mib,
                 "page cache of the database's write connection, in MiB (the server's RSS may grow "
                 "by that much)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20));
  app.add_option("--executor-threads", server_options.executor_threads,
                 "threads that run database work")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  app.add_option("--import-buffer-orders", server_options.import_buffer_orders,
                 "orders that all running bulk imports may hold in memory per batch, shared: "
                 "each import batches up to this divided by the imports running (at least " +
                     std::to_string(transport::ImportBudget::kMinBatch) + ")")
      ->capture_default_str()
      ->check(CLI::Range(transport::ImportBudget::kMinBatch, std::size_t{1} << 24));
  // One lane per core by default: a fan-out to many watchers then uses every core.
  std::size_t fanout_threads = std::max(1U, std::thread::hardware_concurrency());
  app.add_option("--fanout-threads", fanout_threads,
                 "threads that push order updates to watch streams (each stream always on the "
                 "same one; default: one per core)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  // The server's own threads ahead of gRPC's by default: see common/thread_priority.h.
  server_options.thread_priority_boost = kDefaultThreadPriorityBoost;
  app.add_option("--thread-priority-boost", server_options.thread_priority_boost,
                 "nice levels by which the database and fan-out threads run ahead of gRPC's "
                 "network threads (needs CAP_SYS_NICE; 0: none)")
      ->capture_default_str()
      ->check(CLI::Range(0, 19));
  app.add_option("--keepalive-time-ms", server_options.keepalive_time_ms,
                 "ping a connection idle this long, to find peers that vanished without closing")
      ->capture_default_str()
      ->check(CLI::Range(100, 24 * 3600 * 1000));
  app.add_option("--keepalive-timeout-ms", server_options.keepalive_timeout_ms,
                 "close a connection whose ping is unanswered, or whose client leaves the server's "
                 "data unread, this long, freeing its streams")
      ->capture_default_str()
      ->check(CLI::Range(100, 3600 * 1000));
  int shutdown_grace_ms = 5000;
  app.add_option("--shutdown-grace-ms", shutdown_grace_ms,
                 "on SIGTERM/SIGINT, how long calls in flight may take to finish before they are "
                 "cancelled")
      ->capture_default_str()
      ->check(CLI::Range(0, 3600 * 1000));
  transport::ServerTls tls;
  bool insecure = false;
  auto* tls_cert = app.add_option("--tls-cert", tls.cert_file,
                                  "PEM certificate chain to serve TLS with (read again on SIGHUP "
                                  "and when it changes, see --tls-reload-seconds)")
                       ->check(CLI::ExistingFile);
  auto* tls_key =
      app.add_option("--tls-key", tls.key_file, "PEM private key of --tls-cert (unencrypted)")
          ->check(CLI::ExistingFile);
  tls_cert->needs(tls_key);
  tls_key->needs(tls_cert);
  app.add_option("--tls-client-ca", tls.client_ca_file,
                 "PEM CA bundle: clients must present a certificate it signed (mutual TLS)")
      ->check(CLI::ExistingFile)
      ->needs(tls_cert);
  app.add_option("--tls-reload-seconds", tls.reload_seconds,
                 "how often the TLS files are checked for a change (0: only on SIGHUP); a "
                 "renewed certificate is used from the next connection on, without a restart")
      ->capture_default_str()
      ->check(CLI::Range(0, 86400));
  std::string tokens_file;
  app.add_option("--tokens", tokens_file,
                 "bearer tokens file: one '<sha256-hex> <role>' per line, role admin or "
                 "customer:<id> (docs/SECURITY.md); without it every caller is an admin")
      ->check(CLI::ExistingFile);
  transport::Limits& limits = server_options.limits;
  app.add_option("--max-id-bytes", limits.max_id_bytes,
                 "longest order or customer id a request may carry, in bytes (at most 128)")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, kMaxIdBytes));
  app.add_option("--max-subscriptions-per-stream", limits.subscriptions_per_stream,
                 "distinct orders one watch stream may subscribe to")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{100'000'000}));
  app.add_option("--max-watch-requests-per-second", limits.watch_requests_per_second,
                 "subscription requests per second one watch stream may send, after a burst of "
                 "--max-watch-request-burst")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 1e9));
  app.add_option("--max-watch-request-burst", limits.watch_request_burst,
                 "subscription requests one watch stream may send at once")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 1e9));
  app.add_option("--max-streams-per-connection", limits.streams_per_connection,
                 "concurrent history, import and watch streams on one client connection")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}));
  app.add_option("--max-streams-per-customer", limits.streams_per_customer,
                 "concurrent streams of one customer token, over all its connections")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}));
  app.add_option("--max-bulk-orders-per-stream", limits.bulk_orders_per_stream,
                 "orders one import stream may send")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 50));
  app.add_flag("--insecure", insecure,
               "allow a listen address reachable from other hosts without TLS or without "
               "caller authentication (refused otherwise)");
  add_extra_services(app, server_options);
  app.add_option("--port-file", port_file,
                 "write the bound port to this file once serving (for scripts and tests)");
  std::string log_format = "text";
  app.add_option("--log-format", log_format,
                 "text: <time> <LEVEL> <message> key=value...; json: one object per line")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  std::string metrics_listen;
  app.add_option("--metrics-listen", metrics_listen,
                 "serve Prometheus metrics over HTTP at http://host:port/metrics (port 0: any "
                 "free; default: off)");
  std::string metrics_port_file;
  app.add_option("--metrics-port-file", metrics_port_file,
                 "write the metrics endpoint's bound port to this file, before --port-file");
  app.set_version_flag("--version", "orderstream-server " ORDERSTREAM_VERSION);
  CLI::App* hash_command = app.add_subcommand(
      "hash-token", "print the SHA-256 of the token read from stdin, for the --tokens file");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // Help and --version exit 0; every other parse error is a usage error, 2 as in the CLI.
    return app.exit(error) == 0 ? 0 : kExitUsage;
  }
  if (hash_command->parsed()) return hash_token();
  if (auto invalid = transport::invalid_listen_address(server_options.listen)) {
    std::fprintf(stderr, "%s\nRun with --help for more information.\n", invalid->c_str());
    return kExitUsage;
  }
  if (!metrics_listen.empty()) {
    if (auto invalid = transport::invalid_listen_address(metrics_listen)) {
      // The same rules as --listen, named after this flag.
      std::fprintf(stderr, "--metrics-%s\nRun with --help for more information.\n",
                   invalid->c_str() + 2);
      return kExitUsage;
    }
  }
  if (!tls.cert_file.empty()) server_options.tls = tls;
  if (auto refusal = auth::exposure_refusal(
          {.listen = server_options.listen,
           .tls = server_options.tls.has_value(),
           .authenticates_callers = !tokens_file.empty() || !tls.client_ca_file.empty(),
           .insecure = insecure})) {
    std::fprintf(stderr, "orderstream-server: refusing to start: %s\n", refusal->c_str());
    return kExitUsage;
  }
  if (!tokens_file.empty()) {
    if (!server_options.extra_services.empty()) {
      std::fprintf(stderr,
                   "orderstream-server: --bench-transport serves without authentication and "
                   "cannot be combined with --tokens\n");
      return kExitUsage;
    }
    try {
      server_options.tokens =
          std::make_shared<const auth::TokenTable>(auth::TokenTable::load(tokens_file));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "orderstream-server: %s\n", e.what());
      return kExitUsage;
    }
  }

  set_log_level(*parse_log_level(log_level));
  set_log_format(*parse_log_format(log_format));
  store_options.synchronous_full = sync == "full";
  // The executor threads and the CreateOrder batcher call the store; one spare.
  pg_options.pool_size = pg_pool_size != 0 ? pg_pool_size : server_options.executor_threads + 2;
  const sigset_t signals = block_handled_signals();

  try {
    // Metrics are always counted (a counter add per message, one histogram lock per call and
    // per transaction); --metrics-listen only decides whether they are served.
    const auto registry = std::make_shared<prometheus::Registry>();
    const std::vector<std::string> services = {"ecommerce.orders.OrderService",
                                               "grpc.health.v1.Health",
                                               "grpc.reflection.v1alpha.ServerReflection"};
    // The benchmark's services measure what gRPC carries by itself: nothing counts their calls.
    const auto calls = std::make_shared<observability::CallInterceptorFactory>(
        *registry, services, extra_service_names(server_options));
    server_options.interceptors.push_back(calls);
    server_options.call_observer = calls;
    const std::unique_ptr<OrderStore> store =
        storage::open_order_store(db, store_options, pg_options);
    observability::MeteredOrderStore metered_store(*store, *registry);
    EventHub hub(fanout_threads, server_options.thread_priority_boost);
    // On PostgreSQL every delivery goes through the change feed, which sees the commits of
    // every replica in sequence order; this process's own commits reach it directly.
    std::unique_ptr<storage::PgChangeFeed> feed;
    if (storage::is_postgres_url(db)) {
      feed = std::make_unique<storage::PgChangeFeed>(
          storage::PgChangeFeedOptions{db, pg_options.statement_timeout_ms, {}}, hub,
          [&hub] { return hub.has_subscribers(); });
    }
    OrderService orders(metered_store,
                        feed ? feed->local_commits() : static_cast<EventPublisher&>(hub));
    transport::OrderServer server(server_options, orders, hub);
    if (feed) {
      feed->start([&server](bool available) { server.set_storage_available(available); });
    }
    std::optional<observability::MetricsEndpoint> metrics;
    if (!metrics_listen.empty()) {
      metrics.emplace(metrics_listen,
                      std::vector<std::shared_ptr<prometheus::Collectable>>{registry, calls}, hub,
                      server.counters());
      if (!metrics_port_file.empty()) write_port_file(metrics_port_file, metrics->port());
    }
    if (!port_file.empty()) write_port_file(port_file, server.port());
    int signo = 0;
    while (sigwait(&signals, &signo) == 0 && signo == SIGHUP) reload_certificates(server);
    OS_LOG(kInfo) << "received " << (signo == SIGINT ? "SIGINT" : "SIGTERM");
    // The feed reports to the server: it stops first. Open streams end at shutdown anyway.
    if (feed) feed->stop();
    server.shutdown(std::chrono::milliseconds(shutdown_grace_ms));
  } catch (const StorageError& e) {
    OS_LOG(kError) << "cannot open the database: " << e.what();
    return 1;
  } catch (const std::exception& e) {
    OS_LOG(kError) << e.what();
    return 1;
  }
  return 0;
}
