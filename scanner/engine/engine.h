// The scan of one chunk of bytes: Hyperscan finds candidate hits for every rule in one pass, RE2 confirms each
// in a bounded window and extracts the secret, then keywords, entropy, checks and allowlists decide.
// Bytes in, matches out: no files, no git, no paths, no terminals.
#pragma once

#include <string_view>
#include <vector>

#include "scanner/engine/allowlist.h"
#include "scanner/engine/finding.h"
#include "scanner/engine/rule_set.h"
#include "scanner/engine/scratch.h"

namespace keyward::engine {

// Matches sorted by (secret_start, rule); a fallback rule's match is dropped where a specific rule found an
// overlapping secret. `item` says where the bytes come from, for rules narrowed to some paths and allowlists of
// paths and commits (the default: no path, no commit); an item a global allowlist lets go whole is best not
// scanned at all (allowlist.h: item_allowed). Rules on paths alone find nothing here. Returns an error only when
// Hyperscan itself fails.
Expected<std::vector<Match>> scan(const RuleSet& rules, std::string_view bytes, Scratch& scratch,
                                  const Item& item = {});

// A fallback (generic) match yields to a specific match of an overlapping secret in the same category, and of
// two fallbacks finding the very same secret only the first rule's is kept. Rules of different categories
// never shadow each other: an e-mail address does not hide the password around it. Sorts `matches`.
void drop_shadowed_fallbacks(const RuleSet& rules, std::vector<Match>& matches);

}  // namespace keyward::engine
