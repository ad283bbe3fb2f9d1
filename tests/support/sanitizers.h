// Whether this test binary is built with AddressSanitizer. The sanitizer replaces glibc's
// allocator and keeps freed memory in a quarantine, so a test that counts malloc arenas or bounds
// a process's resident memory measures the sanitizer, not the code: such a test skips that check
// under it and keeps every other assertion. The servers the tests start come from the same build,
// so the test binary's answer holds for them too. GCC says __SANITIZE_ADDRESS__, clang
// __has_feature(address_sanitizer).
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define ORDERSTREAM_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ORDERSTREAM_ADDRESS_SANITIZER 1
#endif
#endif
#ifndef ORDERSTREAM_ADDRESS_SANITIZER
#define ORDERSTREAM_ADDRESS_SANITIZER 0
#endif

namespace orderstream::testing {

inline constexpr bool kAddressSanitizer = ORDERSTREAM_ADDRESS_SANITIZER != 0;

}  // namespace orderstream::testing
