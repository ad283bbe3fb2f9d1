// The deadline of a gRPC call as the domain's plain value (domain/deadline.h), so that the store
// stops its statements when the client stops waiting.
#pragma once

#include <grpcpp/server_context.h>

#include "domain/deadline.h"

namespace orderstream::transport {

// None when the client set no deadline (or one so far ahead that no statement would reach it).
Deadline deadline_of(const grpc::ServerContextBase& call);

}  // namespace orderstream::transport
