#include "scanner/cli/suggest.h"

#include <gtest/gtest.h>

namespace keyward::cli {
namespace {

TEST(Suggest, EditDistanceCountsInsertionsDeletionsSubstitutionsAndSwaps) {
  EXPECT_EQ(edit_distance("scan", "scan"), 0u);
  EXPECT_EQ(edit_distance("scna", "scan"), 1u);  // neighbours swapped
  EXPECT_EQ(edit_distance("lst", "list"), 1u);
  EXPECT_EQ(edit_distance("--formt", "--format"), 1u);
  EXPECT_EQ(edit_distance("SCAN", "scan"), 0u);  // case does not count
  EXPECT_EQ(edit_distance("", "git"), 3u);
  EXPECT_EQ(edit_distance("audit", ""), 5u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(Suggest, ClosestMatchIsTheNearestCloseEnoughCandidate) {
  const std::vector<std::string> commands = {"scan", "baseline", "git", "audit", "filter", "install-hook", "rules"};
  EXPECT_EQ(closest_match("scna", commands), "scan");
  EXPECT_EQ(closest_match("baselin", commands), "baseline");
  EXPECT_EQ(closest_match("gti", commands), "git");
  EXPECT_EQ(closest_match("install-hok", commands), "install-hook");
  EXPECT_EQ(closest_match("deploy", commands), std::nullopt);  // nothing near enough to be meant
  EXPECT_EQ(closest_match("x", commands), std::nullopt);
  const std::vector<std::string> options = {"--format", "--report-path", "--no-redact", "--no-ignore", "-f", "-o"};
  EXPECT_EQ(closest_match("--formt", options), "--format");
  EXPECT_EQ(closest_match("--no-ignroe", options), "--no-ignore");
  EXPECT_EQ(closest_match("-format", options), "--format");
}

}  // namespace
}  // namespace keyward::cli
