#include "cli/commands.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cli/client_options.h"
#include "cli/console.h"
#include "cli/duration.h"
#include "cli/exit_codes.h"
#include "cli/rpc_commands.h"
#include "cli/text.h"

namespace orderstream::cli {
namespace {

constexpr const char* kAppFooter =
    R"(Common options (before or after the command): --target HOST:PORT (default
127.0.0.1:50051, or $ORDERSTREAM_TARGET when set), --deadline DURATION (500ms, 5s, 2m, 1h;
default 10s per call for create, set-status and get, none for history, import and watch),
--output text|json, --max-message-bytes N (default 4 MiB).

Exit codes:
  0    success
  1    the call failed; stderr says "error: <STATUS_CODE>: <message>", e.g.
       "error: NOT_FOUND: Order X not found"; or the server's counts of an import
       do not add up to the records sent
  2    usage error: bad flags or arguments, an unknown command, an unreadable or
       malformed input file
  130  interrupted: Ctrl-C cancelled a history, import or watch call (stderr shows the
       CANCELLED status)

Run "orderstream <command> --help" for the options of a command.)";

constexpr const char* kGetFooter = R"(
Prints one line per id, in the order given: id, customer, total, status, seq=<sequence of the
last event>, created=<time>, updated=<time of the last status change>. An id that fails (e.g.
NOT_FOUND) is reported on stderr and the remaining ids are still read; the exit code is 1 if
any id failed.)";

constexpr const char* kHistoryFooter = R"(
Prints every event of every order of CUSTOMER, newest first, one line per event as it arrives.
--after and --before keep only the events with a greater or smaller sequence (exclusive), --limit
stops after N events, --oldest-first reverses the order. To page: newest first, run again with
--before <last seq printed>; oldest first, with --after <last seq printed>.

--follow prints the history oldest first (from --after, if given), then every new event of the
customer as the server pushes it on commit, until Ctrl-C or --deadline (a normal end: exit 0).
Nothing is printed twice or skipped: when the server cannot be reached the command reconnects with
jittered exponential backoff and asks for the events after the last sequence printed
(--max-reconnects bounds the attempts; default unlimited). A customer with no event yet is waited
for. Against a server too old to push (it ends the stream after the history), it asks again every
--follow-interval instead. No deadline unless --deadline is given; Ctrl-C cancels the call and
exits with 130.)";

constexpr const char* kImportFooter = R"(
FILE is CSV whose header names the columns order_id,customer_id,total (any order; fields may be
quoted as spreadsheets export them, RFC 4180),
or JSON Lines with one {"order_id": ..., "customer_id": ..., "total": ...} object per line
(unknown fields are ignored). The format comes from the extension (.csv, .jsonl, .ndjson) or
--format. "-" reads stdin, as CSV unless --format says otherwise.

Records are streamed to the server as they are read. A malformed record (a bad total, an id
that is not UTF-8, a record larger than --max-message-bytes) is not sent: it counts as a
failure and is reported as "line N: <reason>" next to the server's own errors (prefixed
"server: "). Prints success_count, failure_count and the errors; exits 0 whenever the call
itself succeeded, even if some orders failed, and 1 if the server's counts do not add up to
the records sent. With stderr on a terminal, progress is shown every
100,000 records. No deadline unless --deadline is given; Ctrl-C cancels (exit 130) and says
how many records were sent; running the same import again is then safe.)";

constexpr const char* kWatchFooter = R"(
Order ids come from the arguments. Give "-" as an id, or no id at all, to also read ids from
stdin, one per line, as they arrive; when stdin ends, the client closes its sending side but
keeps printing updates. Ids given only as arguments keep the subscription open. With stdin on a
terminal and no id given, the client says that it waits for ids.

Each order's first line is its current status, read when it is subscribed (an order that does
not exist yet: status UNKNOWN and seq=0); then every change is printed as it commits, each
exactly once and in order, however slowly the output is read. When the connection is lost (the
server restarts, the network drops) the watch reconnects by itself with jittered exponential
backoff and resumes each order from the last sequence printed, so nothing is missed or printed
twice; --max-reconnects N gives up after N attempts (default: unlimited; 0: never), exiting 1.
The watch runs until --deadline passes (a normal end: exit 0), until Ctrl-C (exit 130), or until
the server ends the stream with an error it cannot resume from.)";

// Edit distance between two short words (command names), for "did you mean".
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The first argument that is neither an option nor an option's value: the command name, if the
// command line has one. Common options may come before it.
std::optional<std::string_view> command_word(int argc, char** argv) {
  static const std::set<std::string_view> kTakesValue = {
      "--target", "--deadline", "--output", "--max-message-bytes",
      "--ca",     "--cert",     "--key",    "--token-file"};
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--")
      return i + 1 < argc ? std::optional(std::string_view(argv[i + 1])) : std::nullopt;
    if (arg.starts_with("-")) {
      if (kTakesValue.contains(arg)) ++i;
      continue;
    }
    return arg;
  }
  return std::nullopt;
}

// "unknown command 'crate'; did you mean 'create'?" for a command name CLI11 would only call an
// unexpected argument; nullopt when `word` is a command.
std::optional<std::string> unknown_command(std::string_view word, const CLI::App& app) {
  std::string closest;
  std::size_t best = 3;  // suggest nothing further than two edits away
  std::string names;
  for (const CLI::App* command : app.get_subcommands([](const CLI::App*) { return true; })) {
    const std::string& name = command->get_name();
    if (name == word) return std::nullopt;
    names += (names.empty() ? "" : ", ") + name;
    const std::size_t distance = edit_distance(word, name);
    if (distance < best || (name.starts_with(word) && closest.empty())) {
      best = std::min(best, distance);
      closest = name;
    }
  }
  std::string message = "unknown command '" + std::string(word) + "'";
  if (!closest.empty()) return message + "; did you mean '" + closest + "'?";
  return message + "; the commands are " + names;
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{
      "Command-line client of the orderstream order service (ecommerce.orders.OrderService).",
      "orderstream"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "orderstream " ORDERSTREAM_VERSION);
  app.footer(kAppFooter);
  app.get_formatter()->column_width(32);

  // Only one subcommand runs, so the commands share one set of client options, which may be
  // given before the command name too.
  ClientOptions options;
  if (const char* target = std::getenv(kTargetEnvironmentVariable); target && *target) {
    options.target = target;
  }
  add_client_options(app, options);
  std::function<int()> action;
  // The server refuses a string that is not UTF-8 (proto3); say so before calling it.
  const CLI::Validator duration_check(
      [](std::string& text) -> std::string {
        return parse_duration(text) ? "" : "expected a duration like 500ms, 5s, 2m or 1h";
      },
      "", "duration");
  const CLI::Validator utf8(
      [](std::string& text) -> std::string { return is_utf8(text) ? "" : "not valid UTF-8"; }, "",
      "utf8");

  CreateArgs create_args;
  CLI::App* create = app.add_subcommand(
      "create", "Create an order (CreateOrder); prints its id, status and creation time");
  create->add_option("--customer", create_args.customer_id, "Customer id")->required()->check(utf8);
  create->add_option("--total", create_args.total, "Order total")->required();
  create
      ->add_option("--id", create_args.order_id,
                   "Order id (default: the server assigns ORD-<24 hex digits>)")
      ->check(utf8);
  add_client_options(*create, options);
  create->callback([&] { action = [&] { return run_create(options, create_args); }; });

  SetStatusArgs status_args;
  CLI::App* set_status = app.add_subcommand(
      "set-status",
      "Move an order to STATUS (UpdateOrderStatus): CREATED -> SHIPPED -> DELIVERED, or "
      "CANCELLED before delivery; prints the resulting update");
  set_status->add_option("ID", status_args.order_id, "Order id")->required()->check(utf8);
  set_status->add_option("STATUS", status_args.status, "New status (case-insensitive)")
      ->required()
      ->check(utf8);
  add_client_options(*set_status, options);
  set_status->callback([&] { action = [&] { return run_set_status(options, status_args); }; });

  GetArgs get_args;
  CLI::App* get = app.add_subcommand(
      "get", "Read orders back (GetOrder): customer, total, status, times and last sequence");
  get->add_option("ID", get_args.order_ids, "Order ids")->required();
  get->footer(kGetFooter);
  add_client_options(*get, options);
  get->callback([&] { action = [&] { return run_get(options, get_args); }; });

  HistoryArgs history_args;
  CLI::App* history = app.add_subcommand(
      "history", "Stream the events of a customer's orders (GetOrderHistory), newest first");
  history->add_option("CUSTOMER", history_args.customer_id, "Customer id")->required()->check(utf8);
  history
      ->add_option("--after", history_args.after_sequence,
                   "Only events with a sequence greater than SEQ")
      ->type_name("SEQ")
      ->check(CLI::NonNegativeNumber);
  CLI::Option* before = history
                            ->add_option("--before", history_args.before_sequence,
                                         "Only events with a sequence smaller than SEQ")
                            ->type_name("SEQ")
                            ->check(CLI::PositiveNumber);
  CLI::Option* limit = history->add_option("--limit", history_args.limit, "At most N events")
                           ->type_name("N")
                           ->check(CLI::PositiveNumber);
  history->add_flag("--oldest-first", history_args.oldest_first,
                    "Oldest first (increasing sequence) instead of newest first");
  CLI::Option* follow =
      history->add_flag("--follow", history_args.follow,
                        "Then print new events as they commit; reconnects by itself");
  follow->excludes(before)->excludes(limit);
  history
      ->add_option_function<std::string>(
          "--follow-interval",
          [&](const std::string& text) { history_args.follow_interval = *parse_duration(text); },
          "With --follow, only against a server that does not push new events: how often "
          "to ask for them (default 500ms)")
      ->check(duration_check)
      ->type_name("DURATION");
  history
      ->add_option("--max-reconnects", history_args.max_reconnects,
                   "With --follow: give up after N reconnect attempts (default: unlimited)")
      ->type_name("N")
      ->check(CLI::NonNegativeNumber);
  history->footer(kHistoryFooter);
  add_client_options(*history, options);
  history->callback([&] { action = [&] { return run_history(options, history_args); }; });

  ImportArgs import_args;
  CLI::App* import_command = app.add_subcommand(
      "import", "Stream orders from a CSV or JSON Lines file (ProcessBulkOrders)");
  import_command->add_option("FILE", import_args.path, "Input file, or - for stdin")->required();
  import_command
      ->add_option_function<std::string>(
          "--format",
          [&](const std::string& name) { import_args.format = parse_import_format(name); },
          "Input format (default: from the extension; csv for stdin)")
      ->check(CLI::IsMember({"csv", "jsonl", "ndjson"}));
  import_command->footer(kImportFooter);
  add_client_options(*import_command, options);
  import_command->callback([&] { action = [&] { return run_import(options, import_args); }; });

  WatchArgs watch_args;
  CLI::App* watch = app.add_subcommand(
      "watch", "Subscribe to orders' status changes (NotifyOrderUpdates) and print them live");
  watch->add_option("ID", watch_args.order_ids, "Order ids; - (or none) also reads ids from stdin")
      ->check(utf8);
  watch
      ->add_option("--max-reconnects", watch_args.max_reconnects,
                   "Give up after N reconnect attempts (default: unlimited; 0: never reconnect)")
      ->type_name("N")
      ->check(CLI::NonNegativeNumber);
  watch->footer(kWatchFooter);
  add_client_options(*watch, options);
  watch->callback([&] { action = [&] { return run_watch(options, watch_args); }; });

  if (const auto word = command_word(argc, argv)) {
    if (auto unknown = unknown_command(*word, app)) {
      print_error(*unknown + " (orderstream --help lists the commands)");
      return kExitUsage;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // CLI11 prints help or the version (exit code 0) or the error; every parse error is a usage
    // error to us.
    return app.exit(error) == 0 ? kExitOk : kExitUsage;
  }
  return action ? action() : kExitUsage;
}

}  // namespace orderstream::cli
