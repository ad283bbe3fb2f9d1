#include "bench/history_streams.h"

#include <algorithm>
#include <latch>
#include <thread>

namespace orderstream::bench {
namespace {

constexpr int64_t kDeadlineCheckEvery = 4096;

void read_stream(int stream, int64_t expected, const OpenHistoryStream& open, bool check_order,
                 const Deadline& deadline, std::latch& start, HistoryStreamOutcome& out) {
  grpc::ClientContext context;
  context.set_deadline(deadline.system_time());
  start.arrive_and_wait();
  out.started = Clock::now();
  const auto reader = open(stream, &context);
  ecommerce::orders::OrderEvent event;
  int64_t previous_sequence = 0;
  while (reader->Read(&event)) {
    if (out.events == 0) out.first_event_ms = ms_between(out.started, Clock::now());
    ++out.events;
    if (out.events > expected) {
      out.problem = "more events than the " + std::to_string(expected) + " expected";
      context.TryCancel();
      break;
    }
    if (check_order && out.events > 1 && event.sequence() >= previous_sequence) {
      out.problem = "sequence " + std::to_string(event.sequence()) + " after " +
                    std::to_string(previous_sequence) + ": not strictly decreasing";
      context.TryCancel();
      break;
    }
    previous_sequence = event.sequence();
    if (out.events % kDeadlineCheckEvery == 0 && deadline.expired()) {
      out.problem = "safety time limit reached";
      context.TryCancel();
      break;
    }
  }
  out.status = reader->Finish();
  out.ended = Clock::now();
}

}  // namespace

std::vector<std::string> HistoryRunOutcome::problems(int64_t expected) const {
  std::vector<std::string> problems;
  for (std::size_t s = 0; s < streams.size(); ++s) {
    const auto& stream = streams[s];
    const std::string name = "stream " + std::to_string(s) + ": ";
    if (!stream.problem.empty()) {
      problems.push_back(name + stream.problem);
    } else if (!stream.status.ok()) {
      problems.push_back(name + "call failed with code " +
                         std::to_string(static_cast<int>(stream.status.error_code())) + ": " +
                         stream.status.error_message());
    } else if (stream.events != expected) {
      problems.push_back(name + "got " + std::to_string(stream.events) + " events, expected " +
                         std::to_string(expected));
    }
  }
  return problems;
}

HistoryRunOutcome run_history_streams(int streams, int64_t expected_events,
                                      const OpenHistoryStream& open, bool check_order,
                                      const Deadline& deadline) {
  HistoryRunOutcome outcome;
  outcome.streams.resize(static_cast<std::size_t>(streams));
  std::latch start(streams);
  {
    std::vector<std::jthread> readers;
    readers.reserve(static_cast<std::size_t>(streams));
    for (int s = 0; s < streams; ++s) {
      readers.emplace_back([&, s] {
        read_stream(s, expected_events, open, check_order, deadline, start, outcome.streams[s]);
      });
    }
  }  // joined
  outcome.started = outcome.streams.front().started;
  outcome.ended = outcome.streams.front().ended;
  for (const auto& stream : outcome.streams) {
    outcome.started = std::min(outcome.started, stream.started);
    outcome.ended = std::max(outcome.ended, stream.ended);
  }
  return outcome;
}

}  // namespace orderstream::bench
