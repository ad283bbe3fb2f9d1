// Whether a listening address may be served as configured. A server reachable from other hosts
// must encrypt (TLS) and know its callers (bearer tokens, or client certificates under mutual
// TLS); a loopback-only server is reachable from this host alone and may run plaintext and open,
// as a developer runs it. `--insecure` is the operator's explicit waiver of both requirements.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace orderstream::auth {

// True when `listen` ("host:port", "[v6]:port", "unix:path") accepts connections from this host
// only: 127.0.0.0/8, ::1, localhost, or a Unix socket. An empty host or a wildcard
// (0.0.0.0, [::]) listens on every interface and is not loopback.
bool is_loopback_listen(std::string_view listen);

struct Exposure {
  std::string listen;
  bool tls = false;
  bool authenticates_callers = false;  // tokens, or client certificates (mutual TLS)
  bool insecure = false;               // the operator waived both requirements
};

// nullopt when the server may start; otherwise why not and what to do, for the operator.
std::optional<std::string> exposure_refusal(const Exposure& exposure);

}  // namespace orderstream::auth
