#include "transport/certificate_reloader.h"

#include <grpc/grpc.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "common/log.h"

namespace orderstream::transport {
namespace {

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Deleter {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct KeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyDeleter>;

std::string read_file(const std::string& path, const char* flag) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (!in || !(text << in.rdbuf())) {
    throw std::runtime_error(std::string(flag) + " " + path + ": cannot be read");
  }
  return std::move(text).str();
}

BioPtr memory_bio(const std::string& pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

X509Ptr parse_certificate(const std::string& pem, const std::string& path, const char* flag) {
  BioPtr bio = memory_bio(pem);
  X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert)
    throw std::runtime_error(std::string(flag) + " " + path + ": no PEM certificate in it");
  return cert;
}

KeyPtr parse_private_key(const std::string& pem, const std::string& path) {
  BioPtr bio = memory_bio(pem);
  KeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key) {
    throw std::runtime_error("--tls-key " + path +
                             ": no unencrypted PEM private key in it (a key protected by a "
                             "passphrase cannot be reloaded unattended)");
  }
  return key;
}

// "CN=<name>, valid until <date>", for the log line of a reload.
std::string describe(const std::string& cert_pem) {
  BioPtr bio = memory_bio(cert_pem);
  X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert) return "an unreadable certificate";
  char name[256] = "";
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, name, sizeof name);
  std::string text = std::string("CN=") + name;
  BioPtr out(BIO_new(BIO_s_mem()));
  if (out && ASN1_TIME_print(out.get(), X509_get0_notAfter(cert.get())) == 1) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(out.get(), &data);
    text += ", valid until " + std::string(data, static_cast<std::size_t>(size));
  }
  return text;
}

// The SSL server credentials of gRPC's C core, for a grpc::ServerBuilder: gRPC 1.51's C++ API
// has no wrapper for credentials with a certificate config fetcher. grpc::Server calls
// AddPortToServer, a private virtual of grpc::ServerCredentials meant to be overridden.
class FetchingServerCredentials final : public grpc::ServerCredentials {
 public:
  FetchingServerCredentials(grpc_ssl_client_certificate_request_type request,
                            grpc_ssl_server_certificate_config_callback fetch, void* user_data) {
    // The base class has initialised gRPC by now, which the C calls need.
    credentials_ = grpc_ssl_server_credentials_create_with_options(
        grpc_ssl_server_credentials_create_options_using_config_fetcher(request, fetch, user_data));
    if (credentials_ == nullptr) throw std::runtime_error("gRPC refused the TLS credentials");
  }
  ~FetchingServerCredentials() override { grpc_server_credentials_release(credentials_); }
  FetchingServerCredentials(const FetchingServerCredentials&) = delete;
  FetchingServerCredentials& operator=(const FetchingServerCredentials&) = delete;

  // Callers are authenticated per call from their bearer token (CallAuthenticator), not here.
  void SetAuthMetadataProcessor(const std::shared_ptr<grpc::AuthMetadataProcessor>&) override {
    throw std::logic_error("orderstream's TLS credentials take no auth metadata processor");
  }

 private:
  int AddPortToServer(const std::string& address, grpc_server* server) override {
    return grpc_server_add_http2_port(server, address.c_str(), credentials_);
  }

  grpc_server_credentials* credentials_ = nullptr;
};

}  // namespace

CertificateReloader::CertificateReloader(ServerTls tls)
    : tls_(std::move(tls)), latest_(read_checked(tls_)) {
  if (tls_.reload_seconds > 0) watcher_ = std::thread([this] { watch(); });
}

CertificateReloader::~CertificateReloader() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (watcher_.joinable()) watcher_.join();
}

CertificateReloader::Pem CertificateReloader::read_checked(const ServerTls& tls) {
  Pem pem{read_file(tls.cert_file, "--tls-cert"), read_file(tls.key_file, "--tls-key"),
          tls.client_ca_file.empty() ? "" : read_file(tls.client_ca_file, "--tls-client-ca")};
  const X509Ptr cert = parse_certificate(pem.cert, tls.cert_file, "--tls-cert");
  const KeyPtr key = parse_private_key(pem.key, tls.key_file);
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    throw std::runtime_error("--tls-key " + tls.key_file + " is not the key of --tls-cert " +
                             tls.cert_file);
  }
  if (!tls.client_ca_file.empty()) {
    parse_certificate(pem.client_ca, tls.client_ca_file, "--tls-client-ca");
  }
  return pem;
}

CertificateReloader::Outcome CertificateReloader::reload(std::string* why) {
  std::lock_guard reloading(reload_mutex_);
  Pem pem;
  try {
    pem = read_checked(tls_);
  } catch (const std::runtime_error& e) {
    if (why != nullptr) *why = e.what();
    return Outcome::kRefused;
  }
  std::lock_guard lock(mutex_);
  if (pem == latest_) return Outcome::kUnchanged;
  latest_ = std::move(pem);
  handed_over_ = false;
  OS_LOG(kInfo) << "TLS certificate reloaded: new connections get " << describe(latest_.cert);
  return Outcome::kChanged;
}

void CertificateReloader::watch() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, std::chrono::seconds(tls_.reload_seconds),
                         [this] { return stopping_; })) {
    lock.unlock();
    std::string why;
    if (reload(&why) != Outcome::kRefused) {
      last_rejection_.clear();
    } else if (why != last_rejection_) {
      // Once per distinct fault: a renewal caught mid-way is retried at the next check.
      OS_LOG(kWarn) << "TLS files not reloaded, the certificate served so far stays: " << why;
      last_rejection_ = std::move(why);
    }
    lock.lock();
  }
}

// gRPC calls it once when the server starts, then at each new handshake: a mutex and a flag,
// no I/O. The server listens on one address, so one fetcher hands each identity over once.
grpc_ssl_certificate_config_reload_status CertificateReloader::fetch(
    void* user_data, grpc_ssl_server_certificate_config** config) {
  auto& self = *static_cast<CertificateReloader*>(user_data);
  std::lock_guard lock(self.mutex_);
  if (self.handed_over_) return GRPC_SSL_CERTIFICATE_CONFIG_RELOAD_UNCHANGED;
  const grpc_ssl_pem_key_cert_pair pair{self.latest_.key.c_str(), self.latest_.cert.c_str()};
  // gRPC 1.51 asserts that a fetched config has client roots, and an empty bundle fails to load.
  // Without mutual TLS no client is asked for a certificate, so the roots are never used: the
  // server's own certificate stands in for them.
  const std::string& roots =
      self.latest_.client_ca.empty() ? self.latest_.cert : self.latest_.client_ca;
  // gRPC copies the strings, and destroys the config once it has built a handshaker from it.
  *config = grpc_ssl_server_certificate_config_create(roots.c_str(), &pair, 1);
  self.handed_over_ = true;
  return GRPC_SSL_CERTIFICATE_CONFIG_RELOAD_NEW;
}

std::shared_ptr<grpc::ServerCredentials> CertificateReloader::credentials() {
  const auto request = tls_.client_ca_file.empty()
                           ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                           : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  return std::make_shared<FetchingServerCredentials>(request, &CertificateReloader::fetch, this);
}

}  // namespace orderstream::transport
