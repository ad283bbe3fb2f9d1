#include "cli/interrupt.h"

#include <unistd.h>

#include <cassert>
#include <cerrno>

namespace orderstream::cli {
namespace {

constexpr char kInterruptByte = 'i';
constexpr char kStopByte = 's';

// The handler can reach no object, only this; an atomic int is lock-free and so signal-safe.
std::atomic<int> g_interrupt_fd{-1};
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void on_sigint(int) {
  const int fd = g_interrupt_fd.load();
  if (fd < 0) return;
  const int saved_errno = errno;
  const char byte = kInterruptByte;
  (void)!write(fd, &byte, 1);
  errno = saved_errno;
}

}  // namespace

CancelOnInterrupt::CancelOnInterrupt() {
  [[maybe_unused]] const int previous_fd = g_interrupt_fd.exchange(pipe_.write_fd());
  assert(previous_fd == -1);
  watcher_ = std::thread([this] { watch(); });
  struct sigaction action {};
  action.sa_handler = on_sigint;
  sigemptyset(&action.sa_mask);
  // SA_RESTART keeps stray system calls in other threads from failing with EINTR.
  action.sa_flags = SA_RESETHAND | SA_RESTART;
  sigaction(SIGINT, &action, &previous_);
}

CancelOnInterrupt::~CancelOnInterrupt() {
  g_interrupt_fd.store(-1);
  sigaction(SIGINT, &previous_, nullptr);
  pipe_.notify(kStopByte);
  watcher_.join();
}

void CancelOnInterrupt::attach(grpc::ClientContext* context) {
  std::lock_guard lock(mutex_);
  context_ = context;
  if (context_ != nullptr && interrupted_.load()) context_->TryCancel();
}

bool CancelOnInterrupt::wait_for(std::chrono::milliseconds duration) {
  std::unique_lock lock(mutex_);
  return !woken_.wait_for(lock, duration, [this] { return interrupted_.load(); });
}

void CancelOnInterrupt::watch() {
  for (;;) {
    const int byte = pipe_.wait();
    if (byte != kInterruptByte) return;  // kStopByte, or the pipe broke
    std::lock_guard lock(mutex_);
    interrupted_.store(true);
    if (context_ != nullptr) context_->TryCancel();
    woken_.notify_all();
  }
}

}  // namespace orderstream::cli
