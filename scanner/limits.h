// The default size limit of every way in: a file that `scan`, `git` and `baseline` read (ScanOptions, the
// --max-file-size flag, the [scan] table) and a text or request that the filter screens (Policy, and through it
// `keyward filter`, `keyward proxy` and the C ABI). One number under one name; knows nothing else.
#pragma once

#include <cstdint>

namespace keyward {

// Larger inputs are skipped (files) or refused (filter input), unless a limit is set.
inline constexpr std::uint64_t kDefaultMaxInputBytes = std::uint64_t{10} * 1024 * 1024;  // 10 MiB

}  // namespace keyward
