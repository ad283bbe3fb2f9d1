#include "support/server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace orderstream::testing {
namespace {

std::string make_temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "orderstream-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<char*> c_argv(std::vector<std::string>& args) {
  std::vector<char*> out;
  for (auto& a : args) out.push_back(a.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

ServerProcess::ServerProcess(std::vector<std::string> extra_args)
    : ServerProcess(ServerProcessOptions{.extra_args = std::move(extra_args), .db = {}}) {}

ServerProcess::ServerProcess(ServerProcessOptions options, std::string binary)
    : dir_(make_temp_dir()), db_(options.db.empty() ? dir_ + "/orders.db" : options.db) {
  const std::string port_file = dir_ + "/port";
  if (binary.empty()) binary = ORDERSTREAM_SERVER_BIN;
  std::vector<std::string> args = {binary, "--db", db_, "--port-file", port_file};
  // A test may listen elsewhere (each flag may be given once); the port is read back either way.
  if (std::find(options.extra_args.begin(), options.extra_args.end(), "--listen") ==
      options.extra_args.end()) {
    args.insert(args.end(), {"--listen", "127.0.0.1:0"});
  }
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  const std::string log_path = dir_ + "/server.log";
  pid_ = fork();
  if (pid_ == 0) {
    const int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    auto argv = c_argv(args);
    execv(argv[0], argv.data());
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string port = read_file(port_file);
    if (!port.empty() && port.back() == '\n') {
      target_ = "127.0.0.1:" + port.substr(0, port.size() - 1);
      return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::fprintf(stderr, "orderstream-server did not start:\n%s\n", log().c_str());
  std::abort();
}

ServerProcess::~ServerProcess() {
  if (!exited_) {
    signal(SIGTERM);
    if (wait_for_exit(10000) == -1) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string ServerProcess::log() const { return read_file(dir_ + "/server.log"); }

void ServerProcess::signal(int signo) const {
  if (!exited_) kill(pid_, signo);
}

void ServerProcess::kill_hard() {
  if (exited_) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  exited_ = true;
}

std::size_t ServerProcess::rss_kib() const {
  if (exited_) return 0;
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

std::size_t ServerProcess::wait_for_log(const std::string& needle, int timeout_ms,
                                        std::size_t from) const {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    const std::string text = log();
    const std::size_t at = from < text.size() ? text.find(needle, from) : std::string::npos;
    if (at != std::string::npos) return at + needle.size();
    if (std::chrono::steady_clock::now() >= deadline) return std::string::npos;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

int ServerProcess::wait_for_exit(int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

CommandResult run_command(const std::vector<std::string>& argv, const std::string& input,
                          int timeout_ms) {
  const std::string dir = make_temp_dir();
  const std::string in_path = dir + "/in", out_path = dir + "/out", err_path = dir + "/err";
  std::ofstream(in_path) << input;
  std::vector<std::string> args = argv;
  const pid_t pid = fork();
  if (pid == 0) {
    const int in = open(in_path.c_str(), O_RDONLY);
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(in, STDIN_FILENO);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    auto cargs = c_argv(args);
    execv(cargs[0], cargs.data());
    _exit(127);
  }
  CommandResult result;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  int status = 0;
  for (;;) {
    if (waitpid(pid, &status, WNOHANG) == pid) break;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return result;
}

}  // namespace orderstream::testing
