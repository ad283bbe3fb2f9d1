// Checks a client must pass before an order reaches the store. Pure functions: the same rules
// serve CreateOrder and every line of a bulk import.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/error.h"
#include "domain/order.h"

namespace orderstream {

// Longest accepted order or customer id, in bytes; longer ids are a client bug, not data. A
// server may accept less (`max_id_bytes` below, its --max-id-bytes), never more: the domain's
// own checks apply this ceiling.
inline constexpr std::size_t kMaxIdBytes = 128;

// nullopt when valid; otherwise why, naming the field ("customer_id is empty", ...). Ids longer
// than `max_id_bytes` (at most kMaxIdBytes) are invalid.
std::optional<std::string> validate_new_order(const NewOrder& order,
                                              std::size_t max_id_bytes = kMaxIdBytes);

// The INVALID_ARGUMENT for an id that is empty or longer than `max_id_bytes`, naming `field`
// ("order_id", "OrderID.id", ...); nullopt when the id is acceptable. Every path that takes an id
// applies it, so no request makes the server hold or echo an unbounded id.
std::optional<Error> invalid_id_error(std::string_view field, std::string_view id,
                                      std::size_t max_id_bytes = kMaxIdBytes);

// The INVALID_ARGUMENT for a sequence a client gave (a resume or paging bound) that is negative,
// naming `field`; nullopt when acceptable. Sequences start at 1, so 0 is a valid bound.
std::optional<Error> invalid_sequence_error(std::string_view field, int64_t sequence);

// The INVALID_ARGUMENT a single create answers for an invalid order; nullopt when valid.
std::optional<Error> invalid_order_error(const NewOrder& order,
                                         std::size_t max_id_bytes = kMaxIdBytes);

}  // namespace orderstream
