// Rules prove themselves: every example is found by its rule and by no other rule of its category, and every
// negative example is found by no rule of its category. Used by `keyward rules check` and the rules test.
#pragma once

#include <string>
#include <vector>

#include "scanner/config/rule_file.h"
#include "scanner/error.h"

namespace keyward::config {

enum class ExampleCount { kRequireTwo, kAny };

struct RuleCheckResult {
  std::size_t rules = 0;
  std::size_t examples = 0;
  std::size_t negative_examples = 0;
  std::vector<std::string> problems;  // "file: rule: what is wrong", one each
};

// Checks `under_test` in the company of `context` (the built-ins): a rule under test replaces a context rule
// of the same id. Fails only when the rules do not compile.
Expected<RuleCheckResult> check_rules(const RuleFile& under_test, const RuleFile& context, ExampleCount count);

}  // namespace keyward::config
