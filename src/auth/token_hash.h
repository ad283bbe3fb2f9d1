// How a bearer token is stored: the lowercase hex SHA-256 of its bytes. The server keeps only
// these digests, so a leaked tokens file does not reveal a token; tokens must be long random
// strings (32 bytes from a CSPRNG), since an unsalted digest of a guessable token is guessable.
#pragma once

#include <string>
#include <string_view>

namespace orderstream::auth {

// 64 lowercase hex digits; the same as `printf %s TOKEN | sha256sum`.
std::string sha256_hex(std::string_view data);

}  // namespace orderstream::auth
