// gitleaks configuration files read as keyward rules, so a gitleaks user switches in one step: rules, keywords,
// entropy, secretGroup, allowlists (old [rules.allowlist] and new [[rules.allowlists]], global [allowlist] and
// [[allowlists]]), [extend] useDefault / path / disabledRules. What keyward cannot honour becomes a note.
#pragma once

#include <string>
#include <string_view>

#include "scanner/config/rule_file.h"
#include "scanner/error.h"

namespace keyward::config {

// True when the text looks like a gitleaks config rather than a keyward one (title, [extend], camelCase keys).
bool looks_like_gitleaks(std::string_view text);

// The config's own rules and allowlists; `use_default` says whether [extend] useDefault asked for the built-ins.
struct GitleaksConfig {
  RuleFile rules;
  bool use_default = false;
};

Expected<GitleaksConfig> load_gitleaks_config(const std::string& path);

}  // namespace keyward::config
