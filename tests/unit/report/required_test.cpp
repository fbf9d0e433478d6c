#include "scanner/report/required.h"

#include <gtest/gtest.h>

namespace keyward::report {
namespace {

// Built from strings, not literals: gcc 12 warns falsely (-Wrestrict) on a literal assigned to these fields.
engine::Rule rule(std::string id, std::string regex) {
  engine::Rule out;
  out.id = std::move(id);
  out.description = out.id;
  out.regex = std::move(regex);
  return out;
}

engine::RuleSet composite_rules(std::optional<int> within_lines) {
  engine::Rule id = rule("client-id", "(cid_[a-z]{4})");
  id.skip_report = true;
  engine::Rule secret = rule("client-secret", "(cs_[a-z]{4})");
  secret.required = {{.id = "client-id", .within_lines = within_lines, .within_columns = std::nullopt}};
  auto set = engine::RuleSet::compile({id, secret});
  EXPECT_TRUE(set) << set.error().message;
  return std::move(*set);
}

Finding at(std::string rule_id, int line) {
  Finding f;
  f.rule_id = std::move(rule_id);
  f.line = line;
  f.column = 1;
  return f;
}

std::vector<std::string> ids(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const auto& f : findings) out.push_back(f.rule_id + "@" + std::to_string(f.line));
  return out;
}

TEST(RequiredRules, APrimaryStandsOnlyWithItsRequiredRuleNearAndSkipReportFindingsGo) {
  const auto set = composite_rules(2);
  std::vector<Finding> findings{at("client-id", 1), at("client-secret", 2), at("client-secret", 9)};
  apply_required_rules(set, findings);
  EXPECT_EQ(ids(findings), std::vector<std::string>{"client-secret@2"});

  std::vector<Finding> alone{at("client-secret", 2)};
  apply_required_rules(set, alone);
  EXPECT_TRUE(alone.empty());
}

TEST(RequiredRules, WithoutBoundsAnywhereInTheItemWillDo) {
  const auto set = composite_rules(std::nullopt);
  std::vector<Finding> findings{at("client-id", 1), at("client-secret", 900)};
  apply_required_rules(set, findings);
  EXPECT_EQ(ids(findings), std::vector<std::string>{"client-secret@900"});
}

TEST(RequiredRules, ARequiredRuleOutsideTheSetIsACompileError) {
  engine::Rule secret = rule("client-secret", "(cs_[a-z]{4})");
  secret.required = {{.id = "client-id", .within_lines = std::nullopt, .within_columns = std::nullopt}};
  const auto set = engine::RuleSet::compile({secret});
  ASSERT_FALSE(set);
  EXPECT_NE(set.error().message.find("requires rule 'client-id', which is not in the rule set"), std::string::npos);
}

}  // namespace
}  // namespace keyward::report
