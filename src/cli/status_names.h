// Canonical names of gRPC status codes ("NOT_FOUND", "INVALID_ARGUMENT", ...), as the gRPC spec
// and every other gRPC tool spell them, and the one-line form in which the CLI reports a failed
// call on stderr.
#pragma once

#include <grpcpp/support/status.h>

#include <string>
#include <string_view>

namespace orderstream::cli {

// "UNKNOWN_CODE_<n>" for a value outside the enum (a newer server may send one).
std::string status_code_name(grpc::StatusCode code);

// "error: NOT_FOUND: Order X not found"
std::string format_rpc_error(const grpc::Status& status);

}  // namespace orderstream::cli
