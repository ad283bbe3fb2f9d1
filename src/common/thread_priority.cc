#include "common/thread_priority.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>

#include "common/log.h"

namespace orderstream {
namespace {

// PRIO_PROCESS with a thread id addresses that one thread on Linux.
id_t this_thread_id() { return static_cast<id_t>(gettid()); }

}  // namespace

int this_thread_nice() {
  errno = 0;  // -1 is both a valid nice value and the error return
  return getpriority(PRIO_PROCESS, this_thread_id());
}

bool raise_this_thread_priority(int boost) {
  if (boost <= 0) return true;
  const int wanted = std::max(-20, this_thread_nice() - boost);
  if (setpriority(PRIO_PROCESS, this_thread_id(), wanted) == 0) return true;
  const int error = errno;
  static std::once_flag logged;
  std::call_once(logged, [&] {
    // Info, not a warning: most containers run without CAP_SYS_NICE, and the server works.
    OS_LOG(kInfo) << "cannot raise the priority of the server's own threads to nice " << wanted
                  << " (" << std::strerror(error)
                  << "; needs CAP_SYS_NICE or a matching RLIMIT_NICE); they keep the normal "
                     "priority. --thread-priority-boost 0 asks for none.";
  });
  return false;
}

}  // namespace orderstream
