// The configuration of a run: which rules (built-in, a config file's, --rules files), which are disabled, which
// categories run, and the allowlists; resolved into one compiled RuleSet. `.keyward.toml` is found at the
// repository root of the first scanned path, or beside it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scanner/config/rule_file.h"
#include "scanner/engine/rule_set.h"
#include "scanner/error.h"

namespace keyward::config {

enum class CategoryFilter { kSecret, kPersonalData, kAll };

struct RuleSources {
  std::optional<std::string> config_path;  // --config; unset: discovered
  std::vector<std::string> rule_files;     // --rules
  CategoryFilter categories = CategoryFilter::kSecret;
  bool use_builtin = true;
};

// The config that applies to a scan of `first_path`: .keyward.toml, else .gitleaks.toml, at the repository root
// (or beside the path outside a repository).
std::optional<std::string> discover_config(const std::string& first_path);

// Built-ins, config and --rules merged, disabled rules and other categories left out. Not compiled. A gitleaks
// config (detected by its keys) replaces the built-ins unless its [extend] useDefault asks for them.
Expected<RuleFile> resolve_rules(const RuleSources& sources, const std::optional<std::string>& config_path);

// Compiles a resolved rule file, with the phone check wired in: national numbers (no country code) are read as
// numbers of `phone_regions` ("FR", "GB"), of the US when empty; an unknown region is an error. The Hyperscan
// database comes from `cache` when it holds the same one.
Expected<engine::RuleSet> compile_rules(RuleFile file, const engine::DatabaseCache* cache = nullptr,
                                        std::vector<std::string> phone_regions = {});

}  // namespace keyward::config
