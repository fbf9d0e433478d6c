// Allowlists: what a user or a rule says is not a finding. Secret patterns and stopwords, path patterns, commit
// ids, combined by any or all (gitleaks' `condition`), and the inline markers users of keyward, gitleaks and
// detect-secrets put on a line. Pure functions of text: paths and commits are strings the caller hands over.
#pragma once

#include <span>
#include <string_view>

#include "scanner/engine/rule_set.h"

namespace keyward::engine {

// What the caller knows of the item whose bytes are scanned, for rules narrowed to some paths and allowlists of
// paths or commits. Nothing the engine opens: it only compares these strings.
struct Item {
  std::string_view path;
  std::string_view commit;  // hex id of the commit that brought the item; empty outside git history
};

// A candidate as the allowlist sees it: the secret, the whole regex match and the line(s) it lies on.
struct Candidate {
  std::string_view secret;
  std::string_view match;
  std::string_view line;
};

// True when one of the allowlists lets this candidate of `item` go.
bool candidate_allowed(std::span<const CompiledAllowlist> allowlists, const Candidate& candidate, const Item& item);

// True when one of the allowlists lets the whole item go, whatever it holds: its paths or commits match and it asks
// nothing of a finding. gitleaks skips such items before reading them, for a rule or (global lists) for all.
bool item_allowed(std::span<const CompiledAllowlist> allowlists, const Item& item);

// True when `rule` is to be run on `item` at all: its path pattern (if any) matches and no allowlist of its own
// lets the whole item go.
bool rule_applies(const CompiledRule& rule, const Item& item);

// True when some allowlist searches lines with regexes: the line is then looked up for every candidate.
bool searches_lines(std::span<const CompiledAllowlist> allowlists);

// `keyward:allow`, `gitleaks:allow` or `pragma: allowlist secret` anywhere on the line.
bool line_has_inline_allow(std::string_view line);

}  // namespace keyward::engine
