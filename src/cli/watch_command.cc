// watch: a bidirectional stream. The main thread reads and prints updates as they arrive; a
// writer thread sends the subscriptions: first the ids given as arguments, then, if "-" was
// given (or no id at all), ids read from stdin one per line as they come. The writer half-closes
// (WritesDone) only when stdin ends, and never when the ids came from arguments alone, so that
// the subscription lives until the server ends the stream, the deadline passes or Ctrl-C. The
// writer waits on stdin with poll() next to a self-pipe, so the main thread can stop it whenever
// the stream ends, even while stdin stays silent.
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>
#include <thread>

#include "cli/connection.h"
#include "cli/console.h"
#include "cli/exit_codes.h"
#include "cli/interrupt.h"
#include "cli/output.h"
#include "cli/rpc_commands.h"
#include "cli/self_pipe.h"
#include "cli/text.h"

namespace orderstream::cli {
namespace {

using Stream = grpc::ClientReaderWriter<ecommerce::orders::OrderID, ecommerce::orders::OrderUpdate>;

constexpr std::string_view kStdinMarker = "-";

bool send_id(Stream& stream, std::string_view id) {
  ecommerce::orders::OrderID message;
  message.set_id(std::string(id));
  return stream.Write(message);
}

// Sends every complete line of `buffer` as an id and keeps the unfinished tail.
bool send_lines(Stream& stream, std::string& buffer) {
  std::size_t start = 0;
  for (std::size_t newline; (newline = buffer.find('\n', start)) != std::string::npos;
       start = newline + 1) {
    const std::string_view id = trim(std::string_view(buffer).substr(start, newline - start));
    if (!id.empty() && !is_utf8(id)) {
      // The server would end the whole stream on it.
      std::fputs("watch: skipped an order id that is not UTF-8\n", stderr);
      continue;
    }
    if (!id.empty() && !send_id(stream, id)) return false;
  }
  buffer.erase(0, start);
  return true;
}

enum class StdinEvent { kData, kEnd, kStop };

// Waits until stdin has data or ends, or `stop_fd` is readable.
StdinEvent wait_for_stdin(int stop_fd) {
  pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {stop_fd, POLLIN, 0}};
  for (;;) {
    if (poll(fds, 2, -1) == -1) {
      if (errno == EINTR) continue;
      return StdinEvent::kEnd;
    }
    if (fds[1].revents != 0) return StdinEvent::kStop;
    if (fds[0].revents & (POLLIN | POLLHUP)) return StdinEvent::kData;
    if (fds[0].revents & (POLLERR | POLLNVAL)) return StdinEvent::kEnd;
  }
}

void write_subscriptions(Stream& stream, const std::vector<std::string>& ids, bool read_stdin,
                         int stop_fd) {
  for (const auto& id : ids) {
    if (id != kStdinMarker && !send_id(stream, id)) return;
  }
  if (!read_stdin) return;  // keep the write side open: the subscriptions stay as they are
  std::string buffer;
  char chunk[4096];
  for (;;) {
    const StdinEvent event = wait_for_stdin(stop_fd);
    if (event == StdinEvent::kStop) return;
    ssize_t n = 0;
    if (event == StdinEvent::kData) {
      n = read(STDIN_FILENO, chunk, sizeof chunk);
      if (n == -1 && (errno == EINTR || errno == EAGAIN)) continue;
    }
    if (n <= 0) {  // end of input (or a read error, treated alike)
      buffer += '\n';
      if (send_lines(stream, buffer)) stream.WritesDone();
      return;
    }
    buffer.append(chunk, static_cast<std::size_t>(n));
    if (!send_lines(stream, buffer)) return;
  }
}

}  // namespace

int run_watch(const ClientOptions& options, const WatchArgs& args) {
  bool read_stdin = args.order_ids.empty();
  for (const auto& id : args.order_ids) read_stdin = read_stdin || id == kStdinMarker;

  if (args.order_ids.empty() && isatty(STDIN_FILENO) == 1) {
    // Otherwise a person who forgot the ids sees a silent terminal.
    std::fputs(
        "watch: no order id given; reading ids from stdin, one per line (Ctrl-D ends the input, "
        "Ctrl-C stops)\n",
        stderr);
  }
  auto stub = make_stub(options);
  grpc::ClientContext context;
  apply_deadline(context, options, std::nullopt);
  CancelOnInterrupt interrupt(context);
  const auto stream = stub->NotifyOrderUpdates(&context);
  SelfPipe stop_writer;
  std::thread writer(
      [&] { write_subscriptions(*stream, args.order_ids, read_stdin, stop_writer.read_fd()); });

  ecommerce::orders::OrderUpdate update;
  bool output_ok = true;
  while (stream->Read(&update)) {
    if (!write_line(format_order_update(update, options.output))) {
      output_ok = false;
      context.TryCancel();
      break;
    }
  }
  // Read returned false: the call is over, so a Write blocked in the writer fails promptly too.
  stop_writer.notify();
  writer.join();
  const grpc::Status status = stream->Finish();
  if (!output_ok) return kExitRpcError;
  if (status.ok()) return kExitOk;
  // --deadline is how a watch is bounded, not a failure: "watch for 30s" ends normally.
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED && options.deadline &&
      !interrupt.interrupted()) {
    return kExitOk;
  }
  return report_failed_call(status, interrupt.interrupted());
}

}  // namespace orderstream::cli
