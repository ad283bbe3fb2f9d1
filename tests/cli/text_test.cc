#include "cli/text.h"

#include <gtest/gtest.h>

namespace orderstream::cli {
namespace {

TEST(TrimTest, DropsSpacesTabsAndLineEndsAtBothEnds) {
  EXPECT_EQ(trim(" \t ORD 1 \r\n"), "ORD 1");
  EXPECT_EQ(trim(" \r\n\t"), "");
}

TEST(Utf8Test, AcceptsUtf8AndRefusesLatin1AndMalformedSequences) {
  EXPECT_TRUE(is_utf8("café \xe2\x82\xac \xf0\x9f\x93\xa6"));
  EXPECT_FALSE(is_utf8("caf\xe9"));           // Latin-1 é
  EXPECT_FALSE(is_utf8("\xc3"));              // truncated
  EXPECT_FALSE(is_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(is_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(is_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
}

TEST(EscapeTest, KeepsAnIdOneColumnOfOneLine) {
  EXPECT_EQ(escape_text("ORD-1"), "ORD-1");
  EXPECT_EQ(escape_text("a b\nc\td\\e\x01"), "a\\x20b\\nc\\td\\\\e\\x01");
  EXPECT_EQ(escape_text("a b\nc", false), "a b\\nc");
  EXPECT_EQ(escape_text("café"), "café");
}

}  // namespace
}  // namespace orderstream::cli
