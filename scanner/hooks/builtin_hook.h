// The git pre-commit hook script shipped inside the binary (hooks/pre-commit), embedded at build time by
// cmake/embed_files.cmake, for `keyward install-hook` to write.
#pragma once

#include <span>

#include "scanner/config/builtin_rules.h"

namespace keyward::hooks {

std::span<const config::EmbeddedFile> builtin_hook_files();

}  // namespace keyward::hooks
