// Server-assigned order ids: "ORD-", then 12 lowercase hex digits of the creation time in
// milliseconds since the Unix epoch, then 12 of randomness (48 bits), like a UUIDv7. The time
// prefix makes new ids sort after older ones, so inserting them touches the right edge of the
// orders b-tree instead of a random page per order; the random part keeps ids unguessable and
// unique across threads and replicas. Random bits come from a per-thread generator so that
// assigning ids takes no lock.
#pragma once

#include <cstdint>
#include <string>

namespace orderstream {

std::string generate_order_id();

// The id for a given creation time and random bits (only the low 48 of each are used); split out
// so that the layout can be tested without a clock.
std::string format_order_id(uint64_t unix_ms, uint64_t random_bits);

// How many ids a create draws before giving up: 48 random bits per millisecond collide almost
// never, so a few redraws make a failure never in practice.
inline constexpr int kMaxIdDraws = 3;

}  // namespace orderstream
