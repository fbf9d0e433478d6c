// Every built-in rule compiles in both engines, every example is found by its rule alone, and every negative
// example is found by no rule of its category: the same proof `keyward rules check` gives.
#include <gtest/gtest.h>

#include <set>
#include <string>

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

// Issue 17: the providers and formats of gitleaks' rule set that the default rules did not cover, each by a rule
// of its own whose examples (made-up values) are found by it alone and whose negative examples by no rule.
TEST(BuiltinRules, Issue17ProvidersAndFormatsHaveProvenRules) {
  const std::set<std::string> wanted = {
      "kucoin-api-key",
      "kucoin-api-secret",
      "kraken-api-secret",
      "adobe-client-secret",
      "rapidapi-key",
      "sendbird-api-token",
      "squarespace-api-key",
      "sumologic-access-key",
      "messagebird-api-key",
      "looker-client-secret",
      "settlemint-access-token",
      "gitter-access-token",
      "cisco-meraki-api-key",
      "finicity-api-token",
      "finicity-client-secret",
      "etsy-api-key",
      "sourcegraph-access-token",
      "sourcegraph-access-token-legacy",
      "microsoft-teams-incoming-webhook",
      "curl-user-password",
      "sidekiq-gem-credentials",
      "sentry-auth-token-legacy",
  };
  auto builtin = load_builtin_rules();
  ASSERT_TRUE(builtin.has_value()) << builtin.error().message;
  RuleFile under_test;
  for (const auto& rule : builtin->rules) {
    if (wanted.contains(rule.id)) under_test.rules.push_back(rule);
  }
  ASSERT_EQ(under_test.rules.size(), wanted.size());
  auto result = check_rules(under_test, *builtin, ExampleCount::kRequireTwo);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  std::string problems;
  for (const auto& p : result->problems) problems += p + "\n";
  EXPECT_TRUE(result->problems.empty()) << problems;
  EXPECT_GE(result->examples, 2 * wanted.size());
}

}  // namespace
}  // namespace keyward::config
