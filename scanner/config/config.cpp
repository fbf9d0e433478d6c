#include "scanner/config/config.h"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "scanner/phone.h"
#include "scanner/sources/git.h"

namespace keyward::config {
namespace {

constexpr const char* kConfigName = ".keyward.toml";

bool category_selected(engine::Category category, CategoryFilter filter) {
  switch (filter) {
    case CategoryFilter::kSecret:
      return category == engine::Category::kSecret;
    case CategoryFilter::kPersonalData:
      return category == engine::Category::kPersonalData;
    case CategoryFilter::kAll:
      return true;
  }
  return true;
}

bool phone_check(std::string_view candidate) { return valid_phone_number(candidate); }

}  // namespace

std::optional<std::string> discover_config(const std::string& first_path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const std::string start = first_path == "-" ? "." : first_path;
  if (auto repo = sources::discover_repository(start)) {
    const std::string dir = sources::workdir(repo.get());
    if (!dir.empty() && fs::is_regular_file(dir + kConfigName, ec)) return dir + kConfigName;
    return std::nullopt;
  }
  const fs::path base = fs::is_directory(start, ec) ? fs::path(start) : fs::path(start).parent_path();
  const fs::path candidate = (base.empty() ? fs::path(".") : base) / kConfigName;
  if (fs::is_regular_file(candidate, ec)) return candidate.string();
  return std::nullopt;
}

Expected<RuleFile> resolve_rules(const RuleSources& sources, const std::optional<std::string>& config_path) {
  RuleFile all;
  if (sources.use_builtin) {
    auto builtin = load_builtin_rules();
    if (!builtin) return fail(builtin.error().message);
    append(all, std::move(*builtin));
  }
  std::vector<std::string> files;
  if (config_path) files.push_back(*config_path);
  files.insert(files.end(), sources.rule_files.begin(), sources.rule_files.end());
  for (const auto& path : files) {
    auto file = load_rule_file(path);
    if (!file) return fail(file.error().message);
    // A user's rule with a built-in's id replaces it.
    std::erase_if(all.rules, [&](const engine::Rule& existing) {
      return std::any_of(file->rules.begin(), file->rules.end(), [&](const auto& r) { return r.id == existing.id; });
    });
    append(all, std::move(*file));
  }
  for (const auto& id : all.disabled_rules) {
    const bool known = std::any_of(all.rules.begin(), all.rules.end(), [&](const auto& r) { return r.id == id; });
    if (!known) return fail(fmt::format("disabled_rules names an unknown rule '{}'", id));
  }
  std::erase_if(all.rules, [&](const engine::Rule& rule) {
    return !category_selected(rule.category, sources.categories) ||
           std::find(all.disabled_rules.begin(), all.disabled_rules.end(), rule.id) != all.disabled_rules.end();
  });
  return all;
}

Expected<engine::RuleSet> compile_rules(RuleFile file, const engine::DatabaseCache* cache) {
  return engine::RuleSet::compile(
      std::move(file.rules),
      engine::CompileOptions{.global_allowlist = file.allowlist, .phone_check = phone_check, .cache = cache});
}

}  // namespace keyward::config
