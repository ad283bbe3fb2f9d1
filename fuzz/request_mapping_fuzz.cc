// libFuzzer target: request validation and the mapping between the wire and the domain, on
// arbitrary bytes parsed as each request message. Checks properties, not only crashes: the two
// ways of mapping an order agree, validation names a reason whenever it refuses, a parsed status
// reads back as itself, and a domain object mapped to the wire and parsed again keeps its ids
// (when they are UTF-8, which proto3 strings must be and every stored id is, since requests that
// are not do not parse).
#include <fuzzer/FuzzedDataProvider.h>
#include <google/protobuf/stubs/common.h>
#include <google/protobuf/stubs/logging.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "domain/order_status.h"
#include "domain/order_validation.h"
#include "order_service.pb.h"
#include "transport/proto_mapping.h"

namespace {

namespace pb = ::ecommerce::orders;
using namespace orderstream;

void check(bool condition) {
  if (!condition) std::abort();
}

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

void fuzz_order(const std::string& bytes) {
  pb::Order wire;
  if (!wire.ParseFromString(bytes)) return;
  const NewOrder order = transport::to_new_order(wire);
  NewOrder reused{"previous id", "previous customer", 1.0F};
  transport::assign_new_order(wire, reused);
  check(order.id == reused.id && order.customer_id == reused.customer_id);
  const auto reason = validate_new_order(order);
  const auto error = invalid_order_error(order);
  check(reason.has_value() == error.has_value());
  if (reason) check(!reason->empty());
  if (error) {
    const grpc::Status status = transport::to_grpc_status(*error);
    check(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  }
}

void fuzz_status_change(const std::string& bytes) {
  pb::OrderStatusChange change;
  if (!change.ParseFromString(bytes)) return;
  if (const auto status = parse_order_status(change.status())) {
    check(to_string(*status) == upper(change.status()));
  }
}

void fuzz_ids(const std::string& bytes) {
  pb::OrderID id;
  pb::UserID user;
  (void)id.ParseFromString(bytes);
  (void)user.ParseFromString(bytes);
}

// Domain objects with fuzzed fields, mapped to the wire and parsed back.
void fuzz_outgoing(FuzzedDataProvider& input) {
  Order order;
  order.id = input.ConsumeRandomLengthString(256);
  order.customer_id = input.ConsumeRandomLengthString(256);
  order.total = input.ConsumeFloatingPoint<float>();
  order.status = static_cast<OrderStatus>(input.ConsumeIntegralInRange(0, 3));
  order.created_at_ms = input.ConsumeIntegral<int64_t>();
  order.updated_at_ms = input.ConsumeIntegral<int64_t>();
  order.sequence = input.ConsumeIntegral<int64_t>();

  if (!google::protobuf::internal::IsStructurallyValidUTF8(order.id.data(),
                                                           static_cast<int>(order.id.size())) ||
      !google::protobuf::internal::IsStructurallyValidUTF8(
          order.customer_id.data(), static_cast<int>(order.customer_id.size()))) {
    return;
  }
  pb::OrderResponse response;
  transport::fill_response(order, &response);
  pb::OrderResponse response_back;
  check(response_back.ParseFromString(response.SerializeAsString()));
  check(response_back.order_id() == order.id);

  const OrderEvent event = latest_event_of(order);
  pb::OrderEvent wire_event;
  transport::fill_event(event, &wire_event);
  pb::OrderEvent event_back;
  check(event_back.ParseFromString(wire_event.SerializeAsString()));
  check(event_back.order_id() == order.id && event_back.sequence() == event.sequence);

  pb::OrderUpdate update;
  transport::fill_update(event, &update);
  transport::assign_update(order.id,
                           input.ConsumeBool() ? std::optional(order.status) : std::nullopt,
                           order.updated_at_ms, order.sequence, update);
  pb::OrderUpdate update_back;
  check(update_back.ParseFromString(update.SerializeAsString()));
  check(update_back.order_id() == order.id);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  // Protobuf logs every string that is not UTF-8; the fuzzer makes millions.
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  const int which = input.ConsumeIntegralInRange(0, 3);
  if (which == 3) {
    fuzz_outgoing(input);
    return 0;
  }
  const std::string bytes = input.ConsumeRemainingBytesAsString();
  if (which == 0) fuzz_order(bytes);
  if (which == 1) fuzz_status_change(bytes);
  if (which == 2) fuzz_ids(bytes);
  return 0;
}
