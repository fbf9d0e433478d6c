#include "scanner/cli/config_check.h"

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "scanner/audit/sensitive_paths.h"
#include "scanner/cli/commands.h"
#include "scanner/config/gitleaks.h"
#include "scanner/config/rule_file.h"
#include "scanner/config/scan_settings.h"
#include "scanner/filter/policy.h"

namespace keyward::cli {
namespace {

// The problems so far, each once: a syntax error stops every parser at the same place.
struct Problems {
  std::vector<std::string> lines;
  template <typename T>
  void add(const Expected<T>& result) {
    if (result) return;
    std::istringstream text(result.error().message);
    for (std::string line; std::getline(text, line);) {
      if (!line.empty() && std::find(lines.begin(), lines.end(), line) == lines.end()) lines.push_back(line);
    }
  }
};

// "FILE:LINE: disabled_rules names an unknown rule 'x'" for each id no rule has: built-in, the config's own, or
// a --rules file's. The built-ins are read only when the config disables something.
std::vector<std::string> unknown_disabled_rules(const config::RuleFile& file, const std::string& text,
                                                const std::string& path, const std::vector<std::string>& rule_files) {
  std::set<std::string> known;
  if (file.disabled_rules.empty()) return {};
  auto collect = [&](const config::RuleFile& rules) {
    for (const auto& rule : rules.rules) known.insert(rule.id);
  };
  collect(file);
  if (auto builtin = config::load_builtin_rules()) collect(*builtin);
  for (const auto& rule_file : rule_files) {
    if (auto extra = config::load_rule_file(rule_file)) collect(*extra);  // its own problems are reported on loading
  }
  std::vector<std::string> problems;
  for (const auto& id : file.disabled_rules) {
    if (known.contains(id)) continue;
    problems.push_back(fmt::format("{}:{}: disabled_rules names an unknown rule '{}' (`keyward rules list` shows them)",
                                   path, config::disabled_rule_line(text, id), id));
  }
  return problems;
}

}  // namespace

Expected<std::vector<std::string>> check_config(const std::optional<std::string>& path,
                                                const std::vector<std::string>& rule_files) {
  if (!path) return std::vector<std::string>{};
  std::ifstream in(*path, std::ios::binary);
  if (!in) return fail(fmt::format("{}: cannot read config: {}", *path, errno_text(errno)));
  std::ostringstream read;
  read << in.rdbuf();
  const std::string text = read.str();
  if (config::looks_like_gitleaks(text)) return std::vector<std::string>{};
  Problems problems;
  const auto rules = config::parse_rule_file(text, *path);
  problems.add(rules);
  problems.add(config::parse_scan_settings(text, *path));
  problems.add(audit::load_sensitive_paths(*path));
  const auto policy = filter::parse_policy(text, *path);
  problems.add(policy);
  if (rules) {
    for (auto& line : unknown_disabled_rules(*rules, text, *path, rule_files)) problems.lines.push_back(line);
  }
  if (!problems.lines.empty()) return fail(problems.lines);
  return policy->notes;
}

bool config_is_sound(const std::optional<std::string>& path, const std::vector<std::string>& rule_files,
                     ConfigNotes notes) {
  auto checked = check_config(path, rule_files);
  if (!checked) {
    print_error(checked.error().message);
    return false;
  }
  if (notes == ConfigNotes::kShow) {
    for (const auto& note : *checked) std::cerr << "keyward: note: " << note << '\n';
  }
  return true;
}

}  // namespace keyward::cli
