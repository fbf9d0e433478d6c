// Fake credentials made at test time: deterministic, with the right alphabet and length, never real.
#pragma once

#include <cstdint>
#include <string>

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

}  // namespace keyward::testing
