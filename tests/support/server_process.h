// Runs the real orderstream-server binary as a child process on 127.0.0.1 with a kernel-chosen
// port and a fresh SQLite file in a temporary directory, for tests that must not link the server
// (the seed-proto client, reflection) or that exercise signals. The binary's path comes from the
// ORDERSTREAM_SERVER_BIN compile definition.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

namespace orderstream::testing {

struct ServerProcessOptions {
  std::vector<std::string> extra_args;
  // What --db gets (a file path, or a store URL); empty: orders.db in the process's directory.
  // A database given here outlives the process, so a test can restart a server on it.
  std::string db;
};

class ServerProcess {
 public:
  // Starts the server and waits (up to 20 s) until it serves; aborts the test binary otherwise.
  // It listens on 127.0.0.1:0 unless `extra_args` has a --listen of its own; target() is
  // 127.0.0.1 and the bound port either way.
  explicit ServerProcess(std::vector<std::string> extra_args = {});
  // `binary`: empty runs orderstream-server; the bench tests run orderstream-bench-server.
  explicit ServerProcess(ServerProcessOptions options, std::string binary = "");
  ~ServerProcess();  // SIGTERM, then SIGKILL after 10 s; removes the temporary directory
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  const std::string& target() const { return target_; }  // "127.0.0.1:<port>"
  const std::string& directory() const { return dir_; }  // holds orders.db and server.log
  const std::string& db() const { return db_; }          // what --db got
  std::string log() const;                               // what the server wrote so far
  pid_t pid() const { return pid_; }

  void signal(int signo) const;
  // Waits for exit (up to `timeout_ms`); returns the exit status as from waitpid, or -1.
  int wait_for_exit(int timeout_ms);
  // SIGKILL, then reaps the process: a crash at an arbitrary point.
  void kill_hard();
  // Resident set size from /proc/PID/status (VmRSS), in KiB; 0 once the process is gone.
  std::size_t rss_kib() const;
  // Waits (up to `timeout_ms`) until the log holds `needle` at or after byte `from`; returns the
  // offset just past it, or std::string::npos.
  std::size_t wait_for_log(const std::string& needle, int timeout_ms, std::size_t from = 0) const;

 private:
  std::string dir_;
  std::string target_;
  std::string db_;
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
