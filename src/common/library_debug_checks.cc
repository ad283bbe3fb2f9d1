#include "common/library_debug_checks.h"

#include <absl/synchronization/mutex.h>

namespace orderstream {

void relax_library_debug_checks() {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

}  // namespace orderstream
