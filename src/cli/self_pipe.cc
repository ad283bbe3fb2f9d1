#include "cli/self_pipe.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace orderstream::cli {

SelfPipe::SelfPipe() {
  if (pipe2(fds_, O_CLOEXEC) != 0) {
    throw std::system_error(errno, std::generic_category(), "pipe2");
  }
}

SelfPipe::~SelfPipe() {
  close(fds_[0]);
  close(fds_[1]);
}

void SelfPipe::notify(char byte) const {
  const int saved_errno = errno;
  while (write(fds_[1], &byte, 1) == -1 && errno == EINTR) {
  }
  errno = saved_errno;
}

int SelfPipe::wait() const {
  char byte = 0;
  for (;;) {
    const ssize_t n = read(fds_[0], &byte, 1);
    if (n == 1) return static_cast<unsigned char>(byte);
    if (n == -1 && errno == EINTR) continue;
    return -1;
  }
}

}  // namespace orderstream::cli
