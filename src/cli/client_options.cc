#include "cli/client_options.h"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

#include "cli/duration.h"

namespace orderstream::cli {
namespace {

constexpr const char* kGroup = "Connection and output";

// The whole file, for a flag naming a PEM file; a parse error naming the flag if unreadable.
std::string read_flag_file(const std::string& flag, const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in || text.str().empty()) throw CLI::ValidationError(flag, "cannot read " + path);
  return text.str();
}

}  // namespace

void add_client_options(CLI::App& command, ClientOptions& options) {
  command
      .add_option("--target", options.target,
                  std::string("Server address (default: $") + kTargetEnvironmentVariable +
                      " if set, else " + kDefaultTarget + ")")
      ->type_name("HOST:PORT")
      ->group(kGroup);

  const CLI::Validator duration_check(
      [](std::string& text) -> std::string {
        return parse_duration(text) ? "" : "expected a duration like 500ms, 5s, 2m or 1h";
      },
      "", "duration");
  command
      .add_option_function<std::string>(
          "--deadline",
          [&options](const std::string& text) { options.deadline = parse_duration(text); },
          "Deadline of the call, e.g. 500ms, 5s, 2m, 1h (default: 10s for create and "
          "set-status, none for history, import and watch)")
      ->check(duration_check)
      ->type_name("DURATION")
      ->group(kGroup);

  command
      .add_option_function<std::string>(
          "--output",
          [&options](const std::string& name) { options.output = *parse_output_format(name); },
          "Output format: text (one line per record) or json (one JSON object per line)")
      ->check(CLI::IsMember({"text", "json"}))
      ->type_name("FORMAT")
      ->default_str("text")
      ->group(kGroup);

  command
      .add_option("--max-message-bytes", options.max_message_bytes,
                  "Largest message the channel sends or receives, in bytes")
      ->check(CLI::Range(1, std::numeric_limits<int>::max()))
      ->type_name("BYTES")
      ->default_str(std::to_string(kDefaultMaxMessageBytes))
      ->group(kGroup);

  command.add_flag("--tls", options.tls, "Connect with TLS, trusting the system's CA roots")
      ->group(kGroup);
  command
      .add_option_function<std::string>(
          "--ca",
          [&options](const std::string& path) {
            options.ca_pem = read_flag_file("--ca", path);
            options.tls = true;
          },
          "PEM CA bundle that signed the server's certificate (implies --tls)")
      ->check(CLI::ExistingFile)
      ->type_name("FILE")
      ->group(kGroup);
  auto* cert = command
                   .add_option_function<std::string>(
                       "--cert",
                       [&options](const std::string& path) {
                         options.cert_pem = read_flag_file("--cert", path);
                         options.tls = true;
                       },
                       "PEM client certificate, for a server that requires one (mutual TLS; "
                       "implies --tls)")
                   ->check(CLI::ExistingFile)
                   ->type_name("FILE")
                   ->group(kGroup);
  auto* key = command
                  .add_option_function<std::string>(
                      "--key",
                      [&options](const std::string& path) {
                        options.key_pem = read_flag_file("--key", path);
                      },
                      "PEM private key of --cert")
                  ->check(CLI::ExistingFile)
                  ->type_name("FILE")
                  ->group(kGroup);
  cert->needs(key);
  key->needs(cert);

  if (const char* token = std::getenv("ORDERSTREAM_TOKEN")) options.token = token;
  command
      .add_option_function<std::string>(
          "--token-file",
          [&options](const std::string& path) {
            std::string token = read_flag_file("--token-file", path);
            while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) {
              token.pop_back();
            }
            if (token.empty()) throw CLI::ValidationError("--token-file", path + " is empty");
            options.token = std::move(token);
          },
          "File holding the bearer token to authenticate with (default: the ORDERSTREAM_TOKEN "
          "environment variable)")
      ->type_name("FILE")
      ->group(kGroup);
}

}  // namespace orderstream::cli
