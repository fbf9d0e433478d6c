// .keyward.toml with the real binary: the README's complete example loads in every command that reads it, and a
// bad config names file, line and key and exits 2.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/fixtures.h"
#include "tests/support/git_repo.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace keyward::testing {
namespace {

// The TOML block after the <!-- complete-config-example --> marker in README.md.
std::string readme_complete_example() {
  const std::string readme = read_file(std::string(KEYWARD_SOURCE_DIR) + "/README.md");
  const auto marker = readme.find("<!-- complete-config-example -->");
  const auto start = readme.find("```toml\n", marker);
  const auto end = readme.find("\n```", start + 8);
  if (marker == std::string::npos || start == std::string::npos || end == std::string::npos) return "";
  return readme.substr(start + 8, end - start - 8 + 1);
}

TEST(ConfigE2E, TheReadmesCompleteExampleWorksWithScanAuditAndFilter) {
  const std::string example = readme_complete_example();
  ASSERT_FALSE(example.empty());
  GitRepo repo;
  repo.write(".keyward.toml", example);
  repo.write("src/acme.env", "ACME_TOKEN=acme_" + fake_token(1) + "\n");
  repo.write("testdata/fixture.env", "MISTRAL_API_KEY=" + fake_token(2) + "\n");  // allowlisted path
  const auto scan = run_keyward({"scan", "--format", "json", "."}, {.cwd = repo.path()});
  EXPECT_EQ(scan.exit_code, 1) << scan.err;
  EXPECT_NE(scan.out.find("\"rule_id\": \"acme-internal-token\""), std::string::npos) << scan.out;
  EXPECT_EQ(scan.out.find("testdata/"), std::string::npos) << scan.out;

  const auto check = run_keyward({"rules", "check", ".keyward.toml"}, {.cwd = repo.path()});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;  // the example rule finds its examples

  const auto audit = run_keyward({"audit", "."}, {.cwd = repo.path()});
  EXPECT_NE(audit.exit_code, 2) << audit.err;
  const auto filter = run_keyward({"filter", "--input", "text", "--config", ".keyward.toml"},
                                  {.cwd = repo.path(), .stdin_bytes = "hello mistral\n"});
  EXPECT_EQ(filter.exit_code, 0) << filter.err;
  EXPECT_EQ(filter.out, "hello mistral\n");
}

TEST(ConfigE2E, TheScanTableSetsLimitsAndRedactionAndFlagsWin) {
  TempDir dir;
  const std::string key = fake_token(4);
  dir.write("small.env", "MISTRAL_API_KEY=" + key + "\n");
  dir.write("big.env", "MISTRAL_API_KEY=" + fake_token(5) + "\n" + std::string(300, '#') + "\n");
  dir.write(".keyward.toml", "[scan]\nmax_file_bytes = 200\nredact = false\n");
  auto run = run_keyward({"scan", "--format", "json", "."}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.out.find("\"too_large\": 1"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("\"secret\": \"" + key + "\""), std::string::npos) << "redact = false shows the secret";
  run = run_keyward({"scan", "--format", "json", "--max-file-size", "1MiB", "."}, {.cwd = dir.path()});
  EXPECT_NE(run.out.find("\"too_large\": 0"), std::string::npos) << "the flag wins: " << run.out;
  const auto baseline = run_keyward({"baseline", "."}, {.cwd = dir.path()});
  EXPECT_EQ(nlohmann::json::parse(baseline.out)["findings"].size(), 1u) << "baseline honours the limit too";

  dir.write(".keyward.toml", "[scan]\nredact = \"no\"\nmax_files = 3\n");
  run = run_keyward({"scan", "."}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find(".keyward.toml:2: scan.redact must be true or false"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find(".keyward.toml:3: unknown key 'scan.max_files'"), std::string::npos) << run.err;
}

TEST(ConfigE2E, ABadConfigNamesFileLineAndKeyAndExitsTwo) {
  TempDir dir;
  dir.write(".env", "MISTRAL_API_KEY=" + fake_token(3) + "\n");
  dir.write(".keyward.toml",
            "disabled_rules = [\"jwt\"]\n[allowlist]\npath = ['x']\n\n[[rules]]\nid = \"r\"\n"
            "description = \"d\"\nregex = 'r_[a-z]{8}'\nseverity = 7\n");
  const auto run = run_keyward({"scan", "."}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find(".keyward.toml:3: unknown allowlist key 'path'"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find(".keyward.toml:9: r: severity has the wrong type"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace keyward::testing
