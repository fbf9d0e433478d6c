#include "scanner/audit/gitignore_fix.h"

#include <gtest/gtest.h>

namespace keyward::audit {
namespace {

const std::string kHeader(kFixHeader);

TEST(GitignoreFix, AppendsOneCommentedBlockAfterABlankLine) {
  EXPECT_EQ(append_patterns("node_modules/\n*.log\n", {".env", "*.pem"}),
            "node_modules/\n*.log\n\n" + kHeader + "\n.env\n*.pem\n");
}

TEST(GitignoreFix, AnEmptyOrMissingFileGetsJustTheBlock) {
  EXPECT_EQ(append_patterns("", {".env"}), kHeader + "\n.env\n");
}

TEST(GitignoreFix, IsIdempotentAndSkipsPatternsAlreadyThere) {
  const std::string once = append_patterns("build/\n.env\n", {".env", "*.key"});
  EXPECT_EQ(once, "build/\n.env\n\n" + kHeader + "\n*.key\n");
  EXPECT_EQ(append_patterns(once, {".env", "*.key"}), once);
  EXPECT_EQ(append_patterns(once, {}), once);
  EXPECT_EQ(append_patterns("a\n", {"x", "x"}), "a\n\n" + kHeader + "\nx\n");
}

TEST(GitignoreFix, KeepsAMissingFinalNewlineMissing) {
  const std::string old = "build/\n# last line, no newline";
  const std::string fixed = append_patterns(old, {".env", "*.pem"});
  EXPECT_EQ(fixed, old + "\n\n" + kHeader + "\n.env\n*.pem");
  EXPECT_TRUE(fixed.starts_with(old + "\n"));  // the old last line keeps its text, on a line of its own
  EXPECT_NE(fixed.back(), '\n');
  EXPECT_EQ(append_patterns(fixed, {".env", "*.pem"}), fixed);
}

TEST(GitignoreFix, NeverRemovesReordersOrNegatesUnasked) {
  const std::string old = "!keep.env\n.env\n\n\n*.tmp   \r\n";
  const std::string fixed = append_patterns(old, {".env.local"});
  EXPECT_TRUE(fixed.starts_with(old));
  EXPECT_EQ(fixed.substr(old.size()).find('!'), std::string::npos);
}

TEST(GitignoreFix, ReincludesTemplatesOnlyAfterANewPattern) {
  const std::string fixed = append_patterns("a\n", {".env.*"}, {".env.example", ".env.sample"});
  EXPECT_EQ(fixed, "a\n\n" + kHeader + "\n.env.*\n!.env.example\n!.env.sample\n");
  EXPECT_EQ(append_patterns(fixed, {".env.*"}, {".env.example", ".env.sample"}), fixed);
  EXPECT_EQ(append_patterns("a\n", {}, {".env.example"}), "a\n");
}

TEST(GitignoreFix, FollowsCrlfLineEndings) {
  EXPECT_EQ(append_patterns("a\r\nb\r\n", {".env"}), "a\r\nb\r\n\r\n" + kHeader + "\r\n.env\r\n");
}

}  // namespace
}  // namespace keyward::audit
