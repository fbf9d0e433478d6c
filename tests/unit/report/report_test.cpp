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

Finding on_line(std::string rule_id, std::string secret, std::string line_text, Span marked,
                std::vector<Span> secrets_in_line) {
  Finding f;
  f.rule_id = std::move(rule_id);
  f.path = "a.yaml";
  f.line = 1;
  f.column = static_cast<int>(marked.start) + 1;
  f.secret = std::move(secret);
  f.line_text = std::move(line_text);
  f.marked = marked;
  f.secrets_in_line = std::move(secrets_in_line);
  return f;
}

// Issue 18: a quoted password (one rule's secret, quotes included) holding a generic rule's secret. The second
// finding's own span lay inside the first one's; its mark pointed past the shortened line and the text report threw.
TEST(Finalize, OverlappingSecretsOnALineAreHiddenAsOneAndEachMarkStaysInTheLine) {
  const std::string secret = std::string("UyFCXCpk") + "JHpEc2I9";
  const std::string line = "\tpassword: \"" + secret + "\"";
  const Span quoted{11, 11 + secret.size() + 2};
  const Span bare{12, 12 + secret.size()};
  Report report;
  report.findings.push_back(on_line("tf-password", "\"" + secret + "\"", line, quoted, {quoted, bare}));
  report.findings.push_back(on_line("generic", secret, line, bare, {quoted, bare}));
  finalize(report, Redaction::kRedact);
  for (const Finding& f : report.findings) {
    EXPECT_EQ(f.line_text, "\tpassword: \"UyF…") << f.rule_id;
    ASSERT_LE(f.marked.end, f.line_text.size()) << f.rule_id;
    EXPECT_EQ(f.line_text.substr(f.marked.start, f.marked.end - f.marked.start), "\"UyF…") << f.rule_id;
  }
}

TEST(Finalize, ASecretReachingPastAnotherOneShowsNoneOfItsTail) {
  Report report;
  report.findings.push_back(
      on_line("a", "ABCDEFGHIJKL", "k=ABCDEFGHIJKLMNOPQRST;", {2, 14}, {{2, 14}, {6, 22}, {40, 50}}));
  finalize(report, Redaction::kRedact);
  const Finding& f = report.findings[0];
  EXPECT_EQ(f.line_text, "k=ABCD…;");
  EXPECT_EQ(f.line_text.substr(f.marked.start, f.marked.end - f.marked.start), "ABCD…");
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
