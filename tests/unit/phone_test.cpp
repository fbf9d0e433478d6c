#include "scanner/phone.h"

#include <gtest/gtest.h>

namespace keyward {
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

}  // namespace
}  // namespace keyward
