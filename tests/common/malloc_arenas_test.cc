#include "common/malloc_arenas.h"

#include <gtest/gtest.h>
#include <malloc.h>
#include <stdio.h>

#include <barrier>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "support/sanitizers.h"

namespace orderstream {
namespace {

// How many arenas glibc has made so far: malloc_info lists one <heap> per arena.
int arena_count() {
  char* text = nullptr;
  std::size_t size = 0;
  FILE* out = open_memstream(&text, &size);
  malloc_info(0, out);
  fclose(out);
  const std::string info(text, size);
  free(text);
  int heaps = 0;
  for (auto at = info.find("<heap nr="); at != std::string::npos;
       at = info.find("<heap nr=", at + 1)) {
    ++heaps;
  }
  return heaps;
}

// Runs in a process of its own (gtest_discover_tests starts one per test), so no other test's
// threads made arenas before the cap.
TEST(MallocArenasTest, ThreadsShareAtMostTheCappedArenas) {
#if ORDERSTREAM_ADDRESS_SANITIZER
  GTEST_SKIP() << "AddressSanitizer replaces glibc's malloc, whose arenas this test counts";
#endif
  if (std::getenv("MALLOC_ARENA_MAX") != nullptr) GTEST_SKIP() << "MALLOC_ARENA_MAX is set";
  ASSERT_TRUE(limit_malloc_arenas(2));
  constexpr int kThreads = 8;
  // Every thread allocates while the others do, the contention that makes glibc add arenas.
  std::barrier start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      std::vector<std::unique_ptr<char[]>> blocks;
      for (int i = 0; i < 20000; ++i) blocks.push_back(std::make_unique<char[]>(64 + i % 512));
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_LE(arena_count(), 2);
}

}  // namespace
}  // namespace orderstream
