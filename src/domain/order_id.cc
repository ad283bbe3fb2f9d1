#include "domain/order_id.h"

#include <cstdint>
#include <random>

namespace orderstream {

std::string generate_order_id() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t bits = engine();
  std::string id = "ORD-";
  for (int i = 0; i < 12; ++i) {
    id += kHex[bits & 0xF];
    bits >>= 4;
  }
  return id;
}

}  // namespace orderstream
