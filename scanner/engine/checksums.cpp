#include "scanner/engine/checksums.h"

#include <array>
#include <cctype>
#include <string>

namespace keyward::engine {
namespace {

struct IbanLength {
  char country[3];
  int length;
};

// ISO 13616 registry lengths per country.
constexpr IbanLength kIbanLengths[] = {
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22}, {"BH", 22},
    {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DJ", 27},
    {"DK", 18}, {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FK", 18}, {"FO", 18}, {"FR", 27},
    {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28}, {"IE", 22},
    {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32},
    {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19},
    {"MN", 20}, {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23}, {"PK", 24},
    {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"RU", 33}, {"SA", 24}, {"SC", 31},
    {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"SO", 23}, {"ST", 25}, {"SV", 28}, {"TL", 23},
    {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20}, {"YE", 30},
};

constexpr std::array<std::uint32_t, 256> make_crc_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}

constexpr auto kCrcTable = make_crc_table();
constexpr std::string_view kBase62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

bool all_digits(std::string_view text) {
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return !text.empty();
}

}  // namespace

bool luhn_valid(std::string_view number) {
  int sum = 0;
  int digits = 0;
  for (auto it = number.rbegin(); it != number.rend(); ++it) {
    const char c = *it;
    if (c == ' ' || c == '-') continue;
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    int d = c - '0';
    if (digits % 2 == 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    ++digits;
  }
  return digits >= 12 && sum % 10 == 0;
}

bool iban_valid(std::string_view iban) {
  std::string compact;
  for (char c : iban) {
    if (c == ' ') continue;
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
    compact += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (compact.size() < 15 || !std::isalpha(static_cast<unsigned char>(compact[0])) ||
      !std::isalpha(static_cast<unsigned char>(compact[1]))) {
    return false;
  }
  int expected = 0;
  for (const auto& entry : kIbanLengths) {
    if (compact.compare(0, 2, entry.country) == 0) expected = entry.length;
  }
  if (expected == 0 || static_cast<int>(compact.size()) != expected) return false;
  const std::string rotated = compact.substr(4) + compact.substr(0, 4);
  int remainder = 0;
  for (char c : rotated) {
    const int value = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : c - 'A' + 10;
    remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
  }
  return remainder == 1;
}

std::uint32_t crc32(std::string_view bytes) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : bytes) c = kCrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

bool crc32_base62_valid(std::string_view token) {
  const auto underscore = token.rfind('_');
  const std::string_view body = underscore == std::string_view::npos ? token : token.substr(underscore + 1);
  if (body.size() <= 6) return false;
  const std::string_view payload = body.substr(0, body.size() - 6);
  std::uint32_t crc = crc32(payload);
  std::string encoded(6, '0');
  for (int i = 5; i >= 0 && crc > 0; --i) {
    encoded[i] = kBase62[crc % 62];
    crc /= 62;
  }
  return crc == 0 && body.substr(body.size() - 6) == encoded;
}

bool ssn_valid(std::string_view ssn) {
  std::string digits;
  for (char c : ssn) {
    if (c == '-' || c == ' ') continue;
    digits += c;
  }
  if (digits.size() != 9 || !all_digits(digits)) return false;
  const int area = std::stoi(digits.substr(0, 3));
  const int group = std::stoi(digits.substr(3, 2));
  const int serial = std::stoi(digits.substr(5, 4));
  return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0;
}

}  // namespace keyward::engine
