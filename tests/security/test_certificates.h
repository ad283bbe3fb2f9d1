// Throwaway certificates for the TLS tests, made at test time with the `openssl` command in a
// temporary directory: a CA, and certificates it signs for 127.0.0.1 and localhost. Nothing is
// checked in, so nothing expires in the repository.
#pragma once

#include <string>

namespace orderstream::testing {

struct CertificatePair {
  std::string cert_file;  // PEM certificate
  std::string key_file;   // PEM private key (unencrypted)
};

class TestCertificates {
 public:
  // Makes a CA named `ca_name` under `dir` (which must exist). Throws std::runtime_error with
  // openssl's output if it fails.
  TestCertificates(std::string dir, const std::string& ca_name);

  const std::string& ca_file() const { return ca_file_; }
  // A certificate with common name `name`, signed by this CA, valid for 127.0.0.1 and
  // localhost, written to <dir>/<name>.pem and <dir>/<name>.key.
  CertificatePair issue(const std::string& name) const;

 private:
  std::string dir_;
  std::string ca_file_;
  std::string ca_key_file_;
};

std::string read_text_file(const std::string& path);

}  // namespace orderstream::testing
