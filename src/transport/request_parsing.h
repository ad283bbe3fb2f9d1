// Requests reach the order service as bytes and are parsed here, not by gRPC. gRPC 1.51's typed
// callback API cannot tell a client that a message was refused: a stream message that fails to
// parse ends the reads exactly as a half-close does (OnReadDone(false)), so a bulk import would
// answer OK for the orders before it and drop the rest silently; and a unary or server-streaming
// request that fails to parse is answered UNIMPLEMENTED with an empty message. Parsing the bytes
// ourselves turns both into INVALID_ARGUMENT naming the message type. The usual cause is a string
// field that is not UTF-8, which proto3 refuses.
#pragma once

#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>

#include <string>

namespace orderstream::transport {

// Parses `bytes` into `out`; false if they are not a valid message of out's type. Consumes
// `bytes` (its slices are released).
bool parse_request(grpc::ByteBuffer& bytes, google::protobuf::Message& out);

// Parses a copy of `bytes` (a unary request, which gRPC lends as const).
bool parse_request(const grpc::ByteBuffer& bytes, google::protobuf::Message& out);

// The INVALID_ARGUMENT for a request that did not parse as `type` (its full name). `what` names
// the message in the stream ("message #7 of the stream"), empty for a unary request. Logged
// server-side, at most a few lines a minute.
grpc::Status unparsable_request(const std::string& type, const std::string& what = {});

}  // namespace orderstream::transport
