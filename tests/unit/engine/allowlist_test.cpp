#include "scanner/engine/allowlist.h"

#include <gtest/gtest.h>

namespace keyward::engine {
namespace {

RuleSet with_allowlist(const Allowlist& allowlist) {
  Rule rule{.id = "r", .description = "d", .regex = "(x)", .allowlist = allowlist};
  auto set = RuleSet::compile({rule});
  EXPECT_TRUE(set.has_value());
  return std::move(*set);
}

TEST(Allowlist, StopwordsAreCaseInsensitiveSubstrings) {
  const RuleSet set =
      with_allowlist({.regexes = {}, .regex_target = RegexTarget::kSecret, .stopwords = {"Example"}, .paths = {}});
  const auto& allow = set.rules()[0].allowlist;
  EXPECT_TRUE(candidate_allowed(allow, {.secret = "AKIAIOSFODNN7EXAMPLE", .match = "", .line = ""}));
  EXPECT_FALSE(candidate_allowed(allow, {.secret = "no stop word here", .match = "", .line = ""}));
}

TEST(Allowlist, RegexesMatchTheSecretAndPathsThePath) {
  const RuleSet set = with_allowlist(
      {.regexes = {"^sk-test"}, .regex_target = RegexTarget::kSecret, .stopwords = {}, .paths = {"(^|/)fixtures/"}});
  const auto& allow = set.rules()[0].allowlist;
  EXPECT_TRUE(candidate_allowed(allow, {.secret = "sk-test-123", .match = "", .line = ""}));
  EXPECT_FALSE(candidate_allowed(allow, {.secret = "sk-live-123", .match = "", .line = ""}));
  EXPECT_TRUE(path_allowed(allow, "tests/fixtures/keys.txt"));
  EXPECT_FALSE(path_allowed(allow, "src/keys.txt"));
}

TEST(Allowlist, RegexTargetPicksTheMatchOrTheLine) {
  const RuleSet set =
      with_allowlist({.regexes = {"^export "}, .regex_target = RegexTarget::kLine, .stopwords = {}, .paths = {}});
  const auto& allow = set.rules()[0].allowlist;
  EXPECT_TRUE(candidate_allowed(allow, {.secret = "abc", .match = "KEY=abc", .line = "export KEY=abc"}));
  EXPECT_FALSE(candidate_allowed(allow, {.secret = "export x", .match = "export x", .line = "KEY=export x"}));
}

TEST(InlineAllow, RecognisesKeywardGitleaksAndDetectSecretsMarkers) {
  EXPECT_TRUE(line_has_inline_allow("key = 'abc'  # keyward:allow"));
  EXPECT_TRUE(line_has_inline_allow("key = 'abc'  // gitleaks:allow"));
  EXPECT_TRUE(line_has_inline_allow("key = 'abc'  # pragma: allowlist secret"));
  EXPECT_FALSE(line_has_inline_allow("key = 'abc'  # allow"));
}

}  // namespace
}  // namespace keyward::engine
