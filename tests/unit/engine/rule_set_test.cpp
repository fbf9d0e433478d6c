#include "scanner/engine/rule_set.h"

#include <gtest/gtest.h>

namespace keyward::engine {
namespace {

Rule rule(std::string id, std::string regex) {
  return Rule{.id = std::move(id), .description = "test rule", .regex = std::move(regex), .source = "test.toml"};
}

TEST(RuleSet, CompilesRulesAndDeduplicatesKeywordsCaselessly) {
  Rule a = rule("a", R"(tok_([a-z]{8}))");
  a.keywords = {"Mistral", "other"};
  Rule b = rule("b", R"(key_([0-9]{8}))");
  b.keywords = {"mistral"};
  auto set = RuleSet::compile({a, b});
  ASSERT_TRUE(set.has_value()) << set.error().message;
  EXPECT_EQ(set->rules().size(), 2u);
  EXPECT_EQ(set->keywords().size(), 2u);
  EXPECT_EQ(set->rules()[0].keyword_ids[0], set->rules()[1].keyword_ids[0]);
}

TEST(RuleSet, ReportsEveryBadRuleWithFileAndId) {
  auto set = RuleSet::compile({rule("bad-one", "(unclosed"), rule("good", "(ok)"), rule("bad-two", "a(?<=b)")});
  ASSERT_FALSE(set.has_value());
  EXPECT_NE(set.error().message.find("test.toml: bad-one: bad regex"), std::string::npos) << set.error().message;
  EXPECT_NE(set.error().message.find("test.toml: bad-two: bad regex"), std::string::npos) << set.error().message;
}

TEST(RuleSet, RejectsDuplicateIdsAndASecretGroupTheRegexLacks) {
  Rule grouped = rule("g", "(a)(b)");
  grouped.secret_group = 3;
  auto set = RuleSet::compile({rule("same", "(x)"), rule("same", "(y)"), grouped});
  ASSERT_FALSE(set.has_value());
  EXPECT_NE(set.error().message.find("same: duplicate rule id"), std::string::npos);
  EXPECT_NE(set.error().message.find("g: secret_group 3"), std::string::npos);
}

TEST(RuleSet, NamesTheRuleWhoseRegexRe2TakesButHyperscanDoesNot) {
  // RE2's ungreedy flag has no Hyperscan equivalent, not even in prefilter mode.
  auto set = RuleSet::compile({rule("fine", "(ok)"), rule("ungreedy", "(?U)(a+b)")});
  ASSERT_FALSE(set.has_value());
  EXPECT_NE(set.error().message.find("test.toml: ungreedy: hyperscan cannot compile the regex"), std::string::npos)
      << set.error().message;
}

TEST(RuleSet, RejectsRepeatCountsOverRe2sLimit) {
  auto set = RuleSet::compile({rule("big", R"(begin([A-Za-z0-9+/=\s]{64,8000})end)")});
  ASSERT_FALSE(set.has_value());
  EXPECT_NE(set.error().message.find("big: bad regex: invalid repetition size"), std::string::npos);
}

TEST(RuleSet, PhoneCheckNeedsAValidator) {
  Rule phone = rule("phone", R"((\+[0-9 ]{8,15}))");
  phone.checks = {Check::kPhone};
  EXPECT_FALSE(RuleSet::compile({phone}).has_value());
  EXPECT_TRUE(RuleSet::compile({phone}, {.global_allowlists = {}, .phone_check = [](std::string_view) { return true; }})
                  .has_value());
}

}  // namespace
}  // namespace keyward::engine
