#include "faults/server_under_fault.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <utility>

namespace orderstream::testing {

void ServerUnderFault::start(ServerProcessOptions options) {
  process_ = std::make_unique<ServerProcess>(std::move(options));
  stub_ = pb::OrderService::NewStub(new_channel(process_->target()));
  ASSERT_TRUE(create_order(*stub_, kKeptOrderId, kKeptCustomer).ok());
}

void ServerUnderFault::stop() {
  if (!process_) return;
  stub_.reset();
  process_->signal(SIGTERM);
  const int exit_status = process_->wait_for_exit(20'000);
  EXPECT_TRUE(exit_status != -1 && WIFEXITED(exit_status) && WEXITSTATUS(exit_status) == 0)
      << "the server did not exit cleanly: " << process_->log();
  process_.reset();
}

}  // namespace orderstream::testing
