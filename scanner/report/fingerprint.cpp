#include "scanner/report/fingerprint.h"

#include "scanner/sha256.h"

namespace keyward::report {
namespace {

constexpr std::string_view kKey = "keyward-fingerprint-v1";
constexpr std::size_t kFingerprintHexChars = 32;  // the digest's first 16 bytes

}  // namespace

std::string fingerprint(std::string_view rule_id, std::string_view path, std::string_view secret) {
  std::string input;
  input.reserve(kKey.size() + rule_id.size() + path.size() + secret.size() + 3);
  for (std::string_view part : {kKey, rule_id, path, secret}) {
    input.append(part);
    input.push_back('\0');
  }
  return sha256_hex(input).substr(0, kFingerprintHexChars);
}

}  // namespace keyward::report
