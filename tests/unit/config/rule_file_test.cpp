#include "scanner/config/rule_file.h"

#include <gtest/gtest.h>

namespace keyward::config {
namespace {

TEST(RuleFile, ParsesEveryField) {
  const auto file = parse_rule_file(R"toml(
[allowlist]
stopwords = ["placeholder"]

[[rules]]
id = "acme-token"
description = "Acme token"
regex = '''acme_([a-z0-9]{20})'''
secret_group = 1
keywords = ["acme"]
keyword_distance = 64
triggers = ['acme_', '_[0-9]']
entropy = 3.2
checks = ["not_hex", "luhn"]
category = "personal-data"
severity = "critical"
fallback = true
examples = ["a", "b"]
negative_examples = ["c"]
[rules.allowlist]
regexes = ["^x"]
stopwords = ["y"]
paths = ["z"]
)toml",
                                    "acme.toml");
  ASSERT_TRUE(file.has_value()) << file.error().message;
  ASSERT_EQ(file->rules.size(), 1u);
  const auto& r = file->rules[0];
  EXPECT_EQ(r.id, "acme-token");
  EXPECT_EQ(r.secret_group, 1);
  EXPECT_EQ(r.keyword_distance, 64);
  EXPECT_EQ(r.triggers, (std::vector<std::string>{"acme_", "_[0-9]"}));
  EXPECT_DOUBLE_EQ(r.min_entropy, 3.2);
  EXPECT_EQ(r.checks.size(), 2u);
  EXPECT_EQ(r.category, engine::Category::kPersonalData);
  EXPECT_EQ(r.severity, engine::Severity::kCritical);
  EXPECT_TRUE(r.fallback);
  ASSERT_EQ(r.allowlists.size(), 1u);
  EXPECT_EQ(r.allowlists[0].paths, std::vector<std::string>{"z"});
  EXPECT_EQ(r.source, "acme.toml");
  ASSERT_EQ(file->allowlists.size(), 1u);
  EXPECT_EQ(file->allowlists[0].stopwords, std::vector<std::string>{"placeholder"});
}

TEST(RuleFile, ListsEveryBadRuleWithFileAndId) {
  const auto file = parse_rule_file(R"toml(
[[rules]]
id = "one"
description = "x"
regex = "(a)"
severity = "urgent"

[[rules]]
id = "two"
description = "x"
regex = "(a)"
checks = ["sha1"]
colour = "red"
)toml",
                                    "bad.toml");
  ASSERT_FALSE(file.has_value());
  const std::string& m = file.error().message;
  EXPECT_NE(m.find("bad.toml:6: one: severity must be"), std::string::npos) << m;
  EXPECT_NE(m.find("bad.toml:12: two: unknown check 'sha1'"), std::string::npos) << m;
  EXPECT_NE(m.find("bad.toml:13: two: unknown key 'colour'"), std::string::npos) << m;
}

// Found by the rule-file fuzzer: a rule without an id (a typo such as `secretid`) is named by its place, and that
// placeholder is not checked as if the user had written it.
TEST(RuleFile, ARuleWithoutAnIdIsMissingItsIdAndNothingElseAboutIt) {
  const auto file = parse_rule_file("[[rules]]\nsecretid = \"c\"\ndescription = \"d\"\nregex = '(a)'\n", "no-id.toml");
  ASSERT_FALSE(file.has_value());
  const std::string& m = file.error().message;
  EXPECT_NE(m.find("missing id"), std::string::npos) << m;
  EXPECT_NE(m.find("unknown key 'secretid'"), std::string::npos) << m;
  EXPECT_EQ(m.find("lower-case"), std::string::npos) << m;
}

TEST(RuleFile, ReportsTomlSyntaxErrorsWithLineAndColumn) {
  const auto file = parse_rule_file("[[rules]]\nid = \"x\nregex = 1\n", "broken.toml");
  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(file.error().message.rfind("broken.toml:2:", 0), 0u) << file.error().message;
}

TEST(RuleFile, BuiltinRulesParse) {
  const auto builtin = load_builtin_rules();
  ASSERT_TRUE(builtin.has_value()) << builtin.error().message;
  EXPECT_FALSE(builtin->rules.empty());
  ASSERT_FALSE(builtin->allowlists.empty());
  EXPECT_FALSE(builtin->allowlists[0].stopwords.empty());
}

}  // namespace
}  // namespace keyward::config
