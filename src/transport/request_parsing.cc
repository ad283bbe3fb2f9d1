#include "transport/request_parsing.h"

#include <grpcpp/impl/codegen/proto_utils.h>

#include <chrono>
#include <cstdint>

#include "common/log.h"
#include "common/log_throttle.h"

namespace orderstream::transport {

bool parse_request(grpc::ByteBuffer& bytes, google::protobuf::Message& out) {
  return grpc::SerializationTraits<google::protobuf::Message>::Deserialize(&bytes, &out).ok();
}

bool parse_request(const grpc::ByteBuffer& bytes, google::protobuf::Message& out) {
  grpc::ByteBuffer copy(bytes);  // shares the slices: no copy of the payload
  return parse_request(copy, out);
}

grpc::Status unparsable_request(const std::string& type, const std::string& what) {
  static LogThrottle throttle(20, std::chrono::minutes(1));
  uint64_t dropped = 0;
  if (log_enabled(LogLevel::kWarn) && throttle.admit(dropped)) {
    OS_LOG(kWarn) << "refused a request that is not a valid " << type
                  << (what.empty() ? "" : " (" + what + ")")
                  << (dropped > 0 ? " [" + std::to_string(dropped) + " more not logged]" : "");
  }
  std::string message = (what.empty() ? std::string("The request") : "The " + what) +
                        " is not a valid " + type +
                        " message: malformed protobuf, or a string field that is not UTF-8";
  return {grpc::StatusCode::INVALID_ARGUMENT, std::move(message)};
}

}  // namespace orderstream::transport
