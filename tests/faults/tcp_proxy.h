// A TCP proxy on 127.0.0.1 with a kernel-chosen port that forwards every connection to a target
// port, until told to drop the network: from then on it forwards nothing and closes nothing, as
// a NAT that forgot the connection or a cable pulled out would. Each connection is served by a
// thread of its own; the destructor closes everything.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace orderstream::testing {

class TcpProxy {
 public:
  explicit TcpProxy(int target_port);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }
  // Stops forwarding in both directions; the sockets stay open.
  void drop() { dropped_ = true; }

 private:
  void accept_loop();
  void forward(int client, int server);

  int target_port_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> dropped_{false};
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace orderstream::testing
