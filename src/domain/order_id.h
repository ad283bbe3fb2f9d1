// Server-assigned order ids: "ORD-" followed by 12 lowercase hex digits (48 random bits), drawn
// from a per-thread generator so that assigning ids takes no lock.
#pragma once

#include <string>

namespace orderstream {

std::string generate_order_id();

// How many ids a create draws before giving up: 48 random bits collide almost never, so a few
// redraws make a failure never in practice.
inline constexpr int kMaxIdDraws = 3;

}  // namespace orderstream
