// gitleaks configuration files read as keyward rules, so a gitleaks user switches in one step, with gitleaks'
// documented semantics: rules (regex, secretGroup, entropy, keywords, `path` alone or narrowing a regex, required
// rules and skipReport), rule and global allowlists (old [rules.allowlist] and [allowlist] and the newer arrays,
// each with its regexTarget, condition, commits, paths, regexes and stopwords; targetRules) and [extend]
// (useDefault, path, disabledRules), a rule of the same id extending the one it overrides. What keyward cannot
// honour becomes a note.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scanner/config/rule_file.h"
#include "scanner/error.h"

namespace keyward::config {

// True when the text looks like a gitleaks config rather than a keyward one (title, [extend], camelCase keys).
bool looks_like_gitleaks(std::string_view text);

// A global allowlist that applies to some rules only ([[allowlists]] with targetRules).
struct TargetedAllowlist {
  std::vector<std::string> rule_ids;
  engine::Allowlist allowlist;
};

// The config's own rules and allowlists. A rule may set neither regex nor path: it extends the rule of the same
// id of what the config extends (the defaults, with `use_default`). `use_default`: [extend] useDefault asked
// for the built-in rules.
struct GitleaksConfig {
  RuleFile rules;
  std::vector<TargetedAllowlist> targeted;
  bool use_default = false;
};

Expected<GitleaksConfig> load_gitleaks_config(const std::string& path);

// Adds `rules` to `base` as gitleaks extends a config: a rule whose id `base` already has overrides the fields it
// sets (description, regex, path, entropy, secretGroup) and adds its keywords and allowlists to the base rule's.
void extend_rules(std::vector<engine::Rule>& base, std::vector<engine::Rule> rules);

// The last step of a gitleaks config once everything it extends is merged: targeted allowlists joined to their
// rules, rules that set neither regex nor path (they extend a rule keyward does not have) left out, each with a
// note in `file.notes`.
void finish_gitleaks_rules(RuleFile& file, const std::vector<TargetedAllowlist>& targeted,
                           const std::string& config_path);

}  // namespace keyward::config
