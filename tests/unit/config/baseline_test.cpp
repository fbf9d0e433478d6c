#include "scanner/config/baseline.h"

#include <gtest/gtest.h>

#include <sstream>

#include "tests/support/temp_dir.h"

namespace keyward::config {
namespace {

report::Finding finding(std::string fingerprint, std::string path) {
  return {.rule_id = "r", .path = std::move(path), .fingerprint = std::move(fingerprint)};
}

TEST(Baseline, WrittenSortedAndUniqueThenReadBack) {
  report::Report report;
  report.findings = {finding("f2", "b"), finding("f1", "a"), finding("f2", "b")};
  std::ostringstream out;
  write_baseline(baseline_of(report), out);
  testing::TempDir dir;
  const auto read = read_baseline(dir.write("b.json", out.str()));
  ASSERT_TRUE(read) << read.error().message;
  ASSERT_EQ(read->entries.size(), 2u);
  EXPECT_EQ(read->entries[0].fingerprint, "f1");
  EXPECT_EQ(read->entries[1].path, "b");
}

TEST(Baseline, ApplyHidesKnownFindingsAndListsStaleEntries) {
  const Baseline baseline{.entries = {{.fingerprint = "f1"}, {.fingerprint = "gone"}}};
  report::Report report;
  report.findings = {finding("f1", "a"), finding("f1", "a"), finding("new", "c")};
  const auto outcome = apply_baseline(baseline, report);
  EXPECT_EQ(outcome.hidden, 2u);
  ASSERT_EQ(outcome.stale.size(), 1u);
  EXPECT_EQ(outcome.stale[0].fingerprint, "gone");
  ASSERT_EQ(report.findings.size(), 1u);
  EXPECT_EQ(report.findings[0].fingerprint, "new");
}

TEST(Baseline, RejectsWhatIsNotABaselineNamingTheFile) {
  testing::TempDir dir;
  for (const char* text :
       {"nope", "{}", R"({"findings": [{"fingerprint": 3}]})", R"({"version": 9, "findings": []})"}) {
    const std::string path = dir.write("bad.json", text);
    const auto read = read_baseline(path);
    ASSERT_FALSE(read) << text;
    EXPECT_EQ(read.error().message.rfind("baseline " + path + ": ", 0), 0u) << read.error().message;
  }
}

}  // namespace
}  // namespace keyward::config
