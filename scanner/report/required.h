// Composite rules (gitleaks' [[rules.required]]): a finding of a rule that requires others stands only when each
// of them found something within reach of it in the same item, and findings of rules that only serve others
// (skip_report) are dropped. Works on one item's located findings; knows nothing of files.
#pragma once

#include <vector>

#include "scanner/engine/rule_set.h"
#include "scanner/report/report.h"

namespace keyward::report {

void apply_required_rules(const engine::RuleSet& rules, std::vector<Finding>& findings);

}  // namespace keyward::report
