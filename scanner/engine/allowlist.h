// Allowlists: what a user or a rule says is not a finding. Secret patterns and stopwords, path patterns and the
// inline markers users of keyward, gitleaks and detect-secrets put on a line. Pure functions of text.
#pragma once

#include <string_view>

#include "scanner/engine/rule_set.h"

namespace keyward::engine {

// A candidate as the allowlist sees it: the secret, the whole regex match and the line it starts on.
struct Candidate {
  std::string_view secret;
  std::string_view match;
  std::string_view line;
};

bool candidate_allowed(const CompiledAllowlist& allowlist, const Candidate& candidate);
bool path_allowed(const CompiledAllowlist& allowlist, std::string_view path);

// `keyward:allow`, `gitleaks:allow` or `pragma: allowlist secret` anywhere on the line.
bool line_has_inline_allow(std::string_view line);

}  // namespace keyward::engine
