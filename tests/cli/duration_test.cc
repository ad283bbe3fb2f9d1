#include "cli/duration.h"

#include <gtest/gtest.h>

#include <chrono>

namespace orderstream::cli {
namespace {

using std::chrono::milliseconds;

TEST(DurationTest, ParsesEachUnit) {
  EXPECT_EQ(parse_duration("500ms"), milliseconds(500));
  EXPECT_EQ(parse_duration("5s"), milliseconds(5000));
  EXPECT_EQ(parse_duration("2m"), milliseconds(120000));
  EXPECT_EQ(parse_duration("1h"), milliseconds(3600000));
}

TEST(DurationTest, RefusesABareNumberBecauseTheUnitWouldBeAGuess) {
  EXPECT_EQ(parse_duration("5"), std::nullopt);
}

TEST(DurationTest, RefusesZeroAndNegativeValues) {
  EXPECT_EQ(parse_duration("0s"), std::nullopt);
  EXPECT_EQ(parse_duration("-5s"), std::nullopt);
}

TEST(DurationTest, RefusesUnknownUnitsAndStrayCharacters) {
  EXPECT_EQ(parse_duration(""), std::nullopt);
  EXPECT_EQ(parse_duration("s"), std::nullopt);
  EXPECT_EQ(parse_duration("5d"), std::nullopt);
  EXPECT_EQ(parse_duration("5 s"), std::nullopt);
  EXPECT_EQ(parse_duration("5S"), std::nullopt);
  EXPECT_EQ(parse_duration("1.5s"), std::nullopt);
  EXPECT_EQ(parse_duration("5sec"), std::nullopt);
  EXPECT_EQ(parse_duration(" 5s"), std::nullopt);
}

TEST(DurationTest, RefusesValuesThatWouldOverflow) {
  EXPECT_EQ(parse_duration("9223372036854775807h"), std::nullopt);
  EXPECT_EQ(parse_duration("99999999999999999999ms"), std::nullopt);
}

}  // namespace
}  // namespace orderstream::cli
