// keyward's pre-commit hook (hooks/pre-commit) installed by `keyward install-hook` in temporary repositories, and
// real `git commit`s through it: blocked with a secret, allowed without one or with `keyward:allow`; other hooks
// refused, replaced or chained; core.hooksPath honoured.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/e2e/fixtures.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace keyward::testing {
namespace {

class Repo {
 public:
  Repo() { EXPECT_EQ(git({"init", "-q", "-b", "main", path()}, false).exit_code, 0); }

  std::string path() const { return dir_ / "repo"; }
  std::string file(const std::string& relative) const { return path() + "/" + relative; }
  void write(const std::string& relative, const std::string& bytes) const { dir_.write("repo/" + relative, bytes); }

  std::vector<std::string> env() const {
    return {"GIT_AUTHOR_NAME=Ada Tester",
            "GIT_AUTHOR_EMAIL=ada@example.com",
            "GIT_COMMITTER_NAME=Ada Tester",
            "GIT_COMMITTER_EMAIL=ada@example.com",
            "GIT_CONFIG_NOSYSTEM=1",
            "HOME=" + dir_.path(),
            "XDG_CONFIG_HOME=" + dir_ / "config"};
  }

  ProcessResult git(std::vector<std::string> args, bool in_repo = true) const {
    args.insert(args.begin(), "/usr/bin/git");
    if (in_repo) args.insert(args.begin() + 1, {"-C", path()});
    return run_process(args, {.cwd = {}, .stdin_bytes = {}, .privileges = {}, .env = env()});
  }
  std::string ok(std::vector<std::string> args) const {
    const auto run = git(std::move(args));
    EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
    return run.out;
  }
  ProcessResult keyward(std::vector<std::string> args) const {
    return run_keyward(args, {.cwd = path(), .stdin_bytes = {}, .privileges = {}, .env = env()});
  }
  std::string head() const { return ok({"rev-parse", "HEAD"}); }
  // `git commit` as a user runs it; the hook's output comes back in out + err.
  ProcessResult commit(const std::string& message) const { return git({"commit", "-q", "-m", message}); }

 private:
  TempDir dir_;
};

void first_commit(const Repo& repo) {
  repo.write("README.md", "hello\n");
  repo.ok({"add", "README.md"});
  repo.ok({"commit", "-q", "-m", "init"});
}

std::string key_line(int seed) { return "MISTRAL_API_KEY=" + fake_token(static_cast<std::uint32_t>(seed)) + "\n"; }

// Issue #7, must show 1.
TEST(HookE2E, BlocksAStagedMistralKeyAndAllowsItRemovedOrMarkedAllowed) {
  Repo repo;
  first_commit(repo);
  const auto installed = repo.keyward({"install-hook"});
  ASSERT_EQ(installed.exit_code, 0) << installed.err;
  EXPECT_NE(installed.err.find("installed " + repo.file(".git/hooks/pre-commit")), std::string::npos) << installed.err;
  const std::string head = repo.head();

  repo.write("app.env", "DEBUG=1\n" + key_line(1));
  repo.ok({"add", "app.env"});
  const auto blocked = repo.commit("add a key");
  EXPECT_NE(blocked.exit_code, 0);
  const std::string said = blocked.out + blocked.err;
  EXPECT_NE(said.find("app.env:2:17: mistral-api-key [critical]"), std::string::npos) << said;  // what and where
  EXPECT_NE(said.find("keyward: commit blocked"), std::string::npos) << said;
  EXPECT_NE(said.find("`keyward:allow`"), std::string::npos) << said;  // how to allow a false positive
  EXPECT_NE(said.find("keyward baseline -o .keyward-baseline.json"), std::string::npos) << said;
  EXPECT_EQ(said.find(fake_token(1)), std::string::npos) << "the secret itself is redacted";
  EXPECT_EQ(repo.head(), head);

  repo.write("app.env", "DEBUG=1\nMISTRAL_API_KEY=\n");  // the key removed
  repo.ok({"add", "app.env"});
  const auto clean = repo.commit("no key");
  EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;
  const std::string after_clean = repo.head();
  EXPECT_NE(after_clean, head);

  repo.write("test.env", "MISTRAL_API_KEY=" + fake_token(2) + "  # keyward:allow\n");  // a test fixture
  repo.ok({"add", "test.env"});
  const auto allowed = repo.commit("allowed key");
  EXPECT_EQ(allowed.exit_code, 0) << allowed.out << allowed.err;
  EXPECT_NE(repo.head(), after_clean);
}

TEST(HookE2E, ABaselineAtTheTopOfTheTreeLetsATriagedFindingThrough) {
  Repo repo;
  first_commit(repo);
  ASSERT_EQ(repo.keyward({"install-hook"}).exit_code, 0);
  repo.write("fixtures/sample.env", key_line(3));
  repo.ok({"add", "fixtures/sample.env"});
  ASSERT_NE(repo.commit("fixture").exit_code, 0);
  ASSERT_EQ(repo.keyward({"baseline", "-o", ".keyward-baseline.json"}).exit_code, 0);
  repo.ok({"add", ".keyward-baseline.json"});
  const auto run = repo.commit("fixture, baselined");
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
}

TEST(HookE2E, InstallsWhereCoreHooksPathPointsAndGitRunsItThere) {
  Repo repo;
  first_commit(repo);
  repo.ok({"config", "core.hooksPath", ".githooks"});
  const auto installed = repo.keyward({"install-hook"});
  ASSERT_EQ(installed.exit_code, 0) << installed.err;
  EXPECT_TRUE(std::filesystem::exists(repo.file(".githooks/pre-commit")));
  EXPECT_FALSE(std::filesystem::exists(repo.file(".git/hooks/pre-commit")));
  repo.write("a.env", key_line(4));
  repo.ok({"add", "a.env"});
  EXPECT_NE(repo.commit("key").exit_code, 0);
}

TEST(HookE2E, AForeignHookIsRefusedChainedAndRestoredOrReplacedOnlyWithForce) {
  Repo repo;
  first_commit(repo);
  const std::string foreign = "#!/bin/sh\necho other-hook-ran >> \"$(git rev-parse --git-dir)/other.log\"\n";
  repo.write(".git/hooks/pre-commit", foreign);
  ASSERT_EQ(chmod(repo.file(".git/hooks/pre-commit").c_str(), 0755), 0);

  const auto refused = repo.keyward({"install-hook"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("not keyward's: --chain keeps it"), std::string::npos) << refused.err;
  EXPECT_EQ(read_file(repo.file(".git/hooks/pre-commit")), foreign);
  EXPECT_EQ(repo.keyward({"uninstall-hook"}).exit_code, 2);  // not keyward's: left alone
  EXPECT_EQ(read_file(repo.file(".git/hooks/pre-commit")), foreign);

  const auto chained = repo.keyward({"install-hook", "--chain"});
  ASSERT_EQ(chained.exit_code, 0) << chained.err;
  EXPECT_EQ(read_file(repo.file(".git/hooks/pre-commit.keyward-chained")), foreign);
  repo.write("b.env", key_line(5));
  repo.ok({"add", "b.env"});
  EXPECT_NE(repo.commit("key").exit_code, 0);  // keyward blocks, after the other hook ran
  EXPECT_EQ(read_file(repo.file(".git/other.log")), "other-hook-ran\n");

  const auto removed = repo.keyward({"uninstall-hook"});
  EXPECT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_EQ(read_file(repo.file(".git/hooks/pre-commit")), foreign);
  EXPECT_FALSE(std::filesystem::exists(repo.file(".git/hooks/pre-commit.keyward-chained")));

  ASSERT_EQ(repo.keyward({"install-hook", "--force"}).exit_code, 0);
  EXPECT_NE(read_file(repo.file(".git/hooks/pre-commit")).find("# keyward-managed-hook"), std::string::npos);
  ASSERT_EQ(repo.keyward({"install-hook"}).exit_code, 0);  // keyward's own hook is simply rewritten
  ASSERT_EQ(repo.keyward({"uninstall-hook"}).exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(repo.file(".git/hooks/pre-commit")));
}

TEST(HookE2E, OutsideARepositoryInstallHookExitsTwo) {
  TempDir dir;
  const auto run = run_keyward({"install-hook", dir.path()}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("not in a git repository"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace keyward::testing
