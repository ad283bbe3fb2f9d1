// The binaries as an operator and a user run them: a server reachable from other hosts refuses
// to start without TLS unless told --insecure, unusable TLS files stop start-up with a message
// naming the file, SIGHUP makes it serve a renewed certificate, the CLI reaches a TLS server
// with --ca (and --cert/--key under mutual TLS), and no token reaches the server's log or
// metrics.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "auth/token_hash.h"
#include "observability/scrape.h"
#include "order_service.grpc.pb.h"
#include "security/test_certificates.h"
#include "support/server_process.h"

namespace orderstream::testing {
namespace {

constexpr int kTimeoutMs = 30000;

std::string describe(const CommandResult& result) {
  return "exit " + std::to_string(result.exit_code) + "\nstdout:\n" + result.out + "stderr:\n" +
         result.err;
}

CommandResult cli(std::vector<std::string> args) {
  args.insert(args.begin(), ORDERSTREAM_CLI_BIN);
  return run_command(args, "", kTimeoutMs);
}

class SecurityProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("orderstream-security-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_ + "/other");
    ca_.emplace(dir_, "test-ca");
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::string dir_;
  std::optional<TestCertificates> ca_;
};

TEST_F(SecurityProcessTest, RefusesAWildcardAddressWithoutTlsAndSaysWhy) {
  const CommandResult result =
      run_command({ORDERSTREAM_SERVER_BIN, "--listen", "0.0.0.0:0", "--db", dir_ + "/orders.db"},
                  "", kTimeoutMs);
  EXPECT_EQ(result.exit_code, 2) << describe(result);
  EXPECT_NE(result.err.find("plaintext"), std::string::npos) << describe(result);
  EXPECT_NE(result.err.find("--tls-cert"), std::string::npos) << describe(result);
  EXPECT_NE(result.err.find("--insecure"), std::string::npos) << describe(result);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/orders.db")) << "refused before opening the db";
}

TEST_F(SecurityProcessTest, ALimitOutOfItsRangeIsAUsageError) {
  for (const std::vector<std::string>& flag :
       std::vector<std::vector<std::string>>{{"--max-id-bytes", "129"},
                                             {"--max-id-bytes", "0"},
                                             {"--max-streams-per-customer", "0"},
                                             {"--max-bulk-orders-per-stream", "0"}}) {
    std::vector<std::string> args = {ORDERSTREAM_SERVER_BIN, "--db", dir_ + "/orders.db"};
    args.insert(args.end(), flag.begin(), flag.end());
    const CommandResult result = run_command(args, "", kTimeoutMs);
    EXPECT_EQ(result.exit_code, 2) << flag[0] << " " << flag[1] << ": " << describe(result);
    EXPECT_NE(result.err.find(flag[0]), std::string::npos) << describe(result);
  }
}

TEST_F(SecurityProcessTest, ServesAWildcardAddressInPlaintextWhenToldInsecure) {
  ServerProcess server({"--listen", "0.0.0.0:0", "--insecure"});
  const CommandResult result =
      cli({"create", "--target", server.target(), "--customer", "alice", "--total", "3"});
  EXPECT_EQ(result.exit_code, 0) << describe(result);
}

TEST_F(SecurityProcessTest, StopsOnAKeyThatIsNotTheCertificatesAndNamesTheFile) {
  const CertificatePair server = ca_->issue("server");
  const CertificatePair other = ca_->issue("other");
  const CommandResult result =
      run_command({ORDERSTREAM_SERVER_BIN, "--listen", "127.0.0.1:0", "--db", dir_ + "/orders.db",
                   "--tls-cert", server.cert_file, "--tls-key", other.key_file},
                  "", kTimeoutMs);
  EXPECT_EQ(result.exit_code, 1) << describe(result);
  EXPECT_NE(result.err.find(other.key_file + " is not the key of"), std::string::npos)
      << describe(result);
}

TEST_F(SecurityProcessTest, CliReachesATlsServerWithTheCa) {
  const CertificatePair certificate = ca_->issue("server");
  ServerProcess server({"--tls-cert", certificate.cert_file, "--tls-key", certificate.key_file});
  const std::vector<std::string> create = {
      "create", "--target", server.target(), "--customer", "alice", "--total", "3"};

  auto with_ca = create;
  with_ca.insert(with_ca.end(), {"--ca", ca_->ca_file()});
  const CommandResult trusted = cli(with_ca);
  EXPECT_EQ(trusted.exit_code, 0) << describe(trusted);
  // Common options may come before the command too.
  const CommandResult ca_first = cli({"--ca", ca_->ca_file(), "--target", server.target(), "get",
                                      trusted.out.substr(0, trusted.out.find_first_of(" \t\n"))});
  EXPECT_EQ(ca_first.exit_code, 0) << describe(ca_first);

  const CommandResult plaintext = cli(create);
  EXPECT_EQ(plaintext.exit_code, 1) << describe(plaintext);
  EXPECT_NE(plaintext.err.find("UNAVAILABLE"), std::string::npos) << describe(plaintext);
}

// The common name of the certificate a new TLS handshake with `target` presents (a channel of
// its own each time, so no connection is reused); empty when the call fails.
std::string served_name(const std::string& target, const std::string& ca_file) {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = read_text_file(ca_file);
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto stub = ecommerce::orders::OrderService::NewStub(
      grpc::CreateCustomChannel(target, grpc::SslCredentials(ssl), arguments));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  ecommerce::orders::Order order;
  order.set_customer_id("alice");
  order.set_total(1);
  ecommerce::orders::OrderResponse response;
  if (!stub->CreateOrder(&context, order, &response).ok()) return "";
  const auto names = context.auth_context()->FindPropertyValues("x509_common_name");
  return names.empty() ? "" : std::string(names.front().data(), names.front().size());
}

TEST_F(SecurityProcessTest, SighupServesARenewedCertificateFromTheNextConnection) {
  const CertificatePair first = ca_->issue("server-1");
  const std::string cert = dir_ + "/server.pem";
  const std::string key = dir_ + "/server.key";
  std::filesystem::rename(first.cert_file, cert);
  std::filesystem::rename(first.key_file, key);
  // No periodic check: only SIGHUP makes the server read its files again.
  ServerProcess server({"--tls-cert", cert, "--tls-key", key, "--tls-reload-seconds", "0"});
  ASSERT_EQ(served_name(server.target(), ca_->ca_file()), "server-1");

  const CertificatePair renewed = ca_->issue("server-2");
  std::filesystem::rename(renewed.key_file, key);
  std::filesystem::rename(renewed.cert_file, cert);
  EXPECT_EQ(served_name(server.target(), ca_->ca_file()), "server-1");

  const std::size_t before = server.log().size();
  server.signal(SIGHUP);
  ASSERT_NE(server.wait_for_log("TLS certificate reloaded", kTimeoutMs, before), std::string::npos)
      << server.log();
  EXPECT_NE(server.log().find("CN=server-2", before), std::string::npos) << server.log();
  // The reload is done once logged; new handshakes are tried a bounded number of times anyway.
  std::string name;
  for (int attempt = 0; attempt < 50 && name != "server-2"; ++attempt) {
    name = served_name(server.target(), ca_->ca_file());
  }
  EXPECT_EQ(name, "server-2");

  // A SIGHUP with nothing new neither stops the server nor changes what it serves.
  const std::size_t again = server.log().size();
  server.signal(SIGHUP);
  EXPECT_NE(server.wait_for_log("TLS files are unchanged", kTimeoutMs, again), std::string::npos)
      << server.log();
  EXPECT_EQ(served_name(server.target(), ca_->ca_file()), "server-2");
}

TEST_F(SecurityProcessTest, CliPresentsItsCertificateToAMutualTlsServer) {
  const CertificatePair certificate = ca_->issue("server");
  const CertificatePair client = ca_->issue("client");
  ServerProcess server({"--tls-cert", certificate.cert_file, "--tls-key", certificate.key_file,
                        "--tls-client-ca", ca_->ca_file()});
  const std::vector<std::string> create = {"create",     "--target", server.target(),
                                           "--customer", "alice",    "--total",
                                           "3",          "--ca",     ca_->ca_file()};

  auto with_certificate = create;
  with_certificate.insert(with_certificate.end(),
                          {"--cert", client.cert_file, "--key", client.key_file});
  const CommandResult accepted = cli(with_certificate);
  EXPECT_EQ(accepted.exit_code, 0) << describe(accepted);

  const CommandResult refused = cli(create);
  EXPECT_EQ(refused.exit_code, 1) << describe(refused);
}

TEST_F(SecurityProcessTest, CliTreatsACertificateWithoutItsKeyAsAUsageError) {
  const CertificatePair client = ca_->issue("client");
  const CommandResult result =
      cli({"create", "--customer", "alice", "--total", "3", "--cert", client.cert_file});
  EXPECT_EQ(result.exit_code, 2) << describe(result);
  EXPECT_NE(result.err.find("--key"), std::string::npos) << describe(result);
}

TEST_F(SecurityProcessTest, HashTokenPrintsTheDigestTheTokensFileWants) {
  const CommandResult result =
      run_command({ORDERSTREAM_SERVER_BIN, "hash-token"}, "s3cret-token\n", kTimeoutMs);
  EXPECT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_EQ(result.out, auth::sha256_hex("s3cret-token") + "\n") << "the newline is not hashed";
  EXPECT_EQ(run_command({ORDERSTREAM_SERVER_BIN, "hash-token"}, "", kTimeoutMs).exit_code, 2);
}

TEST_F(SecurityProcessTest, RefusesAMalformedTokensFileNamingTheLine) {
  std::ofstream(dir_ + "/tokens") << auth::sha256_hex("a") << " admin\nsecret-pasted-here admin\n";
  const CommandResult result =
      run_command({ORDERSTREAM_SERVER_BIN, "--listen", "127.0.0.1:0", "--db", dir_ + "/orders.db",
                   "--tokens", dir_ + "/tokens"},
                  "", kTimeoutMs);
  EXPECT_EQ(result.exit_code, 2) << describe(result);
  EXPECT_NE(result.err.find("line 2"), std::string::npos) << describe(result);
  EXPECT_EQ(result.err.find("secret-pasted-here"), std::string::npos) << describe(result);
}

TEST_F(SecurityProcessTest, CliSendsItsTokenAndNoTokenReachesALog) {
  const std::string admin = "admin-token-51c0f6e2d9";
  const std::string alice = "alice-token-3b7e8a04fc";
  const std::string wrong = "wrong-token-96d2c1b7e0";
  std::ofstream(dir_ + "/tokens") << auth::sha256_hex(admin) << " admin\n"
                                  << auth::sha256_hex(alice) << " customer:alice\n";
  std::ofstream(dir_ + "/alice.token") << alice << "\n";
  std::ofstream(dir_ + "/wrong.token") << wrong << "\n";
  // debug: the most the server logs, including the per-call line (method, peer, customer).
  ServerProcess server({"--tokens", dir_ + "/tokens", "--log-level", "debug", "--metrics-listen",
                        "127.0.0.1:0", "--metrics-port-file", dir_ + "/metrics-port"});
  const std::vector<std::string> create = {
      "create", "--target", server.target(), "--customer", "alice", "--total", "3"};

  const CommandResult anonymous = cli(create);
  EXPECT_EQ(anonymous.exit_code, 1) << describe(anonymous);
  EXPECT_NE(anonymous.err.find("UNAUTHENTICATED"), std::string::npos) << describe(anonymous);

  auto with_file = create;
  with_file.insert(with_file.end(), {"--token-file", dir_ + "/alice.token"});
  const CommandResult own = cli(with_file);
  EXPECT_EQ(own.exit_code, 0) << describe(own);

  auto wrong_file = create;
  wrong_file.insert(wrong_file.end(), {"--token-file", dir_ + "/wrong.token"});
  const CommandResult refused = cli(wrong_file);
  EXPECT_EQ(refused.exit_code, 1) << describe(refused);
  EXPECT_EQ(refused.err.find(wrong), std::string::npos) << describe(refused);

  // ORDERSTREAM_TOKEN, as a script sets it.
  const CommandResult from_env =
      run_command({"/usr/bin/env", "ORDERSTREAM_TOKEN=" + admin, ORDERSTREAM_CLI_BIN, "set-status",
                   "--target", server.target(), "ORD-MISSING", "SHIPPED"},
                  "", kTimeoutMs);
  EXPECT_EQ(from_env.exit_code, 1) << describe(from_env);
  EXPECT_NE(from_env.err.find("NOT_FOUND"), std::string::npos)
      << "authenticated as admin: " << describe(from_env);

  // GetOrder, whose log line and metrics carry no customer either, with the token in the
  // environment.
  const CommandResult got =
      run_command({"/usr/bin/env", "ORDERSTREAM_TOKEN=" + alice, ORDERSTREAM_CLI_BIN, "get",
                   "--target", server.target(), "ORD-MISSING"},
                  "", kTimeoutMs);
  EXPECT_EQ(got.exit_code, 1) << describe(got);
  EXPECT_NE(got.err.find("PERMISSION_DENIED"), std::string::npos) << describe(got);

  const std::string log = server.log();
  EXPECT_NE(log.find("CreateOrder"), std::string::npos) << "the per-call lines were written";
  EXPECT_NE(log.find("GetOrder"), std::string::npos) << log;
  int metrics_port = 0;
  std::ifstream(dir_ + "/metrics-port") >> metrics_port;
  const Scrape metrics = Scrape::get(metrics_port);
  EXPECT_TRUE(metrics.value("orderstream_rpcs_total", {{"service", "ecommerce.orders.OrderService"},
                                                       {"method", "CreateOrder"},
                                                       {"code", "UNAUTHENTICATED"}}))
      << metrics.text();
  for (const std::string& token : {admin, alice, wrong}) {
    EXPECT_EQ(log.find(token), std::string::npos) << token << " in the server log:\n" << log;
    EXPECT_EQ(metrics.text().find(token), std::string::npos) << token << " in the metrics";
    EXPECT_EQ(log.find(auth::sha256_hex(token)), std::string::npos) << "its digest in the log";
  }
}

}  // namespace
}  // namespace orderstream::testing
