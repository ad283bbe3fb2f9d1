// Checks a client must pass before an order reaches the store. Pure functions: the same rules
// serve CreateOrder and every line of a bulk import.
#pragma once

#include <optional>
#include <string>

#include "domain/error.h"
#include "domain/order.h"

namespace orderstream {

// Longest accepted order or customer id, in bytes; longer ids are a client bug, not data.
inline constexpr std::size_t kMaxIdBytes = 128;

// nullopt when valid; otherwise why, naming the field ("customer_id is empty", ...).
std::optional<std::string> validate_new_order(const NewOrder& order);

// The INVALID_ARGUMENT a single create answers for an invalid order; nullopt when valid.
std::optional<Error> invalid_order_error(const NewOrder& order);

}  // namespace orderstream
