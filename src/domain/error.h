// Failures as the domain names them. Transports map each code to their own status (gRPC's in
// transport/proto_mapping.h, to_grpc_status); messages are written for the client to act on and
// never carry SQL, paths or stack traces.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace orderstream {

enum class ErrorCode {
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition,
  kResourceExhausted,
  kUnauthenticated,   // no credentials, or ones the server does not know
  kPermissionDenied,  // known caller, not allowed to do this
  kUnavailable,
  kDeadlineExceeded,
  kInternal,
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
};

// A value or the Error that prevented it.
template <typename T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<T>(state_); }
  const T& value() const { return std::get<T>(state_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<Error>(state_); }

 private:
  std::variant<T, Error> state_;
};

}  // namespace orderstream
