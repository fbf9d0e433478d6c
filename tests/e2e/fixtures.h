// Fake credentials made at test time: deterministic, with the right alphabet and length, never real.
#pragma once

#include <cstdint>
#include <string>

#include <zlib.h>

namespace keyward::testing {

// `length` characters of [A-Za-z0-9] from a fixed-seed generator (the same bytes on every machine).
inline std::string fake_token(std::uint32_t seed, std::size_t length = 32) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::uint64_t state = 0x9E3779B97F4A7C15ull * (seed + 1);
  std::string out;
  while (out.size() < length) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    out += kAlphabet[state % 62];
  }
  return out;
}

// A GitHub classic token (`ghp_`, 30 random characters, then their CRC32 in 6 base62 digits): made up, yet it
// passes the checksum the github-pat rule verifies.
inline std::string fake_github_token(std::uint32_t seed) {
  static constexpr char kBase62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  const std::string payload = fake_token(seed, 30);
  auto crc = static_cast<std::uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(payload.size())));
  std::string check(6, '0');
  for (int i = 5; i >= 0; --i) {
    check[static_cast<std::size_t>(i)] = kBase62[crc % 62];
    crc /= 62;
  }
  return "ghp_" + payload + check;
}

}  // namespace keyward::testing
