// Runs the real orderstream-server binary as a child process on 127.0.0.1 with a kernel-chosen
// port and a fresh SQLite file in a temporary directory, for tests that must not link the server
// (the seed-proto client, reflection) or that exercise signals. The binary's path comes from the
// ORDERSTREAM_SERVER_BIN compile definition.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace orderstream::testing {

class ServerProcess {
 public:
  // Starts the server and waits (up to 20 s) until it serves; aborts the test binary otherwise.
  explicit ServerProcess(std::vector<std::string> extra_args = {});
  ~ServerProcess();  // SIGTERM, then SIGKILL after 10 s; removes the temporary directory
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  const std::string& target() const { return target_; }  // "127.0.0.1:<port>"
  const std::string& directory() const { return dir_; }  // holds orders.db and server.log
  std::string log() const;                               // what the server wrote so far
  pid_t pid() const { return pid_; }

  void signal(int signo) const;
  // Waits for exit (up to `timeout_ms`); returns the exit status as from waitpid, or -1.
  int wait_for_exit(int timeout_ms);

 private:
  std::string dir_;
  std::string target_;
  pid_t pid_ = -1;
  bool exited_ = false;
};

// Runs `argv` to completion with `input` on stdin; returns exit code and captured output.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
CommandResult run_command(const std::vector<std::string>& argv, const std::string& input = "",
                          int timeout_ms = 60000);

}  // namespace orderstream::testing
