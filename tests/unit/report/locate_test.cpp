#include "scanner/report/locate.h"

#include <gtest/gtest.h>

#include "scanner/engine/engine.h"

namespace keyward::report {
namespace {

engine::RuleSet compile(engine::Rule rule) {
  auto set = engine::RuleSet::compile({std::move(rule)});
  EXPECT_TRUE(set.has_value());
  return std::move(*set);
}

std::vector<Finding> find(const engine::RuleSet& set, std::string_view path, std::string_view text) {
  auto scratch = engine::Scratch::create(set);
  auto matches = engine::scan(set, text, *scratch, {.path = path, .commit = {}});
  return locate(set, path, text, *matches);
}

TEST(Locate, GivesOneBasedLineAndColumnsOfTheSecret) {
  const auto set = compile({.id = "tok", .description = "d", .regex = R"(tok_([a-z]{6}))"});
  const auto findings = find(set, "f.txt", "first\r\nsecond tok_abcdef\nthird tok_ghijkl");
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].line, 2);
  EXPECT_EQ(findings[0].column, 12);
  EXPECT_EQ(findings[0].end_column, 18);
  EXPECT_EQ(findings[0].line_text, "second tok_abcdef");
  EXPECT_EQ(findings[1].line, 3);
  EXPECT_EQ(findings[1].column, 11);
}

TEST(Locate, InlineAllowAndAllowlistedPathsDropFindings) {
  engine::Rule rule{.id = "tok", .description = "d", .regex = R"(tok_([a-z]{6}))"};
  engine::Allowlist fixtures;
  fixtures.paths = {"(^|/)fixtures/"};
  rule.allowlists = {fixtures};
  const auto set = compile(rule);
  EXPECT_EQ(find(set, "src/a.py", "x = 'tok_abcdef'  # keyward:allow\ny = 'tok_ghijkl'\n").size(), 1u);
  EXPECT_EQ(find(set, "tests/fixtures/a.py", "y = 'tok_ghijkl'\n").size(), 0u);
}

TEST(Locate, ARuleOnPathsAloneFindsTheFileItself) {
  engine::Rule rule;
  rule.id = "pkcs12-file";
  rule.description = "PKCS #12 file";
  rule.path = R"((?i)(?:^|/)[^/]+\.p(?:12|fx)$)";
  const auto set = compile(rule);
  const auto findings = path_findings(set, {.path = "certs/client.P12", .commit = ""});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].rule_id, "pkcs12-file");
  EXPECT_EQ(findings[0].path, "certs/client.P12");
  EXPECT_EQ(findings[0].line, 0);
  EXPECT_EQ(findings[0].secret, "");
  EXPECT_TRUE(path_findings(set, {.path = "certs/client.pem", .commit = ""}).empty());
  EXPECT_TRUE(find(set, "certs/client.p12", "bytes of the file").empty());  // its content is never matched
}

TEST(Locate, MultiLineSecretEndsOnItsLastLine) {
  const auto set = compile({.id = "blk", .description = "d", .regex = R"(BEGIN\n([a-z\n]{10,200})\nEND)"});
  const auto findings = find(set, "k.pem", "BEGIN\nabcdefghij\nklmnopqrst\nEND\n");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].line, 2);
  EXPECT_EQ(findings[0].end_line, 3);
  EXPECT_EQ(findings[0].end_column, 11);
}

TEST(Locate, ExcerptOfAHugeLineStaysAroundTheSecret) {
  const auto set = compile({.id = "tok", .description = "d", .regex = R"(tok_([a-z]{6}))"});
  const std::string text = std::string(100000, 'x') + " tok_abcdef " + std::string(100000, 'y');
  const auto findings = find(set, "min.js", text);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_LE(findings[0].line_text.size(), 6 + 2 * kExcerptContextBytes);
  EXPECT_EQ(findings[0].column, 100006);
}

// Found by the linear benchmark (issue 17): 25,000 findings on one megabyte line each looked for the line's end
// and its inline allow again. Positions and allow verdicts must stay right when the line's are found once.
TEST(Locate, ManyFindingsOnOneLongLineShareItsEndAndItsAllow) {
  engine::Rule rule;
  rule.id = std::string("tok");
  rule.description = std::string("d");
  rule.regex = std::string(R"(tok_([a-z]{6}))");
  const auto set = compile(rule);
  std::string allowed_line, line;
  for (int i = 0; i < 2000; ++i) {
    allowed_line += "tok_abcdef ";
    line += "tok_ghijkl ";
  }
  const std::string text = allowed_line + "# keyward:allow\n" + line + "\nlast tok_mnopqr";
  const auto findings = find(set, "min.js", text);
  ASSERT_EQ(findings.size(), 2001u);
  EXPECT_EQ(findings[0].line, 2);
  EXPECT_EQ(findings[0].column, 5);
  EXPECT_EQ(findings[1999].line, 2);
  EXPECT_EQ(findings[1999].column, 1999 * 11 + 5);
  EXPECT_EQ(findings[1999].end_line, 2);
  EXPECT_EQ(findings[2000].line, 3);
  EXPECT_EQ(findings[2000].column, 10);
}

}  // namespace
}  // namespace keyward::report
