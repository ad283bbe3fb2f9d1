// How the PostgreSQL store announces commits to other replicas: every transaction that appends
// events ends with `NOTIFY orderstream_events, '<first>:<last>'`, the inclusive range of the
// sequences it committed (decimal, e.g. "1201:1264"). The payload only says what to fetch, never
// the events themselves (NOTIFY payloads must stay under 8000 bytes, and a listener must read the
// committed rows anyway to catch up after a lost connection). PostgreSQL delivers it at commit,
// only to sessions listening at that moment: a listener LISTENs first, then catches up with
// OrderStore::events_after, then treats each notice as a wake-up.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace orderstream::storage {

inline constexpr std::string_view kPgEventsChannel = "orderstream_events";

// The sequences one committed transaction appended: first <= last.
struct PgEventsNotice {
  int64_t first_sequence = 0;
  int64_t last_sequence = 0;
};

inline std::string format_pg_events_payload(int64_t first_sequence, int64_t last_sequence) {
  return std::to_string(first_sequence) + ":" + std::to_string(last_sequence);
}

// nullopt for anything not written by format_pg_events_payload.
inline std::optional<PgEventsNotice> parse_pg_events_payload(std::string_view payload) {
  const std::size_t colon = payload.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  PgEventsNotice notice;
  const auto parse = [](std::string_view text, int64_t& out) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return !text.empty() && error == std::errc() && end == text.data() + text.size();
  };
  if (!parse(payload.substr(0, colon), notice.first_sequence) ||
      !parse(payload.substr(colon + 1), notice.last_sequence) || notice.first_sequence <= 0 ||
      notice.last_sequence < notice.first_sequence) {
    return std::nullopt;
  }
  return notice;
}

}  // namespace orderstream::storage
