#include "scanner/filter/reasons.h"

#include <set>
#include <string>
#include <utility>

namespace keyward::filter {

nlohmann::ordered_json blocked_reasons(const Screening& screening) {
  nlohmann::ordered_json reasons = nlohmann::ordered_json::array();
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& finding : screening.findings) {
    if (finding.action != Action::kBlock || !seen.emplace(finding.rule_id, finding.pointer).second) continue;
    reasons.push_back({{"rule", finding.rule_id}, {"pointer", finding.pointer}});
  }
  for (const auto& violation : screening.violations) {
    reasons.push_back({{"limit", violation.limit}, {"pointer", violation.pointer}, {"message", violation.message}});
  }
  return reasons;
}

}  // namespace keyward::filter
