#include "scanner/audit/audit_findings.h"

#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "scanner/report/fingerprint.h"

namespace keyward::audit {

bool blocks(const report::Finding& finding) { return finding.rule_id != std::string_view(kRuleUncovered); }

report::Finding make_finding(const char* rule_id, const SensitivePath& entry, std::string path,
                             engine::Severity severity, std::string message) {
  report::Finding finding;
  finding.rule_id = rule_id;
  finding.description = fmt::format("{} ({})", entry.description, entry.id);
  finding.category = engine::Category::kSecret;
  finding.severity = severity;
  finding.fingerprint = report::fingerprint(rule_id, path, "");
  finding.path = std::move(path);
  finding.message = std::move(message);
  return finding;
}

report::Finding uncovered_finding(const std::vector<std::string>& patterns) {
  report::Finding finding;
  finding.rule_id = kRuleUncovered;
  finding.description = "sensitive file patterns no ignore rule covers";
  finding.category = engine::Category::kSecret;
  finding.severity = engine::Severity::kLow;
  finding.path = ".gitignore";
  finding.fingerprint = report::fingerprint(kRuleUncovered, finding.path, "");
  finding.message = fmt::format(
      "{} sensitive pattern{} that git would not ignore at the repository root: {}; `keyward audit --fix` appends "
      "them to .gitignore",
      patterns.size(), patterns.size() == 1 ? "" : "s", fmt::join(patterns, ", "));
  return finding;
}

}  // namespace keyward::audit
