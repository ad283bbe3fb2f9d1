#include "auth/principal.h"

#include "domain/order_validation.h"

namespace orderstream::auth {

std::string Principal::role_name() const {
  return is_admin() ? "admin" : "customer:" + customer_id;
}

std::optional<Principal> parse_role(std::string_view text) {
  if (text == "admin") return Principal::admin();
  constexpr std::string_view kCustomer = "customer:";
  if (!text.starts_with(kCustomer)) return std::nullopt;
  text.remove_prefix(kCustomer.size());
  if (text.empty() || text.size() > kMaxIdBytes) return std::nullopt;
  return Principal::customer(std::string(text));
}

}  // namespace orderstream::auth
