#include "scanner/cli/version_text.h"

#include <fmt/format.h>

#include "scanner/engine/library_versions.h"
#include "scanner/sources/git.h"

namespace keyward::cli {

std::string version_text() {
  const std::string re2_file = engine::re2_library_file();
  const std::string re2 = re2_file.empty() ? "RE2 (no version call in RE2; linked into keyward)"
                                           : fmt::format("RE2 (no version call in RE2; library {})", re2_file);
  return fmt::format("keyward {}\nHyperscan {}\n{}\nlibgit2 {}", KEYWARD_VERSION, engine::hyperscan_version(), re2,
                     sources::libgit2_version());
}

}  // namespace keyward::cli
