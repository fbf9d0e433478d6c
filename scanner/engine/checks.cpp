#include "scanner/engine/checks.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>

#include "scanner/engine/checksums.h"
#include "scanner/engine/code_shape.h"

namespace keyward::engine {

double shannon_entropy(std::string_view text) {
  if (text.empty()) return 0.0;
  std::array<std::size_t, 256> counts{};
  for (unsigned char c : text) ++counts[c];
  double entropy = 0.0;
  const double size = static_cast<double>(text.size());
  for (std::size_t count : counts) {
    if (count == 0) continue;
    const double p = static_cast<double>(count) / size;
    entropy -= p * std::log2(p);
  }
  return entropy;
}

double effective_entropy_floor(double rule_floor, std::size_t secret_length) {
  if (secret_length < 2) return rule_floor;
  return std::min(rule_floor, 0.9 * std::log2(static_cast<double>(secret_length)));
}

bool passes_check(Check check, std::string_view secret, const PhoneCheck& phone_check) {
  switch (check) {
    case Check::kLuhn:
      return luhn_valid(secret);
    case Check::kIbanMod97:
      return iban_valid(secret);
    case Check::kCrc32Base62:
      return crc32_base62_valid(secret);
    case Check::kNotHex:
      for (unsigned char c : secret) {
        if (!std::isxdigit(c)) return true;
      }
      return false;
    case Check::kNotCode:
      return code_shape(secret) == CodeShape::kNone;
    case Check::kSsn:
      return ssn_valid(secret);
    case Check::kPhone:
      return phone_check != nullptr && phone_check(secret);
  }
  return false;
}

}  // namespace keyward::engine
