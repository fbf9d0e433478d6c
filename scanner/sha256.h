// SHA-256 as lowercase hex: the one digest helper, behind the database cache's file names and checksums
// (config/database_cache) and the findings' fingerprints (report/fingerprint). OpenSSL stays in its .cpp.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace keyward {

inline constexpr std::size_t kSha256HexChars = 64;

// The SHA-256 of `bytes`, 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);

}  // namespace keyward
