// How the long-lived commands (watch, history --follow) get over a lost connection: when a call
// fails with UNAVAILABLE (the server restarted, the network dropped, a deploy rolled), they open
// a fresh channel and resume from the last sequence they printed, waiting between attempts with
// jittered exponential backoff ("full jitter": a uniformly random delay up to a ceiling that
// doubles per attempt), so that many clients cut off together do not come back in lockstep.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <optional>
#include <random>

#include "cli/client_options.h"
#include "cli/interrupt.h"
#include "order_service.grpc.pb.h"

namespace orderstream::cli {

struct ReconnectPolicy {
  std::optional<int> max_reconnects;  // unset: unlimited; 0: never reconnect
  std::chrono::milliseconds initial_backoff{50};
  std::chrono::milliseconds max_backoff{2000};
  // How long one attempt waits for the server to accept the connection.
  std::chrono::milliseconds connect_timeout{1000};
};

// Whether a call that ended with `status` is worth resuming on a new connection.
bool is_reconnectable(const grpc::Status& status);

// One channel after another to the same target, each made only once the server accepted it.
class Reconnector {
 public:
  // `deadline`: when the whole command must end (the --deadline, taken once); none: no end.
  Reconnector(const ClientOptions& options, ReconnectPolicy policy,
              std::optional<std::chrono::system_clock::time_point> deadline,
              CancelOnInterrupt& interrupt);

  enum class Outcome { kConnected, kGaveUp, kDeadline, kInterrupted };

  // The first connection: a channel, without waiting for the server (the first call reports a
  // server that is down as the commands always did).
  void connect_first();
  // After a call failed with a reconnectable status: waits the backoff, then tries new channels
  // until one connects, the reconnects are used up, the deadline passes or Ctrl-C.
  Outcome reconnect();
  // After a long-lived call ended with a failed `status`: nullopt when a new connection is up
  // and the command should resume; otherwise the exit code to end `command` with (a status that
  // no reconnect can mend, the reconnects used up, the deadline reached, Ctrl-C).
  std::optional<int> resume_after(const char* command, const grpc::Status& status);
  // The call made progress (something received): the next loss starts from the initial backoff.
  void made_progress() { attempt_ = 0; }

  ecommerce::orders::OrderService::Stub& stub() { return *stub_; }
  // Applies the command's deadline to a new call's context.
  void apply_deadline(grpc::ClientContext& context) const;
  bool deadline_passed() const;
  int reconnects() const { return reconnects_; }

 private:
  std::chrono::milliseconds next_backoff();

  const ClientOptions& options_;
  const ReconnectPolicy policy_;
  const std::optional<std::chrono::system_clock::time_point> deadline_;
  CancelOnInterrupt& interrupt_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<ecommerce::orders::OrderService::Stub> stub_;
  int attempt_ = 0;     // failed attempts since the last progress: the backoff's exponent
  int reconnects_ = 0;  // attempts so far, against max_reconnects
  std::mt19937_64 random_{std::random_device{}()};
};

}  // namespace orderstream::cli
