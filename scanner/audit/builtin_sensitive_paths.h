// The sensitive-path list shipped inside the binary (rules/sensitive_paths.toml), embedded at build time by
// cmake/embed_files.cmake apart from the rule files, which have another schema.
#pragma once

#include <span>

#include "scanner/config/builtin_rules.h"

namespace keyward::audit {

std::span<const config::EmbeddedFile> builtin_sensitive_path_files();

}  // namespace keyward::audit
