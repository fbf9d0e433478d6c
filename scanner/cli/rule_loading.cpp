#include "scanner/cli/rule_loading.h"

#include <iostream>

#include <CLI/CLI.hpp>

#include "scanner/config/database_cache.h"
#include "scanner/config/prebuilt_database.h"

// The prebuilt database's bytes (CMakeLists.txt, cmake/prebuilt_database.S.in).
extern "C" const char keyward_prebuilt_database[];
extern "C" const char keyward_prebuilt_database_end[];

namespace keyward::cli {

void add_rule_options(CLI::App& cmd, RuleOptions& options) {
  cmd.add_option("-c,--config", options.config, "Config file (default: .keyward.toml at the repository root)")
      ->check(CLI::ExistingFile);
  cmd.add_option("-r,--rules", options.rules, "Extra rule file (repeatable)")
      ->allow_extra_args(false)
      ->check(CLI::ExistingFile);
  cmd.add_option("--category", options.category, "Rule categories to run")
      ->check(CLI::IsMember({"secret", "personal-data", "all"}));
}

config::CategoryFilter category_filter(const std::string& name) {
  if (name == "personal-data") return config::CategoryFilter::kPersonalData;
  if (name == "all") return config::CategoryFilter::kAll;
  return config::CategoryFilter::kSecret;
}

Expected<engine::RuleSet> load_rules(const RuleOptions& options, const std::string& first_path) {
  config::RuleSources sources{.config_path = options.config,
                              .rule_files = options.rules,
                              .categories = category_filter(options.category),
                              .use_builtin = true};
  const auto config_path = options.config ? options.config : config::discover_config(first_path);
  auto resolved = config::resolve_rules(sources, config_path);
  if (!resolved) return tl::unexpected(resolved.error());
  for (const auto& note : resolved->notes) std::cerr << "keyward: note: " << note << '\n';
  const auto cache_dir = config::default_cache_dir();
  const std::string_view prebuilt(keyward_prebuilt_database,
                                  static_cast<std::size_t>(keyward_prebuilt_database_end - keyward_prebuilt_database));
  const auto cache =
      config::with_prebuilt(cache_dir ? config::file_database_cache(*cache_dir) : engine::DatabaseCache{}, prebuilt);
  return config::compile_rules(std::move(*resolved), &cache);
}

Expected<audit::SensitivePaths> load_sensitive_paths(const std::optional<std::string>& config,
                                                     const std::string& first_path) {
  return audit::load_sensitive_paths(config ? config : config::discover_config(first_path));
}

}  // namespace keyward::cli
