#include "scanner/report/fingerprint.h"

#include <openssl/evp.h>

#include <fmt/format.h>

namespace keyward::report {
namespace {

constexpr std::string_view kKey = "keyward-fingerprint-v1";

}  // namespace

std::string fingerprint(std::string_view rule_id, std::string_view path, std::string_view secret) {
  std::string input;
  input.reserve(kKey.size() + rule_id.size() + path.size() + secret.size() + 3);
  for (std::string_view part : {kKey, rule_id, path, secret}) {
    input.append(part);
    input.push_back('\0');
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < 16 && i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

}  // namespace keyward::report
