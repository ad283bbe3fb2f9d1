#include "observability/call_interceptor.h"

#include <google/protobuf/descriptor.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/byte_buffer.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "common/log.h"
#include "order_service.pb.h"
#include "transport/request_parsing.h"

namespace orderstream::observability {
namespace {

namespace pb = ::ecommerce::orders;
using grpc::experimental::InterceptionHookPoints;

// A unary call answers in about a millisecond; streams run for seconds to hours.
const prometheus::Histogram::BucketBoundaries kCallSeconds = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
    0.5,    1,     2.5,    5,     10,   30,    60,   300, 3600};

// Customer ids are at most 128 bytes when valid; a rejected request may carry anything.
constexpr std::size_t kMaxLoggedBytes = 128;

std::string truncated(const std::string& text) {
  return text.size() <= kMaxLoggedBytes ? text : text.substr(0, kMaxLoggedBytes) + "...";
}

const char* code_name(int code) {
  static constexpr const char* kNames[] = {"OK",
                                           "CANCELLED",
                                           "UNKNOWN",
                                           "INVALID_ARGUMENT",
                                           "DEADLINE_EXCEEDED",
                                           "NOT_FOUND",
                                           "ALREADY_EXISTS",
                                           "PERMISSION_DENIED",
                                           "RESOURCE_EXHAUSTED",
                                           "FAILED_PRECONDITION",
                                           "ABORTED",
                                           "OUT_OF_RANGE",
                                           "UNIMPLEMENTED",
                                           "INTERNAL",
                                           "UNAVAILABLE",
                                           "DATA_LOSS",
                                           "UNAUTHENTICATED"};
  return code >= 0 && code < 17 ? kNames[code] : "UNKNOWN";
}

std::string format_milliseconds(std::chrono::nanoseconds duration) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", static_cast<double>(duration.count()) / 1e6);
  return text;
}

class CallInterceptor final : public grpc::experimental::Interceptor {
 public:
  CallInterceptor(CallInterceptorFactory& factory, const CallInterceptorFactory::Method& method,
                  grpc::experimental::ServerRpcInfo& info)
      : factory_(factory),
        method_(method),
        info_(info),
        streaming_(method.open_streams != nullptr &&
                   info.type() != grpc::experimental::ServerRpcInfo::Type::UNARY) {
    if (streaming_) method_.open_streams->Increment();
  }

  ~CallInterceptor() override {
    // A call that ended without a status sent was cancelled before it could answer.
    if (!finished_) finish(grpc::StatusCode::CANCELLED);
    if (streaming_) method_.open_streams->Decrement();
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      // Null when the read failed (the client half-closed or went away).
      if (const void* message = methods->GetRecvMessage(); message != nullptr) {
        // The request of a unary or server-streaming call arrives before its handler runs, so
        // the customer is set before anything that reads it.
        method_.received.add(1);
        if (received_.fetch_add(1, std::memory_order_relaxed) == 0 && method_.customer_of &&
            log_enabled(LogLevel::kInfo)) {
          customer_ = method_.customer_of(message);
        }
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_MESSAGE)) {
      sent_.fetch_add(1, std::memory_order_relaxed);
      method_.sent.add(1);
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      finish(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  void finish(grpc::StatusCode code) {
    finished_ = true;
    const auto duration = std::chrono::steady_clock::now() - start_;
    const auto received = received_.load(std::memory_order_relaxed);
    const auto sent = sent_.load(std::memory_order_relaxed);
    factory_.count_call(method_, code);
    method_.duration->Observe(std::chrono::duration<double>(duration).count());
    if (!log_enabled(LogLevel::kInfo)) return;
    const char* path = info_.method();
    const LogField fields[] = {
        {"method", truncated(path != nullptr ? path : "")},
        {"peer", info_.server_context()->peer()},
        {"customer", truncated(customer_)},
        {"code", code_name(code)},
        {"duration_ms", format_milliseconds(duration), true},
        {"messages_in", std::to_string(received), true},
        {"messages_out", std::to_string(sent), true},
    };
    log_fields(LogLevel::kInfo, "rpc", fields);
  }

  CallInterceptorFactory& factory_;
  const CallInterceptorFactory::Method& method_;
  grpc::experimental::ServerRpcInfo& info_;
  const bool streaming_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::atomic<uint64_t> received_{0};
  std::atomic<uint64_t> sent_{0};
  std::string customer_;
  // Set when the status goes out; read when gRPC destroys the interceptor, after the call ended.
  std::atomic<bool> finished_{false};
};

}  // namespace

CallInterceptorFactory::CallInterceptorFactory(prometheus::Registry& registry,
                                               std::span<const std::string> services)
    : calls_(prometheus::BuildCounter()
                 .Name("orderstream_rpcs_total")
                 .Help("Finished RPCs by method and gRPC status code")
                 .Register(registry)),
      duration_(prometheus::BuildHistogram()
                    .Name("orderstream_rpc_duration_seconds")
                    .Help("Duration of an RPC from its start until its status is sent")
                    .Register(registry)),
      open_streams_(prometheus::BuildGauge()
                        .Name("orderstream_open_streams")
                        .Help("Streaming RPCs open now, by method")
                        .Register(registry)) {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const auto& service_name : services) {
    const auto* service = pool->FindServiceByName(service_name);
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) {
      const auto* method = service->method(i);
      add_method(service->full_name(), method->name(),
                 method->client_streaming() || method->server_streaming());
    }
  }
  unknown_ = &add_method("unknown", "unknown", true);
  // The order service takes its requests as bytes and parses them itself
  // (transport/request_parsing.h), so what the interceptor sees is a grpc::ByteBuffer. The
  // customer comes from a parse of it, made only when the line is logged (about a microsecond
  // for an order, beside the line's own formatting and write).
  set_customer_of("/ecommerce.orders.OrderService/CreateOrder", [](const void* request) {
    pb::Order order;
    if (!transport::parse_request(*static_cast<const grpc::ByteBuffer*>(request), order))
      return std::string();
    return order.customer_id();
  });
  set_customer_of("/ecommerce.orders.OrderService/GetOrderHistory", [](const void* request) {
    pb::UserID user;
    if (!transport::parse_request(*static_cast<const grpc::ByteBuffer*>(request), user))
      return std::string();
    return user.id();
  });
}

void CallInterceptorFactory::set_customer_of(std::string_view path,
                                             std::string (*customer_of)(const void* request)) {
  if (const auto it = methods_.find(path); it != methods_.end())
    it->second->customer_of = customer_of;
}

CallInterceptorFactory::Method& CallInterceptorFactory::add_method(const std::string& service,
                                                                   const std::string& name,
                                                                   bool streaming) {
  auto method = std::make_unique<Method>();
  method->service = service;
  method->name = name;
  const prometheus::Labels labels = {{"service", service}, {"method", name}};
  method->duration = &duration_.Add(labels, kCallSeconds);
  if (streaming) method->open_streams = &open_streams_.Add(labels);
  auto& added = *method;
  methods_.emplace("/" + service + "/" + name, std::move(method));
  return added;
}

grpc::experimental::Interceptor* CallInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  const char* path = info->method();
  const auto it = path != nullptr ? methods_.find(std::string_view(path)) : methods_.end();
  const Method& method = it != methods_.end() ? *it->second : *unknown_;
  return new CallInterceptor(*this, method, *info);  // gRPC owns and deletes it
}

std::vector<prometheus::MetricFamily> CallInterceptorFactory::Collect() const {
  prometheus::MetricFamily received{"orderstream_rpc_messages_received_total",
                                    "Messages received from clients, by method",
                                    prometheus::MetricType::Counter,
                                    {}};
  prometheus::MetricFamily sent{"orderstream_rpc_messages_sent_total",
                                "Messages sent to clients, by method",
                                prometheus::MetricType::Counter,
                                {}};
  for (const auto& [path, method] : methods_) {
    prometheus::ClientMetric metric;
    metric.label = {{"method", method->name}, {"service", method->service}};
    metric.counter.value = static_cast<double>(method->received.value());
    received.metric.push_back(metric);
    metric.counter.value = static_cast<double>(method->sent.value());
    sent.metric.push_back(std::move(metric));
  }
  return {std::move(received), std::move(sent)};
}

void CallInterceptorFactory::count_call(const Method& method, int code) {
  const std::size_t slot = code >= 0 && code < 17 ? static_cast<std::size_t>(code) : 2;
  auto* counter = method.calls_by_code[slot].load(std::memory_order_acquire);
  if (counter == nullptr) {
    // Family::Add returns the one series of these labels, so racing threads agree.
    counter = &calls_.Add(
        {{"service", method.service}, {"method", method.name}, {"code", code_name(code)}});
    method.calls_by_code[slot].store(counter, std::memory_order_release);
  }
  counter->Increment();
}

}  // namespace orderstream::observability
