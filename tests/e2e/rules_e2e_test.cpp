// `keyward rules list` and `keyward rules check` as a user runs them.
#include <gtest/gtest.h>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace keyward::testing {
namespace {

TEST(RulesE2E, CheckPassesOnTheBuiltinRules) {
  const auto run = run_keyward({"rules", "check"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find(": ok"), std::string::npos) << run.out;
}

TEST(RulesE2E, ListShowsMistralInTextAndJson) {
  const auto text = run_keyward({"rules", "list"});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("mistral-api-key"), std::string::npos);
  const auto json = run_keyward({"rules", "list", "--format", "json"});
  EXPECT_NE(json.out.find("\"id\": \"mistral-api-key\""), std::string::npos);
}

TEST(RulesE2E, CheckReportsAnExampleItsRuleMisses) {
  TempDir dir;
  const std::string file = dir.write("acme.toml", R"toml([[rules]]
id = "acme-token"
description = "Acme token"
regex = '''acme_([a-z]{12})'''
examples = ["token = acme_abcdefghijkl", "token = acme_short"]
negative_examples = ["token = acme_"]
)toml");
  const auto run = run_keyward({"rules", "check", file});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.out.find("acme-token: example not found: token = acme_short"), std::string::npos) << run.out;
}

}  // namespace
}  // namespace keyward::testing
