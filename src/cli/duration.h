// Durations as typed on the command line ("500ms", "5s", "2m", "1h"): a positive whole number
// followed by a unit. A bare number is refused because "--deadline 5" is ambiguous.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace orderstream::cli {

// Returns nullopt for anything but <digits><ms|s|m|h> above zero and at most a century.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

}  // namespace orderstream::cli
