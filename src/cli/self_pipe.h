// A pipe a thread can block on (with poll) to be woken by another thread or by a signal handler:
// notify() only calls write(2), which is async-signal-safe. Both ends are closed on destruction.
#pragma once

namespace orderstream::cli {

class SelfPipe {
 public:
  SelfPipe();  // throws std::system_error if the pipe cannot be created
  ~SelfPipe();
  SelfPipe(const SelfPipe&) = delete;
  SelfPipe& operator=(const SelfPipe&) = delete;

  int read_fd() const { return fds_[0]; }
  int write_fd() const { return fds_[1]; }

  // Writes one byte; safe in a signal handler (preserves errno).
  void notify(char byte = 0) const;
  // Blocks until a byte arrives and returns it; -1 if the pipe failed.
  int wait() const;

 private:
  int fds_[2] = {-1, -1};
};

}  // namespace orderstream::cli
