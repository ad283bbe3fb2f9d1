// The TLS identity a server presents, read from files and replaced without a restart: when
// reload() is called (orderstream-server calls it on SIGHUP) and, every `reload_seconds`, from a
// thread of its own when the files changed. gRPC asks for the identity at each new handshake
// (the SSL server credentials' certificate config fetcher), so a reload is used by the very next
// connection; connections already open keep the certificate they started with.
//
// Files are read whole and checked before they are used: a set that is not usable (a key that
// is not the certificate's, as when a renewal is caught between its two renames, or a file
// missing or not PEM) keeps the identity served so far; the watching thread logs why, once per
// distinct fault, and reload() tells its caller.
//
// gRPC 1.51's FileWatcherCertificateProvider re-reads files on its own timer only and offers no
// way to make it refresh now, so SIGHUP could not take effect at once with it.
#pragma once

#include <grpc/grpc_security.h>
#include <grpcpp/security/server_credentials.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace orderstream::transport {

struct ServerTls {
  std::string cert_file;       // PEM certificate chain, the server's own certificate first
  std::string key_file;        // PEM private key of that certificate
  std::string client_ca_file;  // PEM CA bundle; non-empty: clients must present a certificate
  // How often the files are checked for a change (0: only on reload()). Replace key and
  // certificate together (swap a directory symlink, or rename both into place); a check that
  // reads a new certificate with the old key keeps the old pair and retries at the next one.
  unsigned reload_seconds = 60;
};

class CertificateReloader {
 public:
  // Reads and checks the files; throws std::runtime_error naming the file at fault (missing,
  // unreadable, not PEM, key not matching the certificate).
  explicit CertificateReloader(ServerTls tls);
  ~CertificateReloader();  // stops the watching thread
  CertificateReloader(const CertificateReloader&) = delete;
  CertificateReloader& operator=(const CertificateReloader&) = delete;

  enum class Outcome {
    kChanged,    // usable and new: used from the next handshake on
    kUnchanged,  // the files hold the identity already served
    kRefused,    // not usable: the identity served so far stays
  };
  // Reads the files now; `why` gets the reason of a refusal, naming the file.
  Outcome reload(std::string* why = nullptr);

  const ServerTls& files() const { return tls_; }

  // Server credentials that take their identity from this reloader, which must outlive them
  // and every server they are given to.
  std::shared_ptr<grpc::ServerCredentials> credentials();

 private:
  struct Pem {
    std::string cert;
    std::string key;
    std::string client_ca;
    bool operator==(const Pem&) const = default;
  };

  // The files' contents, or why they cannot be used (naming the file).
  static Pem read_checked(const ServerTls& tls);
  // gRPC's certificate config fetcher: the pending identity, if any.
  static grpc_ssl_certificate_config_reload_status fetch(
      void* self, grpc_ssl_server_certificate_config** config);
  void watch();

  const ServerTls tls_;
  std::mutex reload_mutex_;  // one reload at a time, so an older read never replaces a newer one
  std::mutex mutex_;
  Pem latest_;                  // the newest usable files read; guarded by mutex_
  bool handed_over_ = false;    // gRPC has `latest_`; guarded by mutex_
  std::string last_rejection_;  // why the watcher last refused the files; its thread only
  bool stopping_ = false;       // guarded by mutex_
  std::condition_variable wake_;
  std::thread watcher_;
};

}  // namespace orderstream::transport
