#include "scanner/config/phone.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace keyward::config {
namespace {

TEST(Phone, AcceptsValidInternationalAndUsNumbers) {
  EXPECT_TRUE(valid_phone_number("+1 650-253-0000"));
  EXPECT_TRUE(valid_phone_number("+33 1 42 68 53 00"));
  EXPECT_TRUE(valid_phone_number("+44 20 7946 0958"));
  EXPECT_TRUE(valid_phone_number("(650) 253-0000"));
}

TEST(Phone, RejectsNumbersNoPlanAllows) {
  EXPECT_FALSE(valid_phone_number("+1 000-000-0000"));
  EXPECT_FALSE(valid_phone_number("123-45-6789"));
  EXPECT_FALSE(valid_phone_number("2024.11.23"));
  EXPECT_FALSE(valid_phone_number("not a number"));
}

// Issue 17: a deployment's default regions decide what a national number (no +country code) is.
TEST(Phone, NationalNumbersAreReadInTheDefaultRegions) {
  const std::vector<std::string> france = {"FR"};
  EXPECT_TRUE(valid_phone_number("06 52 69 32 61", france));
  EXPECT_TRUE(valid_phone_number("07 34 87 65 11", france));
  EXPECT_TRUE(valid_phone_number("0652693261", france));
  EXPECT_TRUE(valid_phone_number("+44 20 7946 0958", france));  // international numbers need no region
  EXPECT_FALSE(valid_phone_number("(650) 253-0000", france));   // a US number is not French
  EXPECT_FALSE(valid_phone_number("06 52 69 32 61"));           // the US by default, where no number starts with 0

  const std::vector<std::string> france_and_us = {"FR", "US"};
  EXPECT_TRUE(valid_phone_number("06 52 69 32 61", france_and_us));
  EXPECT_TRUE(valid_phone_number("(650) 253-0000", france_and_us));
}

TEST(Phone, KnownRegionsAreLibphonenumbersOwn) {
  EXPECT_TRUE(known_phone_region("FR"));
  EXPECT_TRUE(known_phone_region("GB"));
  EXPECT_FALSE(known_phone_region("XX"));
  EXPECT_FALSE(known_phone_region("fr"));
}

}  // namespace
}  // namespace keyward::config
