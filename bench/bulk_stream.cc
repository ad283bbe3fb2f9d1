#include "bench/bulk_stream.h"

#include <algorithm>
#include <charconv>
#include <latch>
#include <thread>

namespace orderstream::bench {
namespace {

// How often (in orders) the writer looks at the safety deadline; the call's own gRPC deadline
// bounds a blocked Write in any case.
constexpr int64_t kDeadlineCheckEvery = 4096;

void write_stream(int stream, const OpenBulkStream& open, const FillOrder& fill,
                  const Deadline& deadline, std::latch& start, BulkStreamOutcome& out) {
  grpc::ClientContext context;
  context.set_deadline(deadline.system_time());
  const auto writer = open(stream, &context, &out.result);
  start.arrive_and_wait();
  ecommerce::orders::Order order;
  bool open_stream = true;
  out.first_write = Clock::now();
  for (int64_t i = 0; i < out.planned; ++i) {
    fill(stream, i, order);
    grpc::WriteOptions options;
    const bool last = i + 1 == out.planned;
    if (i % kFlushEvery != 0 && !last) options.set_buffer_hint();
    if (!writer->Write(order, options)) {
      open_stream = false;  // the call is over; Finish says why
      break;
    }
    ++out.written;
    if (i % kDeadlineCheckEvery == 0 && deadline.expired()) {
      context.TryCancel();
      open_stream = false;
      break;
    }
  }
  if (open_stream) writer->WritesDone();
  out.status = writer->Finish();
  out.response = Clock::now();
}

}  // namespace

BulkOrderMaker::BulkOrderMaker(const std::string& tag, const std::string& run_id, int streams,
                               int customers)
    : streams_(streams), id_buffers_(static_cast<std::size_t>(streams)) {
  for (int s = 0; s < streams; ++s) {
    prefixes_.push_back(tag + run_id + "-" + std::to_string(s) + "-");
  }
  for (int c = 0; c < customers; ++c) {
    customers_.push_back("bench-customer-" + std::to_string(c));
  }
}

void BulkOrderMaker::fill(int stream, int64_t index, ecommerce::orders::Order& order) {
  std::string& id = id_buffers_[stream];
  id.assign(prefixes_[stream]);
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, index).ptr;
  id.append(digits, end);
  order.set_order_id(id);
  const auto customer = (index * streams_ + stream) % static_cast<int64_t>(customers_.size());
  order.set_customer_id(customers_[customer]);
  order.set_total(static_cast<float>(10 + index % 90));
}

std::vector<std::string> BulkRunOutcome::problems() const {
  std::vector<std::string> problems;
  for (std::size_t s = 0; s < streams.size(); ++s) {
    const auto& stream = streams[s];
    const std::string name = "stream " + std::to_string(s) + ": ";
    if (!stream.status.ok()) {
      problems.push_back(name + "call failed with code " +
                         std::to_string(static_cast<int>(stream.status.error_code())) + ": " +
                         stream.status.error_message());
    } else if (stream.written != stream.planned) {
      problems.push_back(name + "wrote " + std::to_string(stream.written) + " of " +
                         std::to_string(stream.planned) + " orders");
    }
    for (const auto& message : stream.result.error_messages()) {
      problems.push_back(name + "server: " + message);
    }
  }
  return problems;
}

BulkRunOutcome run_bulk_streams(int streams, int64_t total_orders, const OpenBulkStream& open,
                                const FillOrder& fill, const Deadline& deadline) {
  BulkRunOutcome outcome;
  outcome.streams.resize(static_cast<std::size_t>(streams));
  for (int s = 0; s < streams; ++s) {
    outcome.streams[s].planned = total_orders / streams + (s < total_orders % streams ? 1 : 0);
  }
  std::latch start(streams);
  {
    std::vector<std::jthread> writers;
    writers.reserve(static_cast<std::size_t>(streams));
    for (int s = 0; s < streams; ++s) {
      writers.emplace_back(
          [&, s] { write_stream(s, open, fill, deadline, start, outcome.streams[s]); });
    }
  }  // joined
  outcome.first_write = outcome.streams.front().first_write;
  outcome.last_response = outcome.streams.front().response;
  for (const auto& stream : outcome.streams) {
    outcome.first_write = std::min(outcome.first_write, stream.first_write);
    outcome.last_response = std::max(outcome.last_response, stream.response);
    outcome.success_count += stream.result.success_count();
    outcome.failure_count += stream.result.failure_count();
  }
  return outcome;
}

}  // namespace orderstream::bench
