// The compiled-database cache on disk: $XDG_CACHE_HOME/keyward (or ~/.cache/keyward), one file per database,
// named by the SHA-256 of its key, carrying a checksum of its bytes, written atomically (temp file + rename).
// A missing, unreadable or corrupt file is a miss; a cache directory that cannot be written is no cache.
#pragma once

#include <optional>
#include <string>

#include "scanner/engine/rule_set.h"

namespace keyward::config {

// How many database files the directory keeps; the least recently written go first.
inline constexpr std::size_t kMaxCachedDatabases = 16;

std::optional<std::string> default_cache_dir();

engine::DatabaseCache file_database_cache(const std::string& directory);

}  // namespace keyward::config
