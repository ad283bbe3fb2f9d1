// Turns the shared client options into a stub on a fresh channel and a call context with the
// right deadline. One channel per process: each CLI invocation makes a single call.
#pragma once

#include <grpcpp/client_context.h>

#include <chrono>
#include <memory>
#include <optional>

#include "cli/client_options.h"
#include "order_service.grpc.pb.h"

namespace orderstream::cli {

std::shared_ptr<grpc::Channel> make_channel(const ClientOptions& options);
std::unique_ptr<ecommerce::orders::OrderService::Stub> make_stub(const ClientOptions& options);

// Sets the --deadline if given, else `fallback` if any (unary calls pass kDefaultUnaryDeadline;
// streams pass nullopt, since a watch or a large import has no natural bound).
void apply_deadline(grpc::ClientContext& context, const ClientOptions& options,
                    std::optional<std::chrono::milliseconds> fallback);

}  // namespace orderstream::cli
