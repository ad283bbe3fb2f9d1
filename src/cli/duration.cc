#include "cli/duration.h"

#include <charconv>
#include <cstdint>

namespace orderstream::cli {
namespace {

constexpr int64_t kMaxMilliseconds = int64_t{100} * 366 * 24 * 60 * 60 * 1000;  // a century

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  int64_t value = 0;
  const char* const begin = text.data();
  const char* const end = text.data() + text.size();
  const auto [unit_begin, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || unit_begin == begin || value <= 0) return std::nullopt;
  const std::string_view unit(unit_begin, static_cast<std::size_t>(end - unit_begin));
  int64_t ms_per_unit = 0;
  if (unit == "ms") {
    ms_per_unit = 1;
  } else if (unit == "s") {
    ms_per_unit = 1000;
  } else if (unit == "m") {
    ms_per_unit = 60 * 1000;
  } else if (unit == "h") {
    ms_per_unit = 60 * 60 * 1000;
  } else {
    return std::nullopt;
  }
  // Refuse rather than wrap: the deadline is added to a nanosecond clock, and one that
  // overflowed would land in the past.
  if (value > kMaxMilliseconds / ms_per_unit) return std::nullopt;
  return std::chrono::milliseconds(value * ms_per_unit);
}

}  // namespace orderstream::cli
