// The [scan] table of .keyward.toml: limits and redaction for `scan`, `git` and `baseline`. A command-line flag
// wins over the table; the table wins over the built-in defaults. Knows nothing of the command line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "scanner/error.h"

namespace keyward::config {

struct ScanSettings {
  std::optional<std::uint64_t> max_file_bytes;  // skip larger files
  std::optional<int> max_decode_depth;          // 0..4
  std::optional<bool> redact;                   // false: reports show secrets in full
};

// Parses the [scan] table of a config's text (nothing set when there is none); errors name file, line and key.
Expected<ScanSettings> parse_scan_settings(std::string_view text, const std::string& name);

// The [scan] table of the config at `path` (nothing set without a config, or for a gitleaks config).
Expected<ScanSettings> load_scan_settings(const std::optional<std::string>& path);

}  // namespace keyward::config
