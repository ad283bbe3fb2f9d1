#include "transport/call_authenticator.h"

#include <cctype>
#include <string_view>

#include "common/log.h"

namespace orderstream::transport {
namespace {

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

Error unauthenticated(std::string message) {
  return Error{ErrorCode::kUnauthenticated, std::move(message)};
}

}  // namespace

Result<auth::Principal> CallAuthenticator::authenticate(
    const grpc::CallbackServerContext& call) const {
  if (!tokens_) return auth::Principal::admin();
  const auto& metadata = call.client_metadata();
  const auto header = metadata.find("authorization");
  if (header == metadata.end()) {
    return unauthenticated(
        "Missing credentials: send the metadata 'authorization: Bearer <token>'");
  }
  std::string_view value(header->second.data(), header->second.size());
  constexpr std::string_view kScheme = "bearer ";
  if (!starts_with_ignoring_case(value, kScheme)) {
    return unauthenticated("The authorization metadata must be 'Bearer <token>'");
  }
  value.remove_prefix(kScheme.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (auto principal = tokens_->find(value)) return *principal;
  // The peer helps an operator find a misconfigured client; the token itself is never logged.
  OS_LOG(kDebug) << "unknown bearer token from " << call.peer();
  return unauthenticated("Unknown or revoked token");
}

}  // namespace orderstream::transport
