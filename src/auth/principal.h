// Who makes a call, as authorization sees it: an administrator, who may do everything, or a
// customer, who may act on its own orders only. A server without tokens treats every caller as
// an administrator (docs/SECURITY.md, roles).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace orderstream::auth {

struct Principal {
  enum class Role { kAdmin, kCustomer };
  Role role = Role::kAdmin;
  std::string customer_id;  // the customer a kCustomer principal acts for; empty for kAdmin

  static Principal admin() { return {}; }
  static Principal customer(std::string id) { return {Role::kCustomer, std::move(id)}; }
  bool is_admin() const { return role == Role::kAdmin; }
  // The role as the tokens file spells it: "admin" or "customer:<id>".
  std::string role_name() const;
};

// "admin" or "customer:<id>" (id non-empty, at most kMaxIdBytes); nullopt otherwise.
std::optional<Principal> parse_role(std::string_view text);

}  // namespace orderstream::auth
