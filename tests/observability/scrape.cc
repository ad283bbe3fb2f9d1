#include "scrape.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <sstream>

namespace orderstream::testing {
namespace {

// The whole response of one HTTP/1.0 request (the server closes the connection after it), or
// empty on error; at most 10 s.
std::string http_get(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    const std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size())) {
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      char buffer[65536];
      while (std::chrono::steady_clock::now() < deadline) {
        pollfd readable{fd, POLLIN, 0};
        if (poll(&readable, 1, 100) <= 0) continue;
        const ssize_t n = read(fd, buffer, sizeof buffer);
        if (n <= 0) break;
        response.append(buffer, static_cast<std::size_t>(n));
      }
    }
  }
  close(fd);
  return response;
}

}  // namespace

Scrape Scrape::get(int port) {
  const std::string response = http_get(port, "/metrics");
  EXPECT_EQ(response.rfind("HTTP/1.1 200", 0), 0u) << response.substr(0, 200);
  const auto body = response.find("\r\n\r\n");
  EXPECT_NE(body, std::string::npos);
  return parse(body == std::string::npos ? "" : response.substr(body + 4));
}

Scrape Scrape::parse(const std::string& text) {
  Scrape scrape;
  scrape.text_ = text;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto brace = line.find('{');
    const auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    std::string name;
    Labels labels;
    if (brace != std::string::npos && brace < space) {
      name = line.substr(0, brace);
      // name{a="x",b="y"} value; label values here hold no quote or comma.
      std::size_t at = brace + 1;
      while (at < line.size() && line[at] != '}') {
        const auto equals = line.find("=\"", at);
        const auto quote = line.find('"', equals + 2);
        labels[line.substr(at, equals - at)] = line.substr(equals + 2, quote - equals - 2);
        at = quote + 1;
        if (at < line.size() && line[at] == ',') ++at;
      }
    } else {
      name = line.substr(0, space);
    }
    scrape.series_[{name, labels}] = std::strtod(line.c_str() + space + 1, nullptr);
  }
  return scrape;
}

std::optional<double> Scrape::value(const std::string& name, const Labels& labels) const {
  const auto it = series_.find({name, labels});
  if (it == series_.end()) return std::nullopt;
  return it->second;
}

}  // namespace orderstream::testing
