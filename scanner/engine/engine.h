// The scan of one chunk of bytes: Hyperscan finds candidate hits for every rule in one pass, RE2 confirms each
// in a bounded window and extracts the secret, then keywords, entropy, checks and allowlists decide.
// Bytes in, matches out: no files, no git, no paths, no terminals.
#pragma once

#include <string_view>
#include <vector>

#include "scanner/engine/finding.h"
#include "scanner/engine/rule_set.h"
#include "scanner/engine/scratch.h"

namespace keyward::engine {

// Matches sorted by (secret_start, rule); a fallback rule's match is dropped where a specific rule found an
// overlapping secret. Returns an error only when Hyperscan itself fails.
Expected<std::vector<Match>> scan(const RuleSet& rules, std::string_view bytes, Scratch& scratch);

}  // namespace keyward::engine
