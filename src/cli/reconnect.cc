#include "cli/reconnect.h"

#include <algorithm>
#include <cstdio>

#include "cli/connection.h"
#include "cli/console.h"
#include "cli/exit_codes.h"

namespace orderstream::cli {

bool is_reconnectable(const grpc::Status& status) {
  // UNAVAILABLE is what a server that went away, restarts or shuts down answers; everything else
  // (a bad request, NOT_FOUND, a deadline, Ctrl-C) would fail the same way again.
  return status.error_code() == grpc::StatusCode::UNAVAILABLE;
}

Reconnector::Reconnector(const ClientOptions& options, ReconnectPolicy policy,
                         std::optional<std::chrono::system_clock::time_point> deadline,
                         CancelOnInterrupt& interrupt)
    : options_(options), policy_(policy), deadline_(deadline), interrupt_(interrupt) {}

void Reconnector::connect_first() {
  channel_ = make_channel(options_);
  stub_ = ecommerce::orders::OrderService::NewStub(channel_);
}

void Reconnector::apply_deadline(grpc::ClientContext& context) const {
  if (deadline_) context.set_deadline(*deadline_);
}

bool Reconnector::deadline_passed() const {
  return deadline_ && std::chrono::system_clock::now() >= *deadline_;
}

std::chrono::milliseconds Reconnector::next_backoff() {
  const auto ceiling = std::min(policy_.max_backoff,
                                policy_.initial_backoff * (int64_t{1} << std::min(attempt_, 16)));
  ++attempt_;
  std::uniform_int_distribution<int64_t> jitter(policy_.initial_backoff.count() / 2,
                                                std::max<int64_t>(ceiling.count(), 1));
  return std::chrono::milliseconds(jitter(random_));
}

Reconnector::Outcome Reconnector::reconnect() {
  for (;;) {
    if (policy_.max_reconnects && reconnects_ >= *policy_.max_reconnects) return Outcome::kGaveUp;
    auto wait = next_backoff();
    if (deadline_) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          *deadline_ - std::chrono::system_clock::now());
      if (left.count() <= 0) return Outcome::kDeadline;
      wait = std::min(wait, left);
    }
    if (!interrupt_.wait_for(wait)) return Outcome::kInterrupted;
    if (deadline_passed()) return Outcome::kDeadline;
    ++reconnects_;
    // A fresh channel: gRPC's own reconnect backoff on the old one grows to two minutes.
    channel_ = make_channel(options_);
    auto connect_by = std::chrono::system_clock::now() + policy_.connect_timeout;
    if (deadline_) connect_by = std::min(connect_by, *deadline_);
    if (channel_->WaitForConnected(connect_by)) {
      stub_ = ecommerce::orders::OrderService::NewStub(channel_);
      std::fprintf(stderr, "reconnected to %s (reconnect %d)\n", options_.target.c_str(),
                   reconnects_);
      return Outcome::kConnected;
    }
    if (interrupt_.interrupted()) return Outcome::kInterrupted;
  }
}

std::optional<int> Reconnector::resume_after(const char* command, const grpc::Status& status) {
  if (!is_reconnectable(status)) return report_failed_call(status, false);
  switch (reconnect()) {
    case Outcome::kConnected:
      return std::nullopt;
    case Outcome::kDeadline:
      return kExitOk;
    case Outcome::kInterrupted:
      return report_failed_call({grpc::StatusCode::CANCELLED, "Cancelled"}, true);
    case Outcome::kGaveUp:
      std::fprintf(stderr, "%s: gave up after %d reconnects\n", command, reconnects_);
      return report_failed_call(status, false);
  }
  return report_failed_call(status, false);
}

}  // namespace orderstream::cli
