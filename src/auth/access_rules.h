// What each role may do, as pure functions of the caller and the data in question: the one place
// the per-customer rules live, free of gRPC, so they are unit-tested without a server and every
// transport applies the same ones. Each returns nullopt when allowed, else the PERMISSION_DENIED
// to answer, whose message names the field at fault and echoes none of the data.
#pragma once

#include <optional>
#include <string_view>

#include "auth/principal.h"
#include "domain/error.h"
#include "domain/order.h"

namespace orderstream::auth {

// CreateOrder and every order of a bulk import: a customer creates for itself only.
std::optional<Error> check_create(const Principal& caller, const NewOrder& order);

// GetOrderHistory of `customer_id`: a customer reads its own history only.
std::optional<Error> check_history(const Principal& caller, std::string_view customer_id);

// GetOrder and each watch subscription, given the order as stored (nullopt: it does not exist).
// A customer reads and watches its own orders only, and gets the same answer for another
// customer's order as for a missing one, so the answer reveals nothing about which ids exist.
// Reading a missing order (NOT_FOUND) and subscribing before an order is created are therefore
// an admin's privileges.
std::optional<Error> check_order(const Principal& caller, const std::optional<Order>& order);

// UpdateOrderStatus: administrators only.
std::optional<Error> check_status_change(const Principal& caller);

}  // namespace orderstream::auth
