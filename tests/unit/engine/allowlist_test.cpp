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
  const RuleSet set = with_allowlist({.regexes = {}, .stopwords = {"Example"}, .paths = {}});
  const auto& allow = set.rules()[0].allowlist;
  EXPECT_TRUE(secret_allowed(allow, "AKIAIOSFODNN7EXAMPLE"));
  EXPECT_FALSE(secret_allowed(allow, "a-token-without-the-word"));
}

TEST(Allowlist, RegexesMatchTheSecretAndPathsThePath) {
  const RuleSet set = with_allowlist({.regexes = {"^sk-test"}, .stopwords = {}, .paths = {"(^|/)fixtures/"}});
  const auto& allow = set.rules()[0].allowlist;
  EXPECT_TRUE(secret_allowed(allow, "sk-test-123"));
  EXPECT_FALSE(secret_allowed(allow, "sk-live-123"));
  EXPECT_TRUE(path_allowed(allow, "tests/fixtures/keys.txt"));
  EXPECT_FALSE(path_allowed(allow, "src/keys.txt"));
}

TEST(InlineAllow, RecognisesKeywardGitleaksAndDetectSecretsMarkers) {
  EXPECT_TRUE(line_has_inline_allow("key = 'abc'  # keyward:allow"));
  EXPECT_TRUE(line_has_inline_allow("key = 'abc'  // gitleaks:allow"));
  EXPECT_TRUE(line_has_inline_allow("key = 'abc'  # pragma: allowlist secret"));
  EXPECT_FALSE(line_has_inline_allow("key = 'abc'  # allow"));
}

}  // namespace
}  // namespace keyward::engine
