#include "scanner/audit/baseline_guard.h"

#include <gtest/gtest.h>

namespace keyward::audit {
namespace {

report::Finding finding_of(engine::Severity severity) {
  report::Finding finding;
  finding.rule_id = "some-rule";
  finding.severity = severity;
  return finding;
}

TEST(BaselineGuard, LeavesOutUntrackedCriticalSecretsAndUncommittedSensitiveFiles) {
  const auto list = load_builtin_sensitive_paths();
  ASSERT_TRUE(list) << list.error().message;
  const TrackedPaths tracked{.indexed = {".env", "deploy/staged.key", "src/app.py", "tests/fixture.json"},
                             .committed = {".env", "src/app.py"}};
  const auto critical = finding_of(engine::Severity::kCritical);
  const auto high = finding_of(engine::Severity::kHigh);
  // A staged test fixture's made-up key: what baselines are for.
  EXPECT_EQ(baseline_refusal(critical, "tests/fixture.json", tracked, *list), Refusal::kNone);
  // A critical secret nobody has added: removed and rotated, not baselined. A lesser one may be.
  EXPECT_EQ(baseline_refusal(critical, "notes/todo.txt", tracked, *list), Refusal::kUntrackedCritical);
  EXPECT_EQ(baseline_refusal(high, "notes/todo.txt", tracked, *list), Refusal::kNone);
  // A sensitive file that is not committed, staged or not, whatever the severity: kept out of git instead.
  EXPECT_EQ(baseline_refusal(high, "deploy/server.key", tracked, *list), Refusal::kUncommittedSensitiveFile);
  EXPECT_EQ(baseline_refusal(critical, "deploy/staged.key", tracked, *list), Refusal::kUncommittedSensitiveFile);
  // One committed long ago has leaked already: the audit says so; a baseline may hold its findings.
  EXPECT_EQ(baseline_refusal(critical, ".env", tracked, *list), Refusal::kNone);
  EXPECT_FALSE(advice(Refusal::kUntrackedCritical).empty());
  EXPECT_FALSE(advice(Refusal::kUncommittedSensitiveFile).empty());
}

}  // namespace
}  // namespace keyward::audit
