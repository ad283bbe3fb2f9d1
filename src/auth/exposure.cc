#include "auth/exposure.h"

#include <arpa/inet.h>

#include <cstring>

namespace orderstream::auth {
namespace {

// The host part of "host:port" or "[host]:port", brackets removed.
std::string_view host_of(std::string_view listen) {
  if (listen.starts_with("ipv4:")) listen.remove_prefix(5);
  if (listen.starts_with("ipv6:")) listen.remove_prefix(5);
  if (listen.starts_with("dns:")) listen.remove_prefix(4);
  if (listen.starts_with("[")) {
    const auto close = listen.find(']');
    return close == std::string_view::npos ? listen : listen.substr(1, close - 1);
  }
  const auto colon = listen.rfind(':');
  return colon == std::string_view::npos ? listen : listen.substr(0, colon);
}

}  // namespace

bool is_loopback_listen(std::string_view listen) {
  if (listen.starts_with("unix:") || listen.starts_with("unix-abstract:")) return true;
  const std::string host(host_of(listen));
  if (host == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    return std::memcmp(&v6, &in6addr_loopback, sizeof v6) == 0;
  }
  return false;  // a wildcard, an interface address or a name: reachable from elsewhere
}

std::optional<std::string> exposure_refusal(const Exposure& exposure) {
  if (exposure.insecure || is_loopback_listen(exposure.listen)) return std::nullopt;
  const std::string where = exposure.listen + " is reachable from other hosts";
  if (!exposure.tls) {
    return where +
           " and would serve plaintext: give --tls-cert and --tls-key, listen on loopback "
           "(127.0.0.1), or accept the risk with --insecure";
  }
  if (!exposure.authenticates_callers) {
    return where +
           " and would let any caller read and change every order: give --tokens (or "
           "--tls-client-ca for mutual TLS), listen on loopback (127.0.0.1), or accept the risk "
           "with --insecure";
  }
  return std::nullopt;
}

}  // namespace orderstream::auth
