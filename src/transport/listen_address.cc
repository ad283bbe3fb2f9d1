#include "transport/listen_address.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace orderstream::transport {
namespace {

struct HostPort {
  std::string host;
  std::string port;
};

std::optional<HostPort> split(std::string_view listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return HostPort{std::string(host), std::string(listen.substr(colon + 1))};
}

}  // namespace

std::optional<std::string> invalid_listen_address(std::string_view listen) {
  // Appended, not `"'" + std::string(listen)`: GCC 12 warns falsely (-Wrestrict) on that.
  std::string quoted = "'";
  quoted.append(listen).append("'");
  const auto parts = split(listen);
  if (!parts) return "--listen " + quoted + ": expected HOST:PORT, e.g. 127.0.0.1:50051";
  if (parts->host.empty()) {
    return "--listen " + quoted + ": the host is missing (0.0.0.0 or [::] for every interface)";
  }
  const std::string& port = parts->port;
  unsigned value = 0;
  const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || error != std::errc() || end != port.data() + port.size() || value > 65535) {
    return "--listen " + quoted + ": the port must be a number from 0 to 65535 (0: any free one)";
  }
  return std::nullopt;
}

std::optional<std::string> bind_failure(std::string_view listen) {
  const auto parts = split(listen);
  if (!parts) return std::nullopt;
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (const int rc = getaddrinfo(parts->host.c_str(), parts->port.c_str(), &hints, &found);
      rc != 0) {
    return std::string("cannot resolve ") + parts->host + ": " + gai_strerror(rc);
  }
  std::optional<std::string> failure;
  for (const addrinfo* address = found; address != nullptr; address = address->ai_next) {
    const int fd = socket(address->ai_family, address->ai_socktype | SOCK_CLOEXEC, 0);
    if (fd == -1) {
      failure = std::strerror(errno);
      continue;
    }
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);  // as gRPC binds
    const bool bound = bind(fd, address->ai_addr, address->ai_addrlen) == 0;
    if (!bound) failure = std::strerror(errno);
    close(fd);
    if (bound) {
      failure.reset();
      break;
    }
  }
  freeaddrinfo(found);
  return failure;
}

}  // namespace orderstream::transport
