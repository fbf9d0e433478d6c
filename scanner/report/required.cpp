#include "scanner/report/required.h"

#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <unordered_map>

namespace keyward::report {
namespace {

bool near(const Finding& primary, const Finding& other, const engine::CompiledRequirement& requirement) {
  if (requirement.within_lines && std::abs(primary.line - other.line) > *requirement.within_lines) return false;
  if (requirement.within_columns && std::abs(primary.column - other.column) > *requirement.within_columns) {
    return false;
  }
  return true;
}

}  // namespace

void apply_required_rules(const engine::RuleSet& rules, std::vector<Finding>& findings) {
  const auto all = rules.rules();
  const bool composite = std::any_of(all.begin(), all.end(), [](const engine::CompiledRule& rule) {
    return !rule.required.empty() || rule.rule.skip_report;
  });
  if (!composite || findings.empty()) return;
  std::unordered_map<std::string_view, const engine::CompiledRule*> by_id;
  for (const auto& rule : all) by_id.emplace(rule.rule.id, &rule);
  std::vector<Finding> kept;
  for (const auto& finding : findings) {
    const auto it = by_id.find(finding.rule_id);
    if (it == by_id.end()) {
      kept.push_back(finding);
      continue;
    }
    const engine::CompiledRule& rule = *it->second;
    if (rule.rule.skip_report) continue;
    const bool satisfied =
        std::all_of(rule.required.begin(), rule.required.end(), [&](const engine::CompiledRequirement& requirement) {
          const std::string& id = all[requirement.rule].rule.id;
          return std::any_of(findings.begin(), findings.end(), [&](const Finding& other) {
            return &other != &finding && other.rule_id == id && near(finding, other, requirement);
          });
        });
    if (satisfied) kept.push_back(finding);
  }
  findings = std::move(kept);
}

}  // namespace keyward::report
