// create and set-status: one request, one answer, bounded by kDefaultUnaryDeadline unless
// --deadline says otherwise. Ctrl-C keeps its default effect (the call is short).
#include <algorithm>
#include <cctype>

#include "cli/connection.h"
#include "cli/console.h"
#include "cli/exit_codes.h"
#include "cli/output.h"
#include "cli/rpc_commands.h"

namespace orderstream::cli {

int run_create(const ClientOptions& options, const CreateArgs& args) {
  ecommerce::orders::Order order;
  order.set_order_id(args.order_id);
  order.set_customer_id(args.customer_id);
  order.set_total(args.total);

  auto stub = make_stub(options);
  grpc::ClientContext context;
  apply_deadline(context, options, kDefaultUnaryDeadline);
  ecommerce::orders::OrderResponse response;
  const grpc::Status status = stub->CreateOrder(&context, order, &response);
  if (!status.ok()) return report_failed_call(status, /*interrupted=*/false);
  return write_line(format_order_response(response, options.output)) ? kExitOk : kExitRpcError;
}

int run_set_status(const ClientOptions& options, const SetStatusArgs& args) {
  ecommerce::orders::OrderStatusChange change;
  change.set_order_id(args.order_id);
  std::string status_name = args.status;
  // Statuses are upper-case on the wire; accepting "shipped" spares the user a retry.
  std::transform(status_name.begin(), status_name.end(), status_name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  change.set_status(status_name);

  auto stub = make_stub(options);
  grpc::ClientContext context;
  apply_deadline(context, options, kDefaultUnaryDeadline);
  ecommerce::orders::OrderUpdate update;
  const grpc::Status status = stub->UpdateOrderStatus(&context, change, &update);
  if (!status.ok()) return report_failed_call(status, /*interrupted=*/false);
  return write_line(format_order_update(update, options.output)) ? kExitOk : kExitRpcError;
}

}  // namespace orderstream::cli
