// Server-assigned order ids: "ORD-" followed by 12 lowercase hex digits (48 random bits), drawn
// from a per-thread generator so that assigning ids takes no lock.
#pragma once

#include <string>

namespace orderstream {

std::string generate_order_id();

}  // namespace orderstream
