// A finding's fingerprint: stable when the finding's line moves, distinct per rule and path, and never
// revealing the secret (a keyed SHA-256, truncated).
#pragma once

#include <string>
#include <string_view>

namespace keyward::report {

std::string fingerprint(std::string_view rule_id, std::string_view path, std::string_view secret);

}  // namespace keyward::report
