#include "security/test_certificates.h"

#include <atomic>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "support/server_process.h"

namespace orderstream::testing {
namespace {

void openssl(std::vector<std::string> args) {
  args.insert(args.begin(), "/usr/bin/openssl");
  const CommandResult result = run_command(args, "", 30000);
  if (result.exit_code != 0) {
    std::string command;
    for (const auto& arg : args) command += arg + " ";
    throw std::runtime_error(command + "failed: " + result.err);
  }
}

}  // namespace

std::string read_text_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TestCertificates::TestCertificates(std::string dir, const std::string& ca_name)
    : dir_(std::move(dir)),
      ca_file_(dir_ + "/" + ca_name + ".pem"),
      ca_key_file_(dir_ + "/" + ca_name + ".key") {
  openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
           "-keyout", ca_key_file_, "-out", ca_file_, "-days", "2", "-subj", "/CN=" + ca_name});
}

CertificatePair TestCertificates::issue(const std::string& name) const {
  static std::atomic<int> serial{1000};
  const CertificatePair pair{dir_ + "/" + name + ".pem", dir_ + "/" + name + ".key"};
  const std::string request = dir_ + "/" + name + ".csr";
  const std::string extensions = dir_ + "/" + name + ".ext";
  std::ofstream(extensions) << "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                               "basicConstraints=CA:FALSE\n";
  openssl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
           "-keyout", pair.key_file, "-out", request, "-subj", "/CN=" + name});
  openssl({"x509", "-req", "-in", request, "-CA", ca_file_, "-CAkey", ca_key_file_, "-set_serial",
           std::to_string(serial.fetch_add(1)), "-days", "2", "-extfile", extensions, "-out",
           pair.cert_file});
  return pair;
}

}  // namespace orderstream::testing
