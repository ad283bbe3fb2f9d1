// The credentials a server listens with: plaintext, or TLS from certificate files that gRPC
// watches and reloads when they change (a renewed certificate needs no restart), optionally
// requiring every client to present a certificate signed by a given CA (mutual TLS).
#pragma once

#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <optional>
#include <string>

namespace orderstream::transport {

struct ServerTls {
  std::string cert_file;       // PEM certificate chain, the server's own certificate first
  std::string key_file;        // PEM private key of that certificate
  std::string client_ca_file;  // PEM CA bundle; non-empty: clients must present a certificate
  // How often gRPC reads the files again; a change is used by the next handshake. Replace key
  // and certificate together (swap a directory symlink, or rename both into place) so that no
  // check reads a new certificate with the old key.
  unsigned reload_seconds = 60;
};

// Plaintext when `tls` is empty. Otherwise reads the files once to fail at start-up with a
// message naming the file (missing, unreadable, not PEM, key not matching the certificate)
// instead of failing every handshake later; throws std::runtime_error with that message.
std::shared_ptr<grpc::ServerCredentials> make_server_credentials(
    const std::optional<ServerTls>& tls);

}  // namespace orderstream::transport
