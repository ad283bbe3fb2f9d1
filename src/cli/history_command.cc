// history: a server stream printed record by record as it arrives, with no default deadline
// (a customer's history can be long); Ctrl-C cancels the call. The paging flags map one to one
// onto UserID's paging fields.
//
// --follow asks for the history with UserID.follow: the server sends it oldest first, then pushes
// each new event of the customer as it commits, on the same stream. A lost connection (the server
// restarted, a deploy, the network) is resumed after a backoff (cli/reconnect.h) by asking again
// with after_sequence = the last sequence printed: sequences become visible in commit order, so
// reading on from the last one printed never skips an event nor prints one twice.
//
// A server without the follow field ignores it and ends the stream OK after the history (or
// NOT_FOUND for a customer with no event yet), which a following server never does: the CLI then
// asks again after the last sequence printed every --follow-interval, with the same guarantee.
#include <algorithm>
#include <chrono>
#include <cstdio>

#include "cli/connection.h"
#include "cli/console.h"
#include "cli/exit_codes.h"
#include "cli/interrupt.h"
#include "cli/output.h"
#include "cli/reconnect.h"
#include "cli/rpc_commands.h"

namespace orderstream::cli {
namespace {

ecommerce::orders::UserID make_request(const HistoryArgs& args) {
  ecommerce::orders::UserID request;
  request.set_id(args.customer_id);
  request.set_after_sequence(args.after_sequence);
  request.set_before_sequence(args.before_sequence);
  request.set_limit(args.limit);
  request.set_oldest_first(args.oldest_first || args.follow);
  request.set_follow(args.follow);
  return request;
}

int run_once(const ClientOptions& options, const HistoryArgs& args) {
  auto stub = make_stub(options);
  grpc::ClientContext context;
  apply_deadline(context, options, std::nullopt);
  CancelOnInterrupt interrupt(context);
  auto reader = stub->GetOrderHistory(&context, make_request(args));
  ecommerce::orders::OrderEvent event;
  bool output_ok = true;
  while (reader->Read(&event)) {
    if (!write_line(format_order_event(event, options.output))) {
      output_ok = false;
      context.TryCancel();  // nobody reads what we print: stop the server's work too
      break;
    }
  }
  const grpc::Status status = reader->Finish();
  if (!output_ok) return kExitRpcError;
  if (!status.ok()) return report_failed_call(status, interrupt.interrupted());
  return kExitOk;
}

int run_follow(const ClientOptions& options, const HistoryArgs& args) {
  CancelOnInterrupt interrupt;
  std::optional<std::chrono::system_clock::time_point> deadline;
  if (options.deadline) deadline = std::chrono::system_clock::now() + *options.deadline;
  Reconnector connection(options, {.max_reconnects = args.max_reconnects}, deadline, interrupt);
  connection.connect_first();
  HistoryArgs next = args;  // after_sequence: the last sequence printed
  for (;;) {
    grpc::ClientContext context;
    connection.apply_deadline(context);
    interrupt.attach(&context);
    auto reader = connection.stub().GetOrderHistory(&context, make_request(next));
    ecommerce::orders::OrderEvent event;
    bool output_ok = true;
    while (reader->Read(&event)) {
      connection.made_progress();
      if (event.sequence() <= next.after_sequence) continue;  // never printed twice
      if (!write_line(format_order_event(event, options.output))) {
        output_ok = false;
        context.TryCancel();
        break;
      }
      next.after_sequence = event.sequence();
    }
    const grpc::Status status = reader->Finish();
    interrupt.attach(nullptr);
    if (!output_ok) return kExitRpcError;
    const bool deadline_ended =
        status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED || connection.deadline_passed();
    if (interrupt.interrupted()) {
      return report_failed_call(
          status.ok() ? grpc::Status(grpc::StatusCode::CANCELLED, "Cancelled") : status, true);
    }
    // --deadline bounds a follow, as it bounds a watch: a normal end.
    if (deadline_ended && deadline) return kExitOk;
    if (status.ok() || status.error_code() == grpc::StatusCode::NOT_FOUND) {
      // A server that does not push (a following stream never ends OK or NOT_FOUND): caught up
      // (NOT_FOUND: the customer has no event yet); ask again after the interval.
      auto wait = args.follow_interval;
      if (deadline) {
        wait = std::min(wait, std::chrono::duration_cast<std::chrono::milliseconds>(
                                  *deadline - std::chrono::system_clock::now()));
      }
      if (!interrupt.wait_for(std::max(wait, std::chrono::milliseconds(0)))) {
        return report_failed_call({grpc::StatusCode::CANCELLED, "Cancelled"}, true);
      }
      if (connection.deadline_passed()) return kExitOk;
      continue;
    }
    if (auto exit_code = connection.resume_after("history", status)) return *exit_code;
  }
}

}  // namespace

int run_history(const ClientOptions& options, const HistoryArgs& args) {
  return args.follow ? run_follow(options, args) : run_once(options, args);
}

}  // namespace orderstream::cli
