// watch: a bidirectional stream that survives restarts of the server. The main thread reads and
// prints updates as they arrive; per connection, a writer thread sends the subscriptions.
//
// Every order is watched in resume mode (OrderID.after_sequence), which the server serves
// without conflation: each change exactly once, in order. An order's first line is its current
// status, read with GetOrder just before it is subscribed (NOT_FOUND: UNKNOWN, seq=0) and
// subscribed after that sequence, so nothing between the read and the subscription is lost.
// When the stream fails with UNAVAILABLE the command opens a new connection (cli/reconnect.h) and
// subscribes every order again after the last sequence printed for it; the server sends what
// was missed, and the client drops anything at or below what it printed, so no line is printed
// twice or skipped.
//
// Ids come first from the arguments, then, if "-" was given (or no id at all), from stdin one
// per line as they come: a reader thread, alive across connections, queues them. When stdin ends
// the writer half-closes (WritesDone) once every id is subscribed; ids given only as arguments
// keep the write side open, so the subscription lives until the deadline or Ctrl-C. The reader
// waits on stdin with poll() next to a self-pipe, so it can be stopped whenever the command ends.
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include "cli/connection.h"
#include "cli/console.h"
#include "cli/exit_codes.h"
#include "cli/interrupt.h"
#include "cli/output.h"
#include "cli/reconnect.h"
#include "cli/rpc_commands.h"
#include "cli/self_pipe.h"
#include "cli/text.h"

namespace orderstream::cli {
namespace {

using Stream = grpc::ClientReaderWriter<ecommerce::orders::OrderID, ecommerce::orders::OrderUpdate>;
using Clock = std::chrono::system_clock;

constexpr std::string_view kStdinMarker = "-";

// What the threads share: the ids still to subscribe, and per order the last sequence printed.
class WatchState {
 public:
  void add(std::string id) {
    std::lock_guard lock(mutex_);
    pending_.push_back(std::move(id));
    changed_.notify_all();
  }
  void end_input() {
    std::lock_guard lock(mutex_);
    input_ended_ = true;
    changed_.notify_all();
  }
  // Wakes a writer waiting in next_pending (its connection is over).
  void stop_writer() {
    std::lock_guard lock(mutex_);
    writer_stop_ = true;
    changed_.notify_all();
  }
  void start_writer() {
    std::lock_guard lock(mutex_);
    writer_stop_ = false;
  }

  // The next id to subscribe; nullopt when the input ended and every id is subscribed, or the
  // writer must stop (`*stopped` then true).
  std::optional<std::string> next_pending(bool* stopped) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return writer_stop_ || !pending_.empty() || input_ended_; });
    *stopped = writer_stop_;
    if (writer_stop_ || pending_.empty()) return std::nullopt;
    std::string id = std::move(pending_.front());
    pending_.pop_front();
    return id;
  }
  // Puts back an id whose subscription did not happen (the connection broke).
  void retry_first(std::string id) {
    std::lock_guard lock(mutex_);
    pending_.push_front(std::move(id));
  }

  bool subscribed(const std::string& id) {
    std::lock_guard lock(mutex_);
    return last_printed_.contains(id);
  }
  // The orders subscribed so far, each with the last sequence printed for it.
  std::vector<std::pair<std::string, int64_t>> resume_points() {
    std::lock_guard lock(mutex_);
    std::vector<std::pair<std::string, int64_t>> points;
    points.reserve(subscription_order_.size());
    for (const auto& id : subscription_order_) points.emplace_back(id, last_printed_.at(id));
    return points;
  }

  // Prints `update` unless its order already had this sequence or a later one printed; records
  // the order as subscribed. False when the output cannot be written.
  bool print(const ecommerce::orders::OrderUpdate& update, OutputFormat format,
             bool* printed = nullptr) {
    std::lock_guard lock(mutex_);
    const auto [it, first] = last_printed_.try_emplace(update.order_id(), update.sequence());
    if (first) {
      subscription_order_.push_back(update.order_id());
    } else if (update.sequence() <= it->second) {
      if (printed != nullptr) *printed = false;
      return true;
    }
    it->second = update.sequence();
    if (printed != nullptr) *printed = true;
    return write_line(format_order_update(update, format));
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> pending_;
  bool input_ended_ = false;
  bool writer_stop_ = false;
  std::vector<std::string> subscription_order_;
  std::unordered_map<std::string, int64_t> last_printed_;
};

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

// Queues every complete line of `buffer` as an id and keeps the unfinished tail.
void queue_lines(WatchState& state, std::string& buffer) {
  std::size_t start = 0;
  for (std::size_t newline; (newline = buffer.find('\n', start)) != std::string::npos;
       start = newline + 1) {
    const std::string_view id = trim(std::string_view(buffer).substr(start, newline - start));
    if (!id.empty() && !is_utf8(id)) {
      // The server would end the whole stream on it.
      std::fputs("watch: skipped an order id that is not UTF-8\n", stderr);
      continue;
    }
    if (!id.empty()) state.add(std::string(id));
  }
  buffer.erase(0, start);
}

void read_stdin_ids(WatchState& state, int stop_fd) {
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
      queue_lines(state, buffer);
      state.end_input();
      return;
    }
    buffer.append(chunk, static_cast<std::size_t>(n));
    queue_lines(state, buffer);
  }
}

bool subscribe(Stream& stream, const std::string& id, std::optional<int64_t> after_sequence) {
  ecommerce::orders::OrderID message;
  message.set_id(id);
  if (after_sequence) message.set_after_sequence(*after_sequence);
  return stream.Write(message);
}

// One connection's subscriptions: the orders subscribed before, resumed after the last sequence
// printed, then each new id, acknowledged with its current status.
void write_subscriptions(Stream& stream, grpc::ClientContext& call, Reconnector& connection,
                         WatchState& state, const ClientOptions& options, bool half_close) {
  for (const auto& [id, last] : state.resume_points()) {
    if (!subscribe(stream, id, last)) return;
  }
  for (;;) {
    bool stopped = false;
    auto id = state.next_pending(&stopped);
    if (stopped) return;
    if (!id) break;
    if (state.subscribed(*id)) continue;  // given twice
    ecommerce::orders::OrderID request;
    request.set_id(*id);
    grpc::ClientContext context;
    context.set_deadline(Clock::now() + kDefaultUnaryDeadline);
    connection.apply_deadline(context);  // the command's own deadline, if sooner
    ecommerce::orders::OrderDetails details;
    const grpc::Status status = connection.stub().GetOrder(&context, request, &details);
    std::optional<int64_t> after;
    if (status.ok() || status.error_code() == grpc::StatusCode::NOT_FOUND) {
      ecommerce::orders::OrderUpdate current;
      current.set_order_id(*id);
      current.set_status(status.ok() ? details.status() : "UNKNOWN");
      current.set_updated_at(status.ok() ? details.updated_at() : 0);
      current.set_sequence(status.ok() ? details.sequence() : 0);
      if (!state.print(current, options.output)) {
        call.TryCancel();
        return;
      }
      after = current.sequence();
    } else if (is_reconnectable(status)) {
      state.retry_first(std::move(*id));
      call.TryCancel();  // the server is gone: end this connection and resume on the next
      return;
    }
    // Any other failure (an id the server refuses): subscribe as is, so that the stream ends
    // with the server's own answer.
    if (!subscribe(stream, *id, after)) return;
  }
  if (half_close) stream.WritesDone();
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
  WatchState state;
  for (const auto& id : args.order_ids) {
    if (id != kStdinMarker) state.add(id);
  }
  SelfPipe stop_reader;
  std::thread reader;
  if (read_stdin) {
    reader = std::thread([&] { read_stdin_ids(state, stop_reader.read_fd()); });
  } else {
    state.end_input();
  }
  struct JoinReader {
    SelfPipe& stop;
    std::thread& thread;
    ~JoinReader() {
      stop.notify();
      if (thread.joinable()) thread.join();
    }
  } join_reader{stop_reader, reader};

  CancelOnInterrupt interrupt;
  std::optional<Clock::time_point> deadline;
  if (options.deadline) deadline = Clock::now() + *options.deadline;
  Reconnector connection(options, {.max_reconnects = args.max_reconnects}, deadline, interrupt);
  connection.connect_first();
  for (;;) {
    grpc::ClientContext context;
    connection.apply_deadline(context);
    interrupt.attach(&context);
    const auto stream = connection.stub().NotifyOrderUpdates(&context);
    state.start_writer();
    std::thread writer(
        [&] { write_subscriptions(*stream, context, connection, state, options, read_stdin); });

    ecommerce::orders::OrderUpdate update;
    bool output_ok = true;
    while (stream->Read(&update)) {
      connection.made_progress();
      if (!state.print(update, options.output)) {
        output_ok = false;
        context.TryCancel();
        break;
      }
    }
    // Read returned false: the call is over, so a Write blocked in the writer fails promptly too.
    state.stop_writer();
    writer.join();
    const grpc::Status status = stream->Finish();
    interrupt.attach(nullptr);
    if (!output_ok) return kExitRpcError;
    if (interrupt.interrupted()) {
      return report_failed_call(
          status.ok() ? grpc::Status(grpc::StatusCode::CANCELLED, "Cancelled") : status, true);
    }
    if (status.ok()) return kExitOk;
    // --deadline is how a watch is bounded, not a failure: "watch for 30s" ends normally.
    if (deadline && (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
                     connection.deadline_passed())) {
      return kExitOk;
    }
    if (auto exit_code = connection.resume_after("watch", status)) return *exit_code;
  }
}

}  // namespace orderstream::cli
