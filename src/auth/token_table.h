// The bearer tokens a server accepts and the role each one grants, read from the --tokens file.
//
// File format (docs/SECURITY.md): one token per line, `<sha256-hex> <role>`, where the digest is
// the lowercase hex SHA-256 of the token (`orderstream-server hash-token`) and the role is
// `admin` or `customer:<id>`. Blank lines and lines starting with `#` are ignored. Several tokens
// may grant the same role (rotation: add the new one, move clients, remove the old one).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/principal.h"

namespace orderstream::auth {

class TokenTable {
 public:
  // Parses the file's text; throws std::invalid_argument naming the line number and what is
  // wrong with it (never the line itself, which may hold a secret pasted by mistake).
  static TokenTable parse(std::string_view text);
  // Reads and parses a file; throws std::runtime_error (unreadable) or std::invalid_argument.
  static TokenTable load(const std::string& path);

  // The principal `token` authenticates as; nullopt for an unknown token.
  std::optional<Principal> find(std::string_view token) const;
  std::size_t size() const { return by_digest_.size(); }

 private:
  std::unordered_map<std::string, Principal> by_digest_;
};

}  // namespace orderstream::auth
