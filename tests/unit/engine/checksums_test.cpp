#include "scanner/engine/checksums.h"

#include <gtest/gtest.h>

#include <string>

namespace keyward::engine {
namespace {

TEST(Luhn, AcceptsDocumentedTestCards) {
  EXPECT_TRUE(luhn_valid("4111111111111111"));
  EXPECT_TRUE(luhn_valid("5555 5555 5555 4444"));
  EXPECT_TRUE(luhn_valid("3782-822463-10005"));
}

TEST(Luhn, RejectsWrongDigitShortNumbersAndLetters) {
  EXPECT_FALSE(luhn_valid("4111111111111112"));
  EXPECT_FALSE(luhn_valid("42"));
  EXPECT_FALSE(luhn_valid("4111a11111111111"));
}

TEST(Iban, AcceptsValidIbansWithAndWithoutSpaces) {
  EXPECT_TRUE(iban_valid("GB82WEST12345698765432"));
  EXPECT_TRUE(iban_valid("DE89 3704 0044 0532 0130 00"));
  EXPECT_TRUE(iban_valid("fr1420041010050500013m02606"));
}

TEST(Iban, RejectsBadCheckDigitsAndWrongCountryLength) {
  EXPECT_FALSE(iban_valid("GB83WEST12345698765432"));
  EXPECT_FALSE(iban_valid("DE8937040044053201300"));   // one digit short for DE
  EXPECT_FALSE(iban_valid("ZZ82WEST12345698765432"));  // no such country
}

TEST(Crc32, MatchesTheStandardCheckValue) { EXPECT_EQ(crc32("123456789"), 0xCBF43926u); }

TEST(Crc32Base62, AcceptsATokenWhoseTailIsTheChecksumOfItsBody) {
  // Body of 30 characters; CRC32 of the body in base62, padded to six characters.
  const std::string body = "abcdefghijklmnopqrstuvwxyz0123";
  std::uint32_t crc = crc32(body);
  const std::string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string tail(6, '0');
  for (int i = 5; i >= 0; --i) {
    tail[i] = alphabet[crc % 62];
    crc /= 62;
  }
  EXPECT_TRUE(crc32_base62_valid("ghp_" + body + tail));
  tail[5] = tail[5] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(crc32_base62_valid("ghp_" + body + tail));
}

TEST(Ssn, FollowsAreaGroupAndSerialRules) {
  EXPECT_TRUE(ssn_valid("536-22-1234"));
  EXPECT_FALSE(ssn_valid("000-22-1234"));
  EXPECT_FALSE(ssn_valid("666-22-1234"));
  EXPECT_FALSE(ssn_valid("912-22-1234"));
  EXPECT_FALSE(ssn_valid("536-00-1234"));
  EXPECT_FALSE(ssn_valid("536-22-0000"));
}

}  // namespace
}  // namespace keyward::engine
