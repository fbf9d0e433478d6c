#include "scanner/report/report.h"

#include <gtest/gtest.h>

#include "scanner/report/fingerprint.h"

namespace keyward::report {
namespace {

TEST(Redact, KeepsAFewLeadingCharactersOnly) {
  EXPECT_EQ(redact("WK59PFkl0JfI2yyVlbPegBPrUhRZdsvD"), "WK59…");
  EXPECT_EQ(redact("hunter22"), "hu…");
  EXPECT_EQ(redact("abc"), "…");
}

TEST(Finalize, SortsByPathLineColumnAndRedactsEverySecretOnTheLine) {
  Report report;
  report.findings.push_back({.rule_id = "b",
                             .path = "z.txt",
                             .line = 1,
                             .column = 1,
                             .secret = "SECRETONE1234567",
                             .line_text = "x",
                             .marked = {0, 1},
                             .secrets_in_line = {{0, 1}}});
  Finding two{.rule_id = "a",
              .path = "a.txt",
              .line = 3,
              .column = 5,
              .secret = "SECRETTWO1234567",
              .line_text = "k=SECRETTWO1234567 j=SECRETONE1234567",
              .marked = {2, 18},
              .secrets_in_line = {{2, 18}, {21, 37}}};
  report.findings.push_back(two);
  finalize(report, Redaction::kRedact);
  ASSERT_EQ(report.findings.size(), 2u);
  EXPECT_EQ(report.findings[0].path, "a.txt");
  EXPECT_EQ(report.findings[0].secret, "SECR…");
  EXPECT_EQ(report.findings[0].line_text, "k=SECR… j=SECR…");
  EXPECT_EQ(report.findings[0].line_text.substr(report.findings[0].marked.start,
                                                report.findings[0].marked.end - report.findings[0].marked.start),
            "SECR…");
}

TEST(Finalize, ShowKeepsSecrets) {
  Report report;
  report.findings.push_back({.rule_id = "a",
                             .path = "a",
                             .secret = "SECRETONE1234567",
                             .line_text = "SECRETONE1234567",
                             .marked = {0, 16},
                             .secrets_in_line = {{0, 16}}});
  finalize(report, Redaction::kShow);
  EXPECT_EQ(report.findings[0].secret, "SECRETONE1234567");
  EXPECT_EQ(report.findings[0].line_text, "SECRETONE1234567");
}

TEST(Fingerprint, DependsOnRulePathAndSecretButIsNotTheSecret) {
  const std::string f = fingerprint("rule", "a.txt", "WK59PFkl0JfI2yyVlbPegBPrUhRZdsvD");
  EXPECT_EQ(f.size(), 32u);
  EXPECT_EQ(f, fingerprint("rule", "a.txt", "WK59PFkl0JfI2yyVlbPegBPrUhRZdsvD"));
  EXPECT_NE(f, fingerprint("rule", "b.txt", "WK59PFkl0JfI2yyVlbPegBPrUhRZdsvD"));
  EXPECT_NE(f, fingerprint("other", "a.txt", "WK59PFkl0JfI2yyVlbPegBPrUhRZdsvD"));
  EXPECT_EQ(f.find("WK59"), std::string::npos);
}

}  // namespace
}  // namespace keyward::report
