// Client input quoted back in a status message is cut to a bounded excerpt: an answer must fit
// in the client's limits (metadata, message size) and must not grow with what the client sent,
// however large the id or status it sent.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace orderstream {

// Longest part of client input quoted whole; as long as the longest valid id.
inline constexpr std::size_t kMaxExcerptBytes = 128;

// `text` itself when it is at most kMaxExcerptBytes long; otherwise its first bytes, cut at a
// UTF-8 character boundary, then "... (N bytes)".
std::string excerpt(std::string_view text);

}  // namespace orderstream
