#include "common/thread_priority.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <future>
#include <thread>

#include "common/executor.h"

namespace orderstream {
namespace {

struct Observed {
  bool raised = false;
  int before = 0;
  int after = 0;
};

// Raises a fresh thread by `boost` and reports its nice value before and after.
Observed raise_in_new_thread(int boost) {
  Observed observed;
  std::thread([&] {
    observed.before = this_thread_nice();
    observed.raised = raise_this_thread_priority(boost);
    observed.after = this_thread_nice();
  }).join();
  return observed;
}

TEST(ThreadPriorityTest, NoBoostLeavesTheThreadAsItWas) {
  const Observed observed = raise_in_new_thread(0);
  EXPECT_TRUE(observed.raised);
  EXPECT_EQ(observed.after, observed.before);
}

TEST(ThreadPriorityTest, RaisesOnlyTheCallingThread) {
  const int main_before = this_thread_nice();
  const Observed observed = raise_in_new_thread(5);
  if (geteuid() == 0) {
    EXPECT_TRUE(observed.raised);  // root holds CAP_SYS_NICE
  }
  EXPECT_EQ(observed.before, main_before);  // a new thread starts at its creator's
  EXPECT_EQ(observed.after, observed.raised ? std::max(-20, observed.before - 5) : observed.before);
  EXPECT_EQ(this_thread_nice(), main_before);
}

TEST(ThreadPriorityTest, ExecutorThreadsTakeTheirBoost) {
  if (geteuid() != 0) GTEST_SKIP() << "a negative nice needs CAP_SYS_NICE";
  const int base = this_thread_nice();
  Executor boosted(2, "os-prio-test", 3);
  Executor plain(1, "os-prio-test");
  std::promise<int> boosted_nice;
  std::promise<int> plain_nice;
  boosted.post([&] { boosted_nice.set_value(this_thread_nice()); });
  plain.post([&] { plain_nice.set_value(this_thread_nice()); });
  EXPECT_EQ(boosted_nice.get_future().get(), std::max(-20, base - 3));
  EXPECT_EQ(plain_nice.get_future().get(), base);
}

}  // namespace
}  // namespace orderstream
