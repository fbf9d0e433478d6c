#include <gtest/gtest.h>

#include <sstream>

#include "scanner/report/reporters.h"

namespace keyward::report {
namespace {

TEST(GithubAnnotation, EscapesPropertiesAndMessageAsTheRunnerUnescapesThem) {
  const Finding f{.rule_id = "mistral-api-key",
                  .description = "Mistral 100% key",
                  .severity = engine::Severity::kCritical,
                  .path = "dir,with:odd%\nname.env",
                  .line = 2,
                  .column = 17,
                  .end_line = 2,
                  .end_column = 49,
                  .secret = "As1n…",
                  .message = "line one\r\nline two"};
  EXPECT_EQ(github_annotation(f),
            "::error file=dir%2Cwith%3Aodd%25%0Aname.env,line=2,col=17,endLine=2,endColumn=49,"
            "title=keyward%3A mistral-api-key::Mistral 100%25 key: As1n…%0Aline one%0D%0Aline two");
}

TEST(GithubAnnotation, LowSeverityIsANoticeAndAWholeFileHasNoLine) {
  const Finding f{.rule_id = "sensitive-pattern-uncovered",
                  .description = "uncovered",
                  .severity = engine::Severity::kLow,
                  .path = ".gitignore"};
  EXPECT_EQ(github_annotation(f), "::notice file=.gitignore,title=keyward%3A sensitive-pattern-uncovered::uncovered");
}

TEST(GithubAnnotation, GitFindingsNameTheirCommit) {
  const Finding f{.rule_id = "r",
                  .description = "d",
                  .severity = engine::Severity::kMedium,
                  .path = "a",
                  .line = 1,
                  .column = 1,
                  .end_line = 1,
                  .end_column = 2,
                  .secret = "x…",
                  .git = {.commit = "0123456789abcdef0123", .author = "Ann"}};
  EXPECT_EQ(
      github_annotation(f),
      "::warning file=a,line=1,col=1,endLine=1,endColumn=2,title=keyward%3A r::d: x… in commit 0123456789ab by Ann");
}

TEST(Sarif, RulesHoldOnlyRulesWithResultsInIdOrderAndResultsPointAtThem) {
  Report report;
  for (const char* id : {"zeta", "alpha", "zeta"}) {
    report.findings.push_back({.rule_id = id,
                               .description = "d",
                               .path = "p",
                               .line = 1,
                               .column = 1,
                               .end_line = 1,
                               .end_column = 3,
                               .secret = "s…",
                               .fingerprint = "f"});
  }
  std::ostringstream out;
  write_sarif(report, out);
  const std::string sarif = out.str();
  const auto alpha = sarif.find("\"id\": \"alpha\"");
  const auto zeta = sarif.find("\"id\": \"zeta\"");
  ASSERT_NE(alpha, std::string::npos);
  ASSERT_NE(zeta, std::string::npos);
  EXPECT_LT(alpha, zeta);
  EXPECT_EQ(sarif.find("\"id\": \"zeta\"", zeta + 1), std::string::npos);  // one entry per rule
  EXPECT_NE(sarif.find("\"ruleIndex\": 1"), std::string::npos);
  EXPECT_NE(sarif.find("\"keywardFingerprint/v1\": \"f\""), std::string::npos);
}

}  // namespace
}  // namespace keyward::report
