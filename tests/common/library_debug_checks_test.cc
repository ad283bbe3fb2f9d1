// Abseil's deadlock detection as Debian ships it, and relax_library_debug_checks() turning it off.
#include "common/library_debug_checks.h"

#include <absl/synchronization/mutex.h>
#include <gtest/gtest.h>

namespace orderstream {
namespace {

// Takes two mutexes in one order, then in the other: a potential deadlock to the detector.
int invert_lock_order() {
  absl::Mutex first;
  absl::Mutex second;
  int held_both = 0;
  {
    absl::MutexLock a(&first);
    absl::MutexLock b(&second);
    ++held_both;
  }
  {
    absl::MutexLock b(&second);
    absl::MutexLock a(&first);
    ++held_both;
  }
  return held_both;
}

// Why the call exists: the Abseil the project builds against runs the detector, which also means
// it does its bookkeeping on every lock gRPC takes.
TEST(LibraryDebugChecksDeathTest, DebiansAbseilDetectsLockOrderInversions) {
  EXPECT_DEATH(invert_lock_order(), "Potential Mutex deadlock");
}

TEST(LibraryDebugChecksTest, AfterRelaxingALockOrderInversionIsNotReported) {
  relax_library_debug_checks();
  EXPECT_EQ(invert_lock_order(), 2);
}

}  // namespace
}  // namespace orderstream
