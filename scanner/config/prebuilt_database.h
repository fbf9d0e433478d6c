// The default rule set's compiled databases, made at build time (tools/prebuild_database.cpp) and linked into
// the keyward executable, so a first run compiles nothing when its rules and CPU features are the build's.
// The blob is [u32 key length, little-endian][key][database bytes, as the cache stores them].
#pragma once

#include <string>
#include <string_view>

#include "scanner/engine/rule_set.h"

namespace keyward::config {

std::string encode_prebuilt(std::string_view key, std::string_view bytes);

// A cache that answers from the prebuilt blob when the key is its key, and from `inner` otherwise; stores go to
// `inner`. A blob that does not parse is no prebuilt database.
engine::DatabaseCache with_prebuilt(engine::DatabaseCache inner, std::string_view blob);

}  // namespace keyward::config
