#include "common/thread_name.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <vector>

#include "common/executor.h"

namespace orderstream {
namespace {

// The names of this process's threads, as top -H and perf show them.
std::vector<std::string> thread_names() {
  std::vector<std::string> names;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::string name;
    std::getline(std::ifstream(task.path() / "comm"), name);
    names.push_back(name);
  }
  return names;
}

int count_named(const std::string& name) {
  int count = 0;
  for (const auto& each : thread_names()) count += each == name ? 1 : 0;
  return count;
}

TEST(ThreadNameTest, ExecutorThreadsCarryTheirName) {
  Executor executor(3, "os-test-pool");
  // Once a task ran, every thread exists and was named right after it started.
  std::promise<void> ran;
  executor.post([&] { ran.set_value(); });
  ran.get_future().wait();
  EXPECT_EQ(count_named("os-test-pool"), 3);
  executor.shutdown();
  EXPECT_EQ(count_named("os-test-pool"), 0);
}

TEST(ThreadNameTest, LongNamesKeepTheirFirstFifteenCharacters) {
  std::atomic<bool> stop{false};
  std::thread thread([&] {
    while (!stop) std::this_thread::yield();
  });
  name_thread(thread, "os-a-name-longer-than-fifteen");
  const int named = count_named("os-a-name-longe");
  stop = true;
  thread.join();
  EXPECT_EQ(named, 1);
}

}  // namespace
}  // namespace orderstream
