// Checksums that real token and number formats carry: Luhn (cards), IBAN mod-97, the base62 CRC32 of GitHub and
// npm tokens, US SSN structure. Pure functions of the text; separators (spaces, dashes) are ignored where noted.
#pragma once

#include <cstdint>
#include <string_view>

namespace keyward::engine {

// Digits only, spaces and dashes ignored; at least 12 digits.
bool luhn_valid(std::string_view number);

// Spaces ignored, letters in either case; the length must be the one of the IBAN's country.
bool iban_valid(std::string_view iban);

std::uint32_t crc32(std::string_view bytes);

// The token's part after its last '_': its last 6 characters are the base62 CRC32 of the characters before them.
bool crc32_base62_valid(std::string_view token);

// AAA-GG-SSSS or 9 digits: area not 000, 666 or 900-999; group not 00; serial not 0000.
bool ssn_valid(std::string_view ssn);

}  // namespace keyward::engine
