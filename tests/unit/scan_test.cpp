// The scan driver goes on whatever one item does (issue 18): an exception while scanning one file or blob becomes
// that item's diagnostic, and every other item's findings are kept, in the working tree and in git history, loose
// or packed (where the failing blob is one of a delta tree whose other blobs must still be scanned).
#include "scanner/scan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>

#include "scanner/sources/git.h"
#include "scanner/sources/git_plan.h"
#include "tests/support/git_repo.h"
#include "tests/support/temp_dir.h"

namespace keyward {
namespace {

// The engine calls a phone check its caller supplies (in keyward, libphonenumber's). This one fails as a library
// might, on one number only: a real exception from inside the engine's scan of that one item.
bool phone_check_that_throws(std::string_view candidate) {
  if (candidate.find("0000") != std::string_view::npos) throw std::runtime_error("phone library failed");
  return true;
}

engine::RuleSet test_rules() {
  engine::Rule token;
  token.id = "token";
  token.description = "test token";
  token.regex = R"(\b(tok_[a-z0-9]{16})\b)";
  engine::Rule phone;
  phone.id = "phone";
  phone.description = "phone number";
  phone.regex = R"(tel:\s*([0-9]{10}))";
  phone.checks = {engine::Check::kPhone};
  engine::CompileOptions options;
  options.phone_check = phone_check_that_throws;
  auto set = engine::RuleSet::compile({token, phone}, options);
  if (!set) throw std::runtime_error(set.error().message);
  return std::move(*set);
}

ScanOptions one_thread() {
  ScanOptions options;
  options.threads = 1;
  return options;
}

// "path:rule" for each finding, sorted.
std::vector<std::string> found(const report::Report& report, const std::string& root) {
  std::vector<std::string> out;
  for (const auto& f : report.findings) {
    const std::string path = !root.empty() && f.path.rfind(root, 0) == 0 ? f.path.substr(root.size() + 1) : f.path;
    out.push_back(path + ":" + f.rule_id);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Twenty lines every version shares, so git stores one version as a delta of another.
std::string padding() {
  std::string text;
  for (int i = 0; i < 20; ++i) text += "line " + std::to_string(i) + ": the quick brown fox jumps over the lazy dog\n";
  return text;
}

TEST(ScanPaths, AFileWhoseScanThrowsIsADiagnosticAndTheOtherFilesAreReported) {
  const engine::RuleSet rules = test_rules();
  testing::TempDir dir;
  dir.write("a.txt", "key = tok_abcdefgh12345678\n");
  dir.write("b.txt", "call tel: 5550000123\nkey = tok_zyxwvuts87654321\n");
  dir.write("c.txt", "call tel: 5551234567\n");
  const auto report = scan_paths(rules, {dir.path()}, one_thread());
  EXPECT_EQ(found(report, dir.path()), (std::vector<std::string>{"a.txt:token", "c.txt:phone"}));
  ASSERT_EQ(report.diagnostics.size(), 1u);
  EXPECT_EQ(report.diagnostics[0].origin, dir / "b.txt");
  EXPECT_EQ(report.diagnostics[0].message, "internal error, not scanned: phone library failed");
  EXPECT_EQ(report.stats.files, 3u);
}

TEST(ScanGit, ABlobWhoseScanThrowsIsADiagnosticLooseOrPackedAndItsDeltaTreeIsStillScanned) {
  const sources::GitLibrary git;
  const engine::RuleSet rules = test_rules();
  testing::GitRepo repo;
  repo.write("notes.txt", padding() + "call tel: 5551234567\n");
  repo.write("key.txt", "key = tok_abcdefgh12345678\n");
  repo.git({"add", "."});
  repo.commit("first");
  repo.write("notes.txt", padding() + "call tel: 5551234567\ncall tel: 5550000123\n");
  repo.git({"add", "."});
  repo.commit("second");
  for (const bool packed : {false, true}) {
    if (packed) repo.git({"repack", "-adq"});
    sources::GitOptions history;
    history.mode = sources::GitMode::kHistory;
    auto plan = sources::plan_git(repo.path(), history);
    ASSERT_TRUE(plan) << plan.error().message;
    std::vector<sources::ObjectId> blobs;
    for (const auto& item : plan->items) {
      if (item.blob) blobs.push_back(*item.blob);
    }
    const auto pack_plan = plan->packs->plan(blobs);
    const bool has_delta = std::any_of(pack_plan.nodes.begin(), pack_plan.nodes.end(),
                                       [](const sources::PackNode& node) { return node.base >= 0; });
    ASSERT_EQ(has_delta, packed) << "the packed run must read a delta tree";
    const auto report = scan_git(rules, *plan, one_thread());
    EXPECT_EQ(found(report, ""), (std::vector<std::string>{"key.txt:token", "notes.txt:phone"})) << packed;
    ASSERT_EQ(report.diagnostics.size(), 1u) << packed;
    EXPECT_EQ(report.diagnostics[0].origin, "notes.txt");
    EXPECT_EQ(report.diagnostics[0].message, "internal error, not scanned: phone library failed");
  }
}

}  // namespace
}  // namespace keyward
