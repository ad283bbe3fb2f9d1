// import: streams the records of a CSV or JSON Lines file to ProcessBulkOrders as they are read,
// so memory stays flat whatever the file size. Writes carry the buffer hint, which lets gRPC
// coalesce many small messages into few frames; every kFlushEvery-th write (the first included,
// since it carries the initial metadata) and the last one go out plain to flush. Malformed
// records are never sent; they are counted and reported with the server's result, and so is a
// record too large for one message (it would end the whole call). The server's counts must add
// up to the records sent: otherwise some were lost, and the import fails.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

#include "cli/connection.h"
#include "cli/console.h"
#include "cli/exit_codes.h"
#include "cli/interrupt.h"
#include "cli/output.h"
#include "cli/rpc_commands.h"

namespace orderstream::cli {
namespace {

constexpr int64_t kFlushEvery = 512;
constexpr int64_t kProgressEvery = 100'000;

grpc::WriteOptions write_options_for(int64_t index) {
  grpc::WriteOptions options;
  if (index % kFlushEvery != 0) options.set_buffer_hint();
  return options;
}

// Progress lines on stderr, only for a person watching: a log file or a test harness would just
// collect noise.
class Progress {
 public:
  Progress() : enabled_(isatty(STDERR_FILENO) == 1) {}

  void record_read(int64_t local_failures) {
    if (++records_ % kProgressEvery != 0 || !enabled_) return;
    std::fprintf(stderr, "import: %lld records read, %lld rejected locally\n",
                 static_cast<long long>(records_), static_cast<long long>(local_failures));
  }

 private:
  bool enabled_;
  int64_t records_ = 0;
};

}  // namespace

int run_import(const ClientOptions& options, const ImportArgs& args) {
  const bool from_stdin = args.path == "-";
  const std::string source_name = from_stdin ? "stdin" : args.path;
  std::optional<ImportFormat> format = args.format;
  if (!format) format = from_stdin ? ImportFormat::kCsv : import_format_from_path(args.path);
  if (!format) {
    print_error("cannot tell the format of " + args.path +
                " from its extension; pass --format csv or --format jsonl");
    return kExitUsage;
  }
  std::ifstream file;
  if (!from_stdin) {
    file.open(args.path, std::ios::binary);
    if (!file) {
      print_error("cannot open " + args.path + ": " + std::strerror(errno));
      return kExitUsage;
    }
  }
  std::istream& in = from_stdin ? std::cin : file;
  std::string open_error;
  const auto reader = make_import_reader(in, *format, open_error);
  if (!reader) {
    print_error(source_name + ": " + open_error);
    return kExitUsage;
  }

  auto stub = make_stub(options);
  grpc::ClientContext context;
  apply_deadline(context, options, std::nullopt);
  CancelOnInterrupt interrupt(context);
  ImportSummary summary;
  const auto writer = stub->ProcessBulkOrders(&context, &summary.server);

  // One record of look-ahead: the last one must be written plain so that nothing is left in
  // gRPC's buffer when the stream is half-closed.
  ecommerce::orders::Order pending;
  ecommerce::orders::Order next;
  bool have_pending = false;
  bool stream_open = true;
  int64_t sent = 0;
  Progress progress;
  std::optional<std::string> input_error;
  for (;;) {
    ReadResult result = reader->next(next);
    if (result.kind == ReadResult::Kind::kEnd) break;
    if (result.kind == ReadResult::Kind::kFailed) {
      input_error = "line " + std::to_string(result.line + 1) + ": " + result.error;
      break;
    }
    if (result.kind == ReadResult::Kind::kOrder &&
        next.ByteSizeLong() > static_cast<std::size_t>(options.max_message_bytes)) {
      // gRPC would fail the whole call on it ("Sent message larger than max").
      result.kind = ReadResult::Kind::kMalformed;
      result.error = "record is " + std::to_string(next.ByteSizeLong()) +
                     " bytes, larger than the message limit of " +
                     std::to_string(options.max_message_bytes) + " bytes (--max-message-bytes)";
    }
    if (result.kind == ReadResult::Kind::kMalformed) {
      ++summary.local_failures;
      if (summary.local_errors.size() < kMaxLocalErrors) {
        summary.local_errors.push_back("line " + std::to_string(result.line) + ": " + result.error);
      }
      progress.record_read(summary.local_failures);
      continue;
    }
    progress.record_read(summary.local_failures);
    if (have_pending) {
      if (!writer->Write(pending, write_options_for(sent))) {
        stream_open = false;  // the call is over; Finish says why
        break;
      }
      ++sent;
    }
    pending.Swap(&next);
    have_pending = true;
  }

  if (input_error) {
    context.TryCancel();
    (void)writer->Finish();
    print_error(source_name + ": " + *input_error);
    return kExitUsage;
  }
  if (stream_open && have_pending) {
    stream_open = writer->Write(pending, grpc::WriteOptions());
    if (stream_open) ++sent;
  }
  if (stream_open) writer->WritesDone();
  const grpc::Status status = writer->Finish();
  if (!status.ok()) {
    if (interrupt.interrupted()) {
      print_error("import interrupted after " + std::to_string(sent) +
                  " records were sent; the orders the server committed are kept. Running the "
                  "same import again is safe: an order whose order_id exists is not created "
                  "twice (records without an order_id would be).");
    }
    return report_failed_call(status, interrupt.interrupted());
  }
  if (!write_line(format_import_summary(summary, options.output))) return kExitRpcError;
  const int64_t counted = int64_t{summary.server.success_count()} + summary.server.failure_count();
  if (counted != sent) {
    print_error("the server counted " + std::to_string(counted) + " orders but " +
                std::to_string(sent) +
                " were sent: some were not processed. Run the same import again (safe: an order "
                "whose order_id exists is not created twice).");
    return kExitRpcError;
  }
  return kExitOk;
}

}  // namespace orderstream::cli
