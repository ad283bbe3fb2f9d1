#include "observability/call_interceptor.h"

#include <google/protobuf/descriptor.h>
#include <grpcpp/server_context.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "common/log.h"
#include "order_service.grpc.pb.h"

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

using Method = CallInterceptorFactory::Method;

// One call's counts and its end, however they are reported: the series of its method and the
// log line. Messages may be counted from two threads at once (a bidirectional stream); the end
// is recorded once.
class CallRecord {
 public:
  CallRecord(CallInterceptorFactory& factory, const Method& method, bool streaming)
      : factory_(factory), method_(method), streaming_(streaming) {
    if (streaming_) method_.open_streams->Increment();
  }
  ~CallRecord() {
    if (streaming_) method_.open_streams->Decrement();
  }
  CallRecord(const CallRecord&) = delete;
  CallRecord& operator=(const CallRecord&) = delete;

  const Method& method() const { return method_; }
  bool finished() const { return finished_; }

  void received() {
    method_.received.add(1);
    received_.fetch_add(1, std::memory_order_relaxed);
  }
  void sent() {
    sent_.fetch_add(1, std::memory_order_relaxed);
    method_.sent.add(1);
  }
  void set_customer(std::string customer) { customer_ = std::move(customer); }

  // Counts and times the call and writes its line, which names the call by `path` ("/pkg.Service/
  // Method" as the client sent it); `peer()` is asked only for the line.
  template <typename Peer>
  void finish(int code, std::string_view path, Peer peer) {
    finished_ = true;
    const auto duration = std::chrono::steady_clock::now() - start_;
    factory_.count_call(method_, code);
    method_.duration->Observe(std::chrono::duration<double>(duration).count());
    if (!log_enabled(LogLevel::kInfo)) return;
    const LogField fields[] = {
        {"method", truncated(std::string(path))},
        {"peer", peer()},
        {"customer", truncated(customer_)},
        {"code", code_name(code)},
        {"duration_ms", format_milliseconds(duration), true},
        {"messages_in", std::to_string(received_.load(std::memory_order_relaxed)), true},
        {"messages_out", std::to_string(sent_.load(std::memory_order_relaxed)), true},
    };
    log_fields(LogLevel::kInfo, "rpc", fields);
  }

 private:
  CallInterceptorFactory& factory_;
  const Method& method_;
  const bool streaming_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::atomic<uint64_t> received_{0};
  std::atomic<uint64_t> sent_{0};
  std::string customer_;
  // Set when the status goes out; read when the call's record is destroyed, after it ended.
  std::atomic<bool> finished_{false};
};

class CallInterceptor final : public grpc::experimental::Interceptor {
 public:
  CallInterceptor(CallInterceptorFactory& factory, const Method& method,
                  grpc::experimental::ServerRpcInfo& info)
      : info_(info),
        record_(factory, method,
                method.open_streams != nullptr &&
                    info.type() != grpc::experimental::ServerRpcInfo::Type::UNARY) {}

  ~CallInterceptor() override {
    // A call that ended without a status sent was cancelled before it could answer.
    if (!record_.finished()) finish(grpc::StatusCode::CANCELLED);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      // Null when the read failed (the client half-closed or went away).
      if (methods->GetRecvMessage() != nullptr) record_.received();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_MESSAGE)) {
      record_.sent();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      finish(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  void finish(int code) {
    const char* path = info_.method();
    record_.finish(code, path != nullptr ? path : "",
                   [this] { return info_.server_context()->peer(); });
  }

  grpc::experimental::ServerRpcInfo& info_;
  CallRecord record_;
};

// A call of the order service, as its handler and reactor report it.
class ReportedCall final : public transport::ObservedCall {
 public:
  ReportedCall(CallInterceptorFactory& factory, const Method& method, std::string_view path,
               std::string peer)
      : path_(path),
        peer_(std::move(peer)),
        record_(factory, method, method.open_streams != nullptr) {}
  ~ReportedCall() override {
    if (!record_.finished()) finished(grpc::StatusCode::CANCELLED);
  }

  void received() override { record_.received(); }
  void sent() override { record_.sent(); }
  void set_customer(std::string customer) override { record_.set_customer(std::move(customer)); }
  void finished(int grpc_code) override {
    record_.finish(grpc_code, path_, [this] { return peer_; });
  }

 private:
  const std::string path_;
  const std::string peer_;
  CallRecord record_;
};

}  // namespace

CallInterceptorFactory::CallInterceptorFactory(prometheus::Registry& registry,
                                               std::span<const std::string> services,
                                               std::span<const std::string> unobserved)
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
      const bool streaming = method->client_streaming() || method->server_streaming();
      add_method(service->full_name(), method->name(), streaming).reported_by_transport =
          service->full_name() == pb::OrderService::service_full_name();
    }
  }
  unknown_ = &add_method("unknown", "unknown", true);
  for (const auto& service : unobserved) unobserved_prefixes_.push_back("/" + service + "/");
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
  const std::string_view path = info->method() != nullptr ? info->method() : "";
  const auto it = methods_.find(path);
  const Method& method = it != methods_.end() ? *it->second : *unknown_;
  if (method.reported_by_transport) return nullptr;
  for (const auto& prefix : unobserved_prefixes_) {
    if (path.starts_with(prefix)) return nullptr;
  }
  return new CallInterceptor(*this, method, *info);  // gRPC owns and deletes it
}

std::unique_ptr<transport::ObservedCall> CallInterceptorFactory::started(std::string_view method,
                                                                         std::string peer) {
  const auto it = methods_.find(method);
  return std::make_unique<ReportedCall>(*this, it != methods_.end() ? *it->second : *unknown_,
                                        method, std::move(peer));
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
