#include "domain/order_id.h"

#include <chrono>
#include <random>

namespace orderstream {
namespace {

void append_hex48(std::string& out, uint64_t value) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int shift = 44; shift >= 0; shift -= 4) out += kHex[(value >> shift) & 0xF];
}

}  // namespace

std::string format_order_id(uint64_t unix_ms, uint64_t random_bits) {
  std::string id("ORD-");
  id.reserve(28);
  append_hex48(id, unix_ms);
  append_hex48(id, random_bits);
  return id;
}

std::string generate_order_id() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return format_order_id(
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(now).count()),
      engine());
}

}  // namespace orderstream
