// The rule ids of the .gitignore audit and the one way its findings are made: a finding about a whole file (or a
// pattern), without a line or a secret, carrying what to do about it in `message`.
#pragma once

#include <string>
#include <vector>

#include "scanner/audit/sensitive_paths.h"
#include "scanner/report/report.h"

namespace keyward::audit {

inline constexpr const char* kRuleTracked = "sensitive-file-tracked";         // in the index or HEAD
inline constexpr const char* kRuleInHistory = "sensitive-file-in-history";    // --history: once committed
inline constexpr const char* kRuleExposed = "sensitive-file-exposed";         // on disk, untracked, not ignored
inline constexpr const char* kRuleUncovered = "sensitive-pattern-uncovered";  // no ignore rule covers it
inline constexpr const char* kRuleStaged = "sensitive-file-staged";           // the staged scan: about to be added

// Whether a finding of this rule makes `keyward audit` exit 1 (an uncovered pattern is a warning only).
bool blocks(const report::Finding& finding);

report::Finding make_finding(const char* rule_id, const SensitivePath& entry, std::string path,
                             engine::Severity severity, std::string message);

// The one kRuleUncovered finding: about the root .gitignore (the file to change, which reports can point at),
// listing the patterns no ignore rule covers in its message.
report::Finding uncovered_finding(const std::vector<std::string>& patterns);

}  // namespace keyward::audit
