// The server process of a storage fault test (a full disk, a read-only database): started on the
// store with one order committed before the fault, which the test reads back while writes fail,
// and stopped at the end with SIGTERM, which a server that came through the fault answers by
// exiting 0. The test's own checks of the store (its integrity) follow the stop.
#pragma once

#include <memory>

#include "faults/fault_client.h"
#include "support/server_process.h"

namespace orderstream::testing {

// The order committed at start, and its customer, whose history is that one event.
inline constexpr char kKeptOrderId[] = "KEEP-1";
inline constexpr char kKeptCustomer[] = "reads";

class ServerUnderFault {
 public:
  // Starts the server and commits the kept order; a failure fails the test (fatally: a caller in
  // SetUp has nothing after it, so the test body does not run).
  void start(ServerProcessOptions options);
  // Ends the server with SIGTERM and expects exit status 0 within 20 s. Nothing if not started.
  void stop();

  bool started() const { return process_ != nullptr; }
  pb::OrderService::Stub& stub() { return *stub_; }

 private:
  std::unique_ptr<ServerProcess> process_;
  std::unique_ptr<pb::OrderService::Stub> stub_;
};

}  // namespace orderstream::testing
