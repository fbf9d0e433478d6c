// Every built-in rule compiles in both engines, every example is found by its rule alone, and every negative
// example is found by no rule of its category: the same proof `keyward rules check` gives.
#include <gtest/gtest.h>

#include "scanner/config/rule_check.h"

namespace keyward::config {
namespace {

TEST(BuiltinRules, ProveTheirExamples) {
  auto builtin = load_builtin_rules();
  ASSERT_TRUE(builtin.has_value()) << builtin.error().message;
  auto result = check_rules(*builtin, *builtin, ExampleCount::kRequireTwo);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  std::string problems;
  for (const auto& p : result->problems) problems += p + "\n";
  EXPECT_TRUE(result->problems.empty()) << problems;
  EXPECT_EQ(result->rules, builtin->rules.size());
  EXPECT_GE(result->examples, 2 * result->rules);
}

}  // namespace
}  // namespace keyward::config
