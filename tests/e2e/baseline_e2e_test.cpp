// Baselines with the real binary: `keyward baseline` writes the findings' fingerprints, `--baseline` hides them
// on `scan` and `git`, stale entries are noted, a bad file stops the run.
#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "tests/e2e/fixtures.h"
#include "tests/support/git_repo.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace keyward::testing {
namespace {

std::string key_line(int seed) { return "MISTRAL_API_KEY=" + fake_token(static_cast<std::uint32_t>(seed)) + "\n"; }

std::string lines(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += "# padding line " + std::to_string(i) + "\n";
  return out;
}

// Issue #7, must show 5: baselined findings stay hidden when lines are inserted above them; a new secret is found.
TEST(BaselineE2E, SurvivesLinesInsertedAboveAndStillFindsANewSecret) {
  TempDir dir;
  dir.write("app/.env", "DEBUG=1\n" + key_line(1));
  dir.write("web/config.env", key_line(2));
  const auto made = run_keyward({"baseline", "-o", "baseline.json", "."}, {.cwd = dir.path()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const std::string file = read_file(dir / "baseline.json");
  EXPECT_EQ(nlohmann::json::parse(file)["findings"].size(), 2u) << file;
  EXPECT_EQ(file.find(fake_token(1)), std::string::npos) << "a baseline never holds a secret";

  auto run = run_keyward({"scan", "--format", "json", "--baseline", "baseline.json", "."}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;

  dir.write("app/.env", lines(10) + "DEBUG=1\n" + key_line(1));  // the key moves from line 2 to line 12
  run = run_keyward({"scan", "--format", "json", "--baseline", "baseline.json", "."}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  const auto report = nlohmann::json::parse(run.out);
  EXPECT_EQ(report["findings"].size(), 0u);
  EXPECT_EQ(report["stats"]["baseline"]["hidden"], 2);
  EXPECT_EQ(report["stats"]["baseline"]["stale"], 0);

  dir.write("app/.env", lines(10) + "DEBUG=1\n" + key_line(1) + key_line(3));
  run = run_keyward({"scan", "--format", "json", "--baseline", "baseline.json", "."}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  const auto found = nlohmann::json::parse(run.out)["findings"];
  ASSERT_EQ(found.size(), 1u) << run.out;
  EXPECT_EQ(found[0]["path"], "app/.env");
  EXPECT_EQ(found[0]["line"], 13);
}

TEST(BaselineE2E, StaleEntriesAreNotedOnStderrAndCountedInJson) {
  TempDir dir;
  dir.write("a.env", key_line(4));
  dir.write("b.env", key_line(5));
  ASSERT_EQ(run_keyward({"baseline", "-o", "baseline.json", "."}, {.cwd = dir.path()}).exit_code, 0);
  dir.write("b.env", "MISTRAL_API_KEY=\n");  // fixed
  const auto run = run_keyward({"scan", "--format", "json", "--baseline", "baseline.json", "."}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("keyward: note: 1 baseline entry in baseline.json matched no finding"), std::string::npos)
      << run.err;
  const auto report = nlohmann::json::parse(run.out);
  EXPECT_EQ(report["stats"]["baseline"]["hidden"], 1);
  EXPECT_EQ(report["stats"]["baseline"]["stale"], 1);
}

TEST(BaselineE2E, BaselineWritesToStdoutWithoutOutputFile) {
  TempDir dir;
  dir.write(".env", key_line(6));
  const auto run = run_keyward({"baseline", "."}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const auto baseline = nlohmann::json::parse(run.out);
  EXPECT_EQ(baseline["version"], 1);
  ASSERT_EQ(baseline["findings"].size(), 1u);
  EXPECT_EQ(baseline["findings"][0]["rule_id"], "mistral-api-key");
  EXPECT_EQ(baseline["findings"][0]["path"], ".env");
  EXPECT_EQ(baseline["findings"][0]["fingerprint"].get<std::string>().size(), 32u);
}

TEST(BaselineE2E, ABadBaselineFileExitsTwoWithOneLine) {
  TempDir dir;
  dir.write(".env", key_line(7));
  dir.write("garbage.json", "{ not json");
  dir.write("wrong.json", "{\"findings\": [{\"rule_id\": \"x\"}]}");
  dir.write("list.json", "[1, 2]");
  for (const std::string name : {"garbage.json", "wrong.json", "list.json", "missing.json"}) {
    const auto run = run_keyward({"scan", "--baseline", name, "."}, {.cwd = dir.path()});
    EXPECT_EQ(run.exit_code, 2) << name;
    EXPECT_EQ(run.out, "") << name;
    EXPECT_EQ(run.err.rfind("keyward: error: baseline " + name + ": ", 0), 0u) << run.err;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  }
}

TEST(BaselineE2E, GitRangesAndStagedScansHonourABaselineFromTheWorkingTree) {
  GitRepo repo;
  repo.write("README.md", "hi\n");
  repo.git({"add", "."});
  const std::string base = repo.commit("init");
  repo.write("deploy.env", key_line(8));
  repo.git({"add", "."});
  repo.commit("a triaged key");
  const auto made = run_keyward({"baseline", "-o", repo.path() + "/.keyward-baseline.json", "."}, {.cwd = repo.path()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  auto run = run_keyward({"git", "--range", base + "..HEAD", "--no-progress", "--baseline", ".keyward-baseline.json"},
                         {.cwd = repo.path()});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  run = run_keyward({"git", "--range", base + "..HEAD", "--no-progress"}, {.cwd = repo.path()});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;

  repo.write("deploy.env", lines(10) + key_line(8));
  repo.write("other.env", key_line(9));
  repo.git({"add", "."});
  run = run_keyward({"git", "--staged", "--format", "json", "--baseline", ".keyward-baseline.json"},
                    {.cwd = repo.path()});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  const auto found = nlohmann::json::parse(run.out)["findings"];
  ASSERT_EQ(found.size(), 1u) << run.out;
  EXPECT_EQ(found[0]["path"], "other.env");
  EXPECT_EQ(run.err.find("note:"), std::string::npos) << "a staged scan sees a part: no stale note";
}

}  // namespace
}  // namespace keyward::testing
