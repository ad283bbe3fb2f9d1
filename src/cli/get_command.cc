// get: reads orders back (GetOrder), one call per id over one channel, each bounded by
// kDefaultUnaryDeadline unless --deadline says otherwise. An id that fails is reported on stderr
// and the others are still read, so one bad id in a list does not hide the rest; the exit code
// says whether any failed.
#include "cli/connection.h"
#include "cli/console.h"
#include "cli/exit_codes.h"
#include "cli/output.h"
#include "cli/rpc_commands.h"

namespace orderstream::cli {

int run_get(const ClientOptions& options, const GetArgs& args) {
  auto stub = make_stub(options);
  int exit_code = kExitOk;
  for (const std::string& id : args.order_ids) {
    ecommerce::orders::OrderID request;
    request.set_id(id);
    grpc::ClientContext context;
    apply_deadline(context, options, kDefaultUnaryDeadline);
    ecommerce::orders::OrderDetails details;
    const grpc::Status status = stub->GetOrder(&context, request, &details);
    if (!status.ok()) {
      exit_code = report_failed_call(status, /*interrupted=*/false);
      continue;
    }
    if (!write_line(format_order_details(details, options.output))) return kExitRpcError;
  }
  return exit_code;
}

}  // namespace orderstream::cli
