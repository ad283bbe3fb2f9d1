#include "transport/server_credentials.h"

#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <stdexcept>

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

BioPtr open_file(const std::string& path, const char* flag) {
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) throw std::runtime_error(std::string(flag) + " " + path + ": cannot be read");
  return bio;
}

X509Ptr read_certificate(const std::string& path, const char* flag) {
  BioPtr bio = open_file(path, flag);
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) {
    throw std::runtime_error(std::string(flag) + " " + path + ": no PEM certificate in it");
  }
  return cert;
}

KeyPtr read_private_key(const std::string& path) {
  BioPtr bio = open_file(path, "--tls-key");
  KeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) {
    throw std::runtime_error("--tls-key " + path +
                             ": no unencrypted PEM private key in it (a key protected by a "
                             "passphrase cannot be reloaded unattended)");
  }
  return key;
}

void check_files(const ServerTls& tls) {
  const X509Ptr cert = read_certificate(tls.cert_file, "--tls-cert");
  const KeyPtr key = read_private_key(tls.key_file);
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    throw std::runtime_error("--tls-key " + tls.key_file + " is not the key of --tls-cert " +
                             tls.cert_file);
  }
  if (!tls.client_ca_file.empty()) read_certificate(tls.client_ca_file, "--tls-client-ca");
}

}  // namespace

std::shared_ptr<grpc::ServerCredentials> make_server_credentials(
    const std::optional<ServerTls>& tls) {
  if (!tls) return grpc::InsecureServerCredentials();
  check_files(*tls);
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      tls->key_file, tls->cert_file, tls->client_ca_file, tls->reload_seconds);
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_identity_key_cert_pairs();
  if (!tls->client_ca_file.empty()) {
    options.watch_root_certs();
    options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  } else {
    options.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  }
  return grpc::experimental::TlsServerCredentials(options);
}

}  // namespace orderstream::transport
