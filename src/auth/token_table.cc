#include "auth/token_table.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "auth/token_hash.h"

namespace orderstream::auth {
namespace {

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

bool is_digest(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f') ||
                  (c >= 'A' && c <= 'F');
         });
}

}  // namespace

TokenTable TokenTable::parse(std::string_view text) {
  TokenTable table;
  std::size_t line_number = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const std::string_view raw = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_number;
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    const std::string where = "tokens file, line " + std::to_string(line_number) + ": ";
    const auto space = line.find_first_of(" \t");
    const std::string_view digest = line.substr(0, space);
    const std::string_view role =
        space == std::string_view::npos ? std::string_view{} : trim(line.substr(space));
    if (!is_digest(digest)) {
      throw std::invalid_argument(where +
                                  "expected the SHA-256 of a token (64 hex digits) first; "
                                  "make one with `orderstream-server hash-token`");
    }
    const auto principal = parse_role(role);
    if (!principal) {
      throw std::invalid_argument(where +
                                  "expected a role after the digest: admin or "
                                  "customer:<id>");
    }
    std::string key(digest);
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!table.by_digest_.emplace(std::move(key), *principal).second) {
      throw std::invalid_argument(where + "the same token is listed twice");
    }
  }
  return table;
}

TokenTable TokenTable::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read the tokens file " + path);
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str());
}

std::optional<Principal> TokenTable::find(std::string_view token) const {
  const auto it = by_digest_.find(sha256_hex(token));
  if (it == by_digest_.end()) return std::nullopt;
  return it->second;
}

}  // namespace orderstream::auth
