// The server's --listen address: checked before anything starts, so a mistyped address is a
// usage error instead of a server on some other port (gRPC reads "127.0.0.1:99999" as a random
// port and "localhost" as port 443), and, when binding fails, the reason the kernel gave.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace orderstream::transport {

// nullopt when `listen` is HOST:PORT or [IPV6]:PORT with a non-empty host and a decimal port
// from 0 to 65535; otherwise what is wrong, for a usage error.
std::optional<std::string> invalid_listen_address(std::string_view listen);

// Why `listen` (valid as above) cannot be bound, as the kernel says it ("Permission denied",
// "Address already in use", ...), found by binding a probe socket; nullopt if the probe binds.
std::optional<std::string> bind_failure(std::string_view listen);

}  // namespace orderstream::transport
