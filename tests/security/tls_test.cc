// TLS on a real in-process server with throwaway certificates: a client that trusts the CA is
// served, a plaintext client and (under mutual TLS) a client without a trusted certificate are
// not, and a renewed certificate is used for new connections without a restart, both when the
// files change and when the server is told to reload them.
#include <grpcpp/grpcpp.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "security/test_certificates.h"
#include "transport/server_fixture.h"

namespace orderstream::testing {
namespace {

struct ClientIdentity {
  std::string ca_file;
  std::optional<CertificatePair> certificate = std::nullopt;
};

// A channel of its own (no subchannel shared with earlier channels), so every call made on a
// new one does a new TLS handshake.
std::shared_ptr<grpc::Channel> tls_channel(const std::string& target, const ClientIdentity& who) {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = read_text_file(who.ca_file);
  if (who.certificate) {
    ssl.pem_cert_chain = read_text_file(who.certificate->cert_file);
    ssl.pem_private_key = read_text_file(who.certificate->key_file);
  }
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(target, grpc::SslCredentials(ssl), arguments);
}

// Creates an order over `channel`; the status, and the common name of the server's certificate.
grpc::Status create_over(const std::shared_ptr<grpc::Channel>& channel, const std::string& id,
                         std::string* server_name = nullptr) {
  auto stub = pb::OrderService::NewStub(channel);
  pb::Order order;
  order.set_order_id(id);
  order.set_customer_id("alice");
  order.set_total(5);
  pb::OrderResponse response;
  grpc::ClientContext context;
  context.set_deadline(in(std::chrono::seconds(5)));
  grpc::Status status = stub->CreateOrder(&context, order, &response);
  if (server_name != nullptr && status.ok()) {
    const auto names = context.auth_context()->FindPropertyValues("x509_common_name");
    *server_name = names.empty() ? "" : std::string(names.front().data(), names.front().size());
  }
  return status;
}

class TlsTest : public ServerFixture {
 protected:
  void configure(transport::ServerOptions& options) override {
    std::filesystem::create_directories(dir_ + "/pki/other");
    ca_.emplace(dir_ + "/pki", "test-ca");
    other_ca_.emplace(dir_ + "/pki/other", "other-ca");
    const CertificatePair server = ca_->issue("server-1");
    // The server reads its files from fixed paths that a renewal replaces.
    std::filesystem::copy_file(server.cert_file, dir_ + "/server.pem");
    std::filesystem::copy_file(server.key_file, dir_ + "/server.key");
    options.tls = transport::ServerTls{.cert_file = dir_ + "/server.pem",
                                       .key_file = dir_ + "/server.key",
                                       .client_ca_file = mutual() ? ca_->ca_file() : "",
                                       .reload_seconds = reload_seconds()};
  }
  virtual bool mutual() const { return false; }
  virtual unsigned reload_seconds() const { return 1; }

  // The common name of the certificate a new handshake presents; empty if the call failed.
  std::string served_name(const std::string& id) {
    std::string name;
    const grpc::Status status =
        create_over(tls_channel(server_->target(), {ca_->ca_file()}), id, &name);
    return status.ok() ? name : "";
  }

  std::optional<TestCertificates> ca_;
  std::optional<TestCertificates> other_ca_;
};

TEST_F(TlsTest, ServesAClientThatTrustsTheCa) {
  std::string server_name;
  const grpc::Status status =
      create_over(tls_channel(server_->target(), {ca_->ca_file()}), "ORD-TLS-1", &server_name);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(server_name, "server-1");
}

TEST_F(TlsTest, RefusesAPlaintextClientAndAClientThatTrustsAnotherCa) {
  const auto plaintext = grpc::CreateChannel(server_->target(), grpc::InsecureChannelCredentials());
  EXPECT_EQ(create_over(plaintext, "ORD-PLAIN").error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(
      create_over(tls_channel(server_->target(), {other_ca_->ca_file()}), "ORD-OTHER").error_code(),
      grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, UsesARenewedCertificateWithoutRestart) {
  std::string server_name;
  ASSERT_TRUE(
      create_over(tls_channel(server_->target(), {ca_->ca_file()}), "ORD-R0", &server_name).ok());
  ASSERT_EQ(server_name, "server-1");

  // Renewal as a certificate manager does it: new files written aside, then renamed into place.
  const CertificatePair renewed = ca_->issue("server-2");
  std::filesystem::rename(renewed.key_file, dir_ + "/server.key");
  std::filesystem::rename(renewed.cert_file, dir_ + "/server.pem");

  // The server checks the files every second (reload_seconds); each attempt is a new handshake.
  // Until that check, a handshake still presents server-1.
  int attempt = 0;
  const bool renewed_in_use = eventually(
      [&] {
        std::string name;
        return create_over(tls_channel(server_->target(), {ca_->ca_file()}),
                           "ORD-R" + std::to_string(++attempt), &name)
                   .ok() &&
               name == "server-2";
      },
      std::chrono::seconds(30));
  EXPECT_TRUE(renewed_in_use) << "still serving the old certificate after " << attempt
                              << " handshakes";
}

// No periodic check: the files are read again only when the server is asked to (on SIGHUP in
// orderstream-server), so what a handshake presents follows from the calls alone.
class TlsReloadOnRequestTest : public TlsTest {
 protected:
  unsigned reload_seconds() const override { return 0; }
};

TEST_F(TlsReloadOnRequestTest, ARenewedCertificateIsServedFromTheNextHandshakeAfterAReload) {
  using Outcome = transport::CertificateReloader::Outcome;
  ASSERT_EQ(served_name("ORD-Q0"), "server-1");
  const CertificatePair renewed = ca_->issue("server-2");
  std::filesystem::rename(renewed.key_file, dir_ + "/server.key");
  std::filesystem::rename(renewed.cert_file, dir_ + "/server.pem");
  EXPECT_EQ(served_name("ORD-Q1"), "server-1") << "read again before being asked to";

  EXPECT_EQ(server_->reload_certificates(), Outcome::kChanged);
  EXPECT_EQ(served_name("ORD-Q2"), "server-2");
  EXPECT_EQ(server_->reload_certificates(), Outcome::kUnchanged);
  EXPECT_EQ(served_name("ORD-Q3"), "server-2");
}

TEST_F(TlsReloadOnRequestTest, AHalfRenewedPairIsRefusedAndTheServedOneStays) {
  using Outcome = transport::CertificateReloader::Outcome;
  // A new certificate next to the old key: a renewal caught between its two renames.
  const CertificatePair renewed = ca_->issue("server-2");
  std::filesystem::rename(renewed.cert_file, dir_ + "/server.pem");
  std::string why;
  EXPECT_EQ(server_->reload_certificates(&why), Outcome::kRefused);
  EXPECT_NE(why.find("is not the key of"), std::string::npos) << why;
  EXPECT_EQ(served_name("ORD-H1"), "server-1");

  std::filesystem::rename(renewed.key_file, dir_ + "/server.key");
  EXPECT_EQ(server_->reload_certificates(), Outcome::kChanged);
  EXPECT_EQ(served_name("ORD-H2"), "server-2");
}

class MutualTlsTest : public TlsTest {
 protected:
  bool mutual() const override { return true; }
};

TEST_F(MutualTlsTest, ServesAClientWithACertificateTheClientCaSigned) {
  const ClientIdentity client{ca_->ca_file(), ca_->issue("client-1")};
  const grpc::Status status = create_over(tls_channel(server_->target(), client), "ORD-M1");
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(MutualTlsTest, RefusesAClientWithoutCertificate) {
  const grpc::Status status =
      create_over(tls_channel(server_->target(), {ca_->ca_file()}), "ORD-M2");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
}

TEST_F(MutualTlsTest, RefusesAClientWhoseCertificateAnotherCaSigned) {
  const ClientIdentity client{ca_->ca_file(), other_ca_->issue("intruder")};
  const grpc::Status status = create_over(tls_channel(server_->target(), client), "ORD-M3");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
}

}  // namespace
}  // namespace orderstream::testing
