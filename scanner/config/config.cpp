#include "scanner/config/config.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "scanner/config/gitleaks.h"
#include "scanner/config/phone.h"
#include "scanner/sources/git.h"

namespace keyward::config {
namespace {

constexpr const char* kConfigName = ".keyward.toml";
constexpr const char* kGitleaksConfigName = ".gitleaks.toml";

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

}  // namespace

std::optional<std::string> discover_config(const std::string& first_path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const std::string start = first_path == "-" ? "." : first_path;
  fs::path dir;
  if (auto repo = sources::discover_repository(start)) {
    dir = sources::workdir(repo.get());
  } else {
    dir = fs::is_directory(start, ec) ? fs::path(start) : fs::path(start).parent_path();
  }
  if (dir.empty()) dir = ".";
  for (const char* name : {kConfigName, kGitleaksConfigName}) {
    if (!fs::is_regular_file(dir / name, ec)) continue;
    // As messages show it: relative to where keyward runs when it lies below (.keyward.toml, not
    // ./.keyward.toml or /home/me/project/.keyward.toml), else as found.
    const fs::path found = (dir / name).lexically_normal();
    const fs::path below = found.is_absolute() ? found.lexically_relative(fs::current_path(ec)) : found;
    return (below.empty() || *below.begin() == "..") ? found.string() : below.string();
  }
  return std::nullopt;
}

namespace {

// Appends `file`, whose rules replace any earlier rule of the same id.
void overlay(RuleFile& all, RuleFile file) {
  std::erase_if(all.rules, [&](const engine::Rule& existing) {
    return std::any_of(file.rules.begin(), file.rules.end(), [&](const auto& r) { return r.id == existing.id; });
  });
  append(all, std::move(file));
}

}  // namespace

Expected<RuleFile> resolve_rules(const RuleSources& sources, const std::optional<std::string>& config_path) {
  bool use_builtin = sources.use_builtin;
  bool gitleaks = false;
  RuleFile config;
  std::vector<TargetedAllowlist> targeted;
  std::string config_text;
  if (config_path) {
    std::ifstream in(*config_path, std::ios::binary);
    if (!in) return fail(fmt::format("{}: cannot read config", *config_path));
    std::ostringstream text;
    text << in.rdbuf();
    config_text = text.str();
    gitleaks = looks_like_gitleaks(text.str());
    if (gitleaks) {
      auto loaded = load_gitleaks_config(*config_path);
      if (!loaded) return tl::unexpected(loaded.error());
      use_builtin = use_builtin && loaded->use_default;  // gitleaks: a config replaces the defaults unless extended
      config = std::move(loaded->rules);
      targeted = std::move(loaded->targeted);
    } else {
      auto loaded = parse_rule_file(text.str(), *config_path);
      if (!loaded) return tl::unexpected(loaded.error());
      config = std::move(*loaded);
    }
  }
  RuleFile all;
  if (use_builtin) {
    auto builtin = load_builtin_rules();
    if (!builtin) return tl::unexpected(builtin.error());
    append(all, std::move(*builtin));
  }
  if (gitleaks) {
    // gitleaks extends: a config's rule of a default rule's id builds on that rule instead of replacing it.
    extend_rules(all.rules, std::move(config.rules));
    config.rules.clear();
    append(all, std::move(config));
    finish_gitleaks_rules(all, targeted, *config_path);
  } else {
    overlay(all, std::move(config));
  }
  for (const auto& path : sources.rule_files) {
    auto file = load_rule_file(path);
    if (!file) return tl::unexpected(file.error());
    overlay(all, std::move(*file));
  }
  for (const auto& id : all.disabled_rules) {
    const bool known = std::any_of(all.rules.begin(), all.rules.end(), [&](const auto& r) { return r.id == id; });
    if (known) continue;
    // gitleaks users disable gitleaks's own rule ids, which keyward does not have: worth a note, not a failure.
    if (!gitleaks) {
      return fail(fmt::format("{}:{}: disabled_rules names an unknown rule '{}'",
                              config_path.value_or("a --rules file"), disabled_rule_line(config_text, id), id));
    }
    all.notes.push_back(fmt::format("{}: disabledRules: keyward has no rule '{}'", *config_path, id));
  }
  std::erase_if(all.rules, [&](const engine::Rule& rule) {
    return !category_selected(rule.category, sources.categories) ||
           std::find(all.disabled_rules.begin(), all.disabled_rules.end(), rule.id) != all.disabled_rules.end();
  });
  return all;
}

Expected<engine::RuleSet> compile_rules(RuleFile file, const engine::DatabaseCache* cache,
                                        std::vector<std::string> phone_regions) {
  for (const auto& region : phone_regions) {
    if (!known_phone_region(region)) {
      return fail(
          fmt::format("phone region '{}' is not one libphonenumber knows (use ISO 3166 codes such as \"FR\")", region));
    }
  }
  auto phone_check = [regions = std::move(phone_regions)](std::string_view candidate) {
    return valid_phone_number(candidate, regions);
  };
  return engine::RuleSet::compile(
      std::move(file.rules),
      engine::CompileOptions{.global_allowlists = file.allowlists, .phone_check = phone_check, .cache = cache});
}

}  // namespace keyward::config
