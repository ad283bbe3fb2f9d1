// Who a call comes from: reads the bearer token of the call's `authorization` metadata and looks
// it up in the server's tokens. Without tokens every caller is an administrator (a loopback
// server as a developer runs it). Tokens are never logged, nor echoed to the client.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>

#include "auth/principal.h"
#include "auth/token_table.h"
#include "domain/error.h"

namespace orderstream::transport {

class CallAuthenticator {
 public:
  // `tokens` null: no authentication.
  explicit CallAuthenticator(std::shared_ptr<const auth::TokenTable> tokens)
      : tokens_(std::move(tokens)) {}

  bool enabled() const { return tokens_ != nullptr; }

  // The caller, or UNAUTHENTICATED saying what is missing or wrong.
  Result<auth::Principal> authenticate(const grpc::CallbackServerContext& call) const;

 private:
  std::shared_ptr<const auth::TokenTable> tokens_;
};

}  // namespace orderstream::transport
