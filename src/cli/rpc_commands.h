// One function per subcommand, each making its RPC and printing the outcome; they return the
// process exit code (see exit_codes.h). The command-line grammar that fills the argument structs
// lives in commands.cc.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/client_options.h"
#include "cli/import_reader.h"

namespace orderstream::cli {

struct CreateArgs {
  std::string customer_id;
  float total = 0;
  std::string order_id;  // empty: the server assigns one
};
int run_create(const ClientOptions& options, const CreateArgs& args);

struct SetStatusArgs {
  std::string order_id;
  std::string status;  // sent upper-cased
};
int run_set_status(const ClientOptions& options, const SetStatusArgs& args);

struct GetArgs {
  std::vector<std::string> order_ids;  // read back one after the other
};
int run_get(const ClientOptions& options, const GetArgs& args);

struct HistoryArgs {
  std::string customer_id;
  int64_t after_sequence = 0;   // 0: no lower bound
  int64_t before_sequence = 0;  // 0: no upper bound
  uint32_t limit = 0;           // 0: all
  bool oldest_first = false;
  bool follow = false;  // then the events after the last one printed, as they commit
  // --follow against a server that does not push (UserID.follow unknown to it): how often to ask.
  std::chrono::milliseconds follow_interval{500};
  std::optional<int> max_reconnects;  // unset: unlimited
};
int run_history(const ClientOptions& options, const HistoryArgs& args);

struct ImportArgs {
  std::string path;                    // "-" is stdin
  std::optional<ImportFormat> format;  // unset: from the extension (csv for stdin)
};
int run_import(const ClientOptions& options, const ImportArgs& args);

struct WatchArgs {
  std::vector<std::string> order_ids;  // may include "-": also read ids from stdin
  std::optional<int> max_reconnects;   // unset: unlimited
};
int run_watch(const ClientOptions& options, const WatchArgs& args);

}  // namespace orderstream::cli
