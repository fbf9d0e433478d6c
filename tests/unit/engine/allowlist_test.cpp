#include "scanner/engine/allowlist.h"

#include <gtest/gtest.h>

namespace keyward::engine {
namespace {

RuleSet with_allowlists(std::vector<Allowlist> allowlists, std::string path = "") {
  Rule rule;
  rule.id = std::string("r");  // assigned as strings: gcc 12 warns falsely (-Wrestrict) on a literal here
  rule.description = rule.id;
  rule.regex = std::string("(x)");
  rule.path = std::move(path);
  rule.allowlists = std::move(allowlists);
  auto set = RuleSet::compile({rule});
  EXPECT_TRUE(set.has_value()) << set.error().message;
  return std::move(*set);
}

Allowlist regexes(std::vector<std::string> patterns, RegexTarget target = RegexTarget::kSecret) {
  Allowlist allowlist;
  allowlist.regexes = std::move(patterns);
  allowlist.regex_target = target;
  return allowlist;
}

Candidate secret(std::string_view text) { return {.secret = text, .match = text, .line = text}; }

const Item kNowhere{.path = "", .commit = ""};

TEST(Allowlist, StopwordsAreCaseInsensitiveSubstrings) {
  Allowlist allowlist;
  allowlist.stopwords = {"Example"};
  const RuleSet set = with_allowlists({allowlist});
  const auto& allow = set.rules()[0].allowlists;
  EXPECT_TRUE(candidate_allowed(allow, secret("AKIAIOSFODNN7EXAMPLE"), kNowhere));
  EXPECT_FALSE(candidate_allowed(allow, secret("no stop word here"), kNowhere));
}

TEST(Allowlist, RegexesMatchTheSecretAndPathsThePath) {
  Allowlist allowlist = regexes({"^sk-test"});
  allowlist.paths = {"(^|/)fixtures/"};
  const RuleSet set = with_allowlists({allowlist});
  const auto& allow = set.rules()[0].allowlists;
  EXPECT_TRUE(candidate_allowed(allow, secret("sk-test-123"), kNowhere));
  EXPECT_FALSE(candidate_allowed(allow, secret("sk-live-123"), kNowhere));
  EXPECT_TRUE(candidate_allowed(allow, secret("sk-live-123"), {.path = "tests/fixtures/keys.txt", .commit = ""}));
  EXPECT_TRUE(item_allowed(allow, {.path = "tests/fixtures/keys.txt", .commit = ""}));
  EXPECT_FALSE(item_allowed(allow, {.path = "src/keys.txt", .commit = ""}));
}

TEST(Allowlist, RegexTargetPicksTheMatchOrTheLine) {
  const RuleSet set = with_allowlists({regexes({"^export "}, RegexTarget::kLine)});
  const auto& allow = set.rules()[0].allowlists;
  EXPECT_TRUE(candidate_allowed(allow, {.secret = "abc", .match = "KEY=abc", .line = "export KEY=abc"}, kNowhere));
  EXPECT_FALSE(candidate_allowed(allow, {.secret = "export x", .match = "export x", .line = "KEY=export x"}, kNowhere));
}

// gitleaks' `[[rules.allowlists]]`: several per rule, each with its own regexTarget; any one of them allows.
TEST(Allowlist, EachOfSeveralAllowlistsSearchesItsOwnTarget) {
  const RuleSet set = with_allowlists({regexes({"^[a-z_]+$"}), regexes({"(?i)api[_.-]?version"}, RegexTarget::kMatch)});
  const auto& allow = set.rules()[0].allowlists;
  EXPECT_TRUE(candidate_allowed(allow, {.secret = "only_letters", .match = "key=only_letters", .line = ""}, kNowhere));
  EXPECT_TRUE(candidate_allowed(allow, {.secret = "v2024x10", .match = "API_VERSION=v2024x10", .line = ""}, kNowhere));
  EXPECT_FALSE(candidate_allowed(allow, {.secret = "v2024x10", .match = "api_key=v2024x10", .line = ""}, kNowhere));
}

// condition = "AND": every kind of entry the allowlist sets must hold (here a regex on the match and a path).
TEST(Allowlist, AllConditionNeedsEveryKindItSets) {
  Allowlist allowlist = regexes({"(?i)parseur[il]"}, RegexTarget::kMatch);
  allowlist.paths = {R"(package-lock\.json)"};
  allowlist.condition = AllowCondition::kAll;
  const RuleSet set = with_allowlists({allowlist});
  const auto& allow = set.rules()[0].allowlists;
  const Candidate parseur{.secret = "abc123", .match = "parseuri: abc123", .line = ""};
  EXPECT_TRUE(candidate_allowed(allow, parseur, {.path = "web/package-lock.json", .commit = ""}));
  EXPECT_FALSE(candidate_allowed(allow, parseur, {.path = "web/package.json", .commit = ""}));
  EXPECT_FALSE(candidate_allowed(allow, secret("abc123"), {.path = "web/package-lock.json", .commit = ""}));
  // Not decided before the finding: it needs the regex too.
  EXPECT_FALSE(item_allowed(allow, {.path = "web/package-lock.json", .commit = ""}));
}

TEST(Allowlist, CommitsMatchTheItemsCommitInAnyCase) {
  Allowlist allowlist;
  allowlist.commits = {"0123456789ABCDEF0123456789ABCDEF01234567"};
  Allowlist both = allowlist;
  both.paths = {R"(\.env$)"};
  both.condition = AllowCondition::kAll;
  const RuleSet set = with_allowlists({allowlist});
  const RuleSet set_both = with_allowlists({both});
  const Item in_commit{.path = "a.txt", .commit = "0123456789abcdef0123456789abcdef01234567"};
  const Item elsewhere{.path = "a.env", .commit = "1123456789abcdef0123456789abcdef01234567"};
  EXPECT_TRUE(item_allowed(set.rules()[0].allowlists, in_commit));
  EXPECT_FALSE(item_allowed(set.rules()[0].allowlists, elsewhere));
  EXPECT_FALSE(item_allowed(set.rules()[0].allowlists, {.path = "a.txt", .commit = ""}));
  EXPECT_FALSE(item_allowed(set_both.rules()[0].allowlists, in_commit));
  EXPECT_TRUE(item_allowed(set_both.rules()[0].allowlists,
                           {.path = "x/a.env", .commit = "0123456789abcdef0123456789abcdef01234567"}));
}

TEST(RuleApplies, APathPatternNarrowsTheRuleToMatchingPaths) {
  const RuleSet set = with_allowlists({}, R"((?i)\.(?:tf|hcl)$)");
  EXPECT_TRUE(rule_applies(set.rules()[0], {.path = "infra/main.TF", .commit = ""}));
  EXPECT_FALSE(rule_applies(set.rules()[0], {.path = "infra/main.yaml", .commit = ""}));
  EXPECT_FALSE(rule_applies(set.rules()[0], kNowhere));
}

TEST(InlineAllow, RecognisesKeywardGitleaksAndDetectSecretsMarkers) {
  EXPECT_TRUE(line_has_inline_allow("key = 'abc'  # keyward:allow"));
  EXPECT_TRUE(line_has_inline_allow("key = 'abc'  // gitleaks:allow"));
  EXPECT_TRUE(line_has_inline_allow("key = 'abc'  # pragma: allowlist secret"));
  EXPECT_FALSE(line_has_inline_allow("key = 'abc'  # allow"));
}

}  // namespace
}  // namespace keyward::engine
