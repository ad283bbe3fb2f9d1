#include "transport/call_deadline.h"

#include <chrono>

namespace orderstream::transport {

Deadline deadline_of(const grpc::ServerContextBase& call) {
  using std::chrono::system_clock;
  // gRPC reports "no deadline" as the largest time point; a year ahead is as good as none and
  // keeps the conversion below far from overflow.
  const system_clock::time_point at = call.deadline();
  const system_clock::duration left = at - system_clock::now();
  if (at == system_clock::time_point::max() || left > std::chrono::hours(24 * 365)) return {};
  // Measured on the steady clock from here on: a wall-clock step must not move it.
  return Deadline::at(Deadline::Clock::now() +
                      std::chrono::duration_cast<Deadline::Clock::duration>(left));
}

}  // namespace orderstream::transport
