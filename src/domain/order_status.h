// The order lifecycle: CREATED -> SHIPPED -> DELIVERED, and CREATED or SHIPPED -> CANCELLED.
// Pure rules, shared by every transport and store, so that they are unit-tested in one place.
#pragma once

#include <optional>
#include <string_view>

namespace orderstream {

enum class OrderStatus { kCreated, kShipped, kDelivered, kCancelled };

// The wire spelling: "CREATED", "SHIPPED", "DELIVERED", "CANCELLED".
std::string_view to_string(OrderStatus status);

// Accepts the wire spelling in any letter case; nullopt for anything else.
std::optional<OrderStatus> parse_order_status(std::string_view text);

// Whether `from` may move to `to`. Staying in the same status is not a transition (callers
// treat it as a no-op), so it answers false.
bool is_transition_allowed(OrderStatus from, OrderStatus to);

// Whether an event setting `next` can only be the order's very next event after one that left it
// in `last` (none: the order did not exist). A resuming watcher sends such an event at once; for
// any other (CANCELLED after CREATED may have had a SHIPPED in between) it reads the order's
// events first, so a change delivered out of order never hides an earlier one.
bool directly_follows(std::optional<OrderStatus> last, OrderStatus next);

}  // namespace orderstream
