// The rule options every rule-loading command shares (--config, --rules, --category) and the one way they
// become a compiled RuleSet.
#pragma once

#include <string>

#include "scanner/audit/sensitive_paths.h"
#include "scanner/cli/commands.h"
#include "scanner/config/config.h"
#include "scanner/engine/rule_set.h"
#include "scanner/error.h"

namespace keyward::cli {

void add_rule_options(CLI::App& cmd, RuleOptions& options);

config::CategoryFilter category_filter(const std::string& name);

// The rules for a scan whose first path is `first_path` (used to discover .keyward.toml).
Expected<engine::RuleSet> load_rules(const RuleOptions& options, const std::string& first_path);

// The sensitive-path list of the audit and the staged scan: built-in, plus the [audit] table of the config
// (`config`, else the one discovered for `first_path`).
Expected<audit::SensitivePaths> load_sensitive_paths(const std::optional<std::string>& config,
                                                     const std::string& first_path);

}  // namespace keyward::cli
