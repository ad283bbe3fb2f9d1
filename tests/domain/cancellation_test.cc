// A Deadline is reached at its time or when its caller cancels; work shared by several callers
// is bounded by the latest time and stops only once every one of them cancelled.
#include "domain/cancellation.h"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "domain/deadline.h"

namespace orderstream {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;

TEST(CancellationTest, DefaultIsNeverCancelledAndCopiesShareTheState) {
  const Cancellation none;
  none.cancel();
  EXPECT_FALSE(none.cancelled());
  EXPECT_FALSE(none.can_be_cancelled());

  const Cancellation made = Cancellation::create();
  const Cancellation copy = made;  // NOLINT(performance-unnecessary-copy-initialization)
  EXPECT_FALSE(copy.cancelled());
  made.cancel();
  EXPECT_TRUE(copy.cancelled());
}

TEST(CancellationTest, AllOfIsCancelledOnlyOnceEveryPartIs) {
  const Cancellation a = Cancellation::create();
  const Cancellation b = Cancellation::create();
  const Cancellation c = Cancellation::create();
  const Cancellation ab = Cancellation::all_of({a, b});
  const Cancellation abc = Cancellation::all_of({ab, c});
  a.cancel();
  EXPECT_FALSE(ab.cancelled());
  b.cancel();
  EXPECT_TRUE(ab.cancelled());
  EXPECT_FALSE(abc.cancelled());
  c.cancel();
  EXPECT_TRUE(abc.cancelled());
  // A part nothing can cancel keeps the whole going.
  EXPECT_FALSE(Cancellation::all_of({a, Cancellation()}).can_be_cancelled());
  EXPECT_FALSE(Cancellation::all_of({}).can_be_cancelled());
}

TEST(DeadlineTest, ACancelledDeadlineHasExpiredBeforeItsTime) {
  const Cancellation cancellation = Cancellation::create();
  const Deadline far = Deadline::after(hours(1)).or_cancelled(cancellation);
  const Deadline untimed = Deadline().or_cancelled(cancellation);
  EXPECT_TRUE(far.cancellable());
  EXPECT_FALSE(untimed.is_set());
  EXPECT_FALSE(far.expired());
  EXPECT_FALSE(untimed.expired());
  cancellation.cancel();
  EXPECT_TRUE(far.expired());
  EXPECT_TRUE(untimed.expired());
  EXPECT_TRUE(untimed.cancelled());
  EXPECT_FALSE(Deadline().cancellable());
  EXPECT_FALSE(Deadline().expired());
}

TEST(DeadlineTest, LatestTakesTheLatestTimeAndCancelsWhenAllDo) {
  const Cancellation first = Cancellation::create();
  const Cancellation second = Cancellation::create();
  const Deadline soon = Deadline::after(milliseconds(10)).or_cancelled(first);
  const Deadline later = Deadline::after(hours(1)).or_cancelled(second);
  const std::vector<Deadline> both = {soon, later};
  const Deadline group = Deadline::latest(both);
  ASSERT_TRUE(group.is_set());
  EXPECT_EQ(group.when(), later.when());
  first.cancel();
  EXPECT_FALSE(group.expired(soon.when()));
  second.cancel();
  EXPECT_TRUE(group.expired(soon.when()));
  // One caller without a time: the group has none either.
  EXPECT_FALSE(Deadline::latest(soon, Deadline()).is_set());
}

}  // namespace
}  // namespace orderstream
