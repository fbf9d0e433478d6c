#include "scanner/engine/checks.h"

#include <gtest/gtest.h>

namespace keyward::engine {
namespace {

TEST(Entropy, IsZeroForOneSymbolAndLog2ForDistinctSymbols) {
  EXPECT_DOUBLE_EQ(shannon_entropy("aaaaaaaa"), 0.0);
  EXPECT_DOUBLE_EQ(shannon_entropy("abcd"), 2.0);
  EXPECT_DOUBLE_EQ(shannon_entropy(""), 0.0);
}

TEST(Entropy, FloorIsCappedByWhatTheLengthCanReach) {
  // A 20-character token can reach at most log2(20) = 4.32 bits: a 4.5 floor must not shut it out.
  EXPECT_LT(effective_entropy_floor(4.5, 20), 4.32);
  EXPECT_DOUBLE_EQ(effective_entropy_floor(3.0, 64), 3.0);
}

TEST(NamedChecks, NotHexRejectsHashesAndAcceptsMixedTokens) {
  EXPECT_FALSE(passes_check(Check::kNotHex, "d41d8cd98f00b204e9800998ecf8427e", nullptr));
  EXPECT_TRUE(passes_check(Check::kNotHex, "WK59PFkl0JfI2yyVlbPegBPrUhRZdsvD", nullptr));
}

TEST(NamedChecks, NotCodeRejectsIdentifiersRoutesAndFormatStrings) {
  EXPECT_FALSE(passes_check(Check::kNotCode, "n?.blockCommentStartToken", nullptr));
  EXPECT_FALSE(passes_check(Check::kNotCode, "active_storage/disk#update", nullptr));
  EXPECT_FALSE(passes_check(Check::kNotCode, "__omit_place_holder__%s", nullptr));
  EXPECT_TRUE(passes_check(Check::kNotCode, "WK59PFkl0JfI2yyVlbPegBPrUhRZdsvD", nullptr));
}

TEST(NamedChecks, PhoneFailsClosedWithoutAValidator) {
  EXPECT_FALSE(passes_check(Check::kPhone, "+1 650 253 0000", nullptr));
  EXPECT_TRUE(passes_check(Check::kPhone, "+1 650 253 0000", [](std::string_view) { return true; }));
}

}  // namespace
}  // namespace keyward::engine
