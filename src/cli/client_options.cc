#include "cli/client_options.h"

#include <limits>

#include "cli/duration.h"

namespace orderstream::cli {
namespace {

constexpr const char* kGroup = "Connection and output";

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
}

}  // namespace orderstream::cli
