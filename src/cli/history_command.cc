// history: a server stream printed record by record as it arrives, with no default deadline
// (a customer's history can be long); Ctrl-C cancels the call.
#include "cli/connection.h"
#include "cli/console.h"
#include "cli/exit_codes.h"
#include "cli/interrupt.h"
#include "cli/output.h"
#include "cli/rpc_commands.h"

namespace orderstream::cli {

int run_history(const ClientOptions& options, const HistoryArgs& args) {
  ecommerce::orders::UserID request;
  request.set_id(args.customer_id);

  auto stub = make_stub(options);
  grpc::ClientContext context;
  apply_deadline(context, options, std::nullopt);
  CancelOnInterrupt interrupt(context);
  auto reader = stub->GetOrderHistory(&context, request);
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

}  // namespace orderstream::cli
