// The real `orderstream` CLI run against the real server, as the end-to-end suites of tests/cli
// do it: one-shot commands with their exit code and output, processes running alongside the test
// (a watch, an import fed from a FIFO, a server restarted on the same port) with bounded waits,
// and a fixture with a server on a store of each kind (support/test_store.h). The including
// target defines ORDERSTREAM_CLI_BIN, the path of the CLI binary.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/eventually.h"
#include "support/server_process.h"
#include "support/test_store.h"

namespace orderstream::testing {

inline constexpr int kCliCommandTimeoutMs = 30000;

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// What a failed expectation should show: the whole outcome of the command.
inline std::string describe(const CommandResult& result) {
  return "exit " + std::to_string(result.exit_code) + "\nstdout:\n" + result.out + "stderr:\n" +
         result.err;
}

// Runs `orderstream args...` to completion with `input` on stdin.
inline CommandResult cli(const std::vector<std::string>& args, const std::string& input = "") {
  std::vector<std::string> argv = {ORDERSTREAM_CLI_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, input, kCliCommandTimeoutMs);
}

// A process running alongside the test (argv[0] is a path), stdin on /dev/null, its stdout and
// stderr appended to files (the same one if the paths are equal); killed (SIGKILL) if still
// running when destroyed.
class BackgroundProcess {
 public:
  BackgroundProcess(std::vector<std::string> argv, const std::string& out_path,
                    const std::string& err_path)
      : out_path_(out_path), err_path_(err_path) {
    std::vector<char*> c_argv;
    for (auto& arg : argv) c_argv.push_back(arg.data());
    c_argv.push_back(nullptr);
    pid_ = fork();
    if (pid_ == 0) {
      const int in = open("/dev/null", O_RDONLY);
      const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      dup2(in, STDIN_FILENO);
      dup2(out, STDOUT_FILENO);
      dup2(err, STDERR_FILENO);
      execv(c_argv[0], c_argv.data());
      _exit(127);
    }
  }
  ~BackgroundProcess() {
    if (!exit_code_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  std::string out() const { return read_text(out_path_); }
  std::string err() const { return read_text(err_path_); }
  void signal(int signo) const { kill(pid_, signo); }
  // SIGKILL, then reaps it.
  void kill_hard() {
    kill(pid_, SIGKILL);
    wait_for_exit(10'000);
  }
  bool exited() { return wait_for_exit(0).has_value(); }

  // Waits until the process has a handler for `signo` (its SigCgt mask in /proc).
  bool wait_for_handler(int signo, int timeout_ms) const {
    return eventually(
        [&] {
          std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
          for (std::string line; std::getline(status, line);) {
            if (line.rfind("SigCgt:", 0) == 0 &&
                ((std::stoull(line.substr(7), nullptr, 16) >> (signo - 1)) & 1) != 0) {
              return true;
            }
          }
          return false;
        },
        std::chrono::milliseconds(timeout_ms));
  }

  bool wait_for_output(const std::string& needle, int timeout_ms) const {
    return eventually([&] { return out().find(needle) != std::string::npos; },
                      std::chrono::milliseconds(timeout_ms));
  }

  // The exit code (128 + signal number if killed), or nullopt if still running after the wait.
  std::optional<int> wait_for_exit(int timeout_ms) {
    eventually(
        [&] {
          int status = 0;
          if (!exit_code_ && waitpid(pid_, &status, WNOHANG) == pid_) {
            exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
          }
          return exit_code_.has_value();
        },
        std::chrono::milliseconds(timeout_ms));
    return exit_code_;
  }

 private:
  std::string out_path_;
  std::string err_path_;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

// `orderstream args...` in the background, its output in dir/name.out and dir/name.err.
class BackgroundCli : public BackgroundProcess {
 public:
  BackgroundCli(const std::string& dir, const std::string& name,
                const std::vector<std::string>& args)
      : BackgroundProcess(with_cli(args), dir + "/" + name + ".out", dir + "/" + name + ".err") {}

 private:
  static std::vector<std::string> with_cli(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {ORDERSTREAM_CLI_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }
};

// A server on a fresh store of the parameter's kind, and the CLI against it.
class CliServerTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped()) return;
    server_.emplace(on_store(*store_));
  }

  // Runs a command against the server.
  CommandResult run(std::vector<std::string> args, const std::string& input = "") {
    args.push_back("--target");
    args.push_back(server_->target());
    return cli(args, input);
  }
  // Runs a command that must succeed.
  void ok(std::vector<std::string> args) {
    const auto result = run(std::move(args));
    ASSERT_EQ(result.exit_code, 0) << describe(result);
  }

  std::optional<ServerProcess> server_;
};

}  // namespace orderstream::testing
