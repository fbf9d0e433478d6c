// `keyward git` on repositories built inside the test with the git CLI, fixed author and time.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/e2e/fixtures.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace keyward::testing {
namespace {

class Repo {
 public:
  Repo() { git({"init", "-q", "-b", "main", dir_.path()}, false); }

  const TempDir& dir() const { return dir_; }
  std::string path() const { return dir_.path(); }

  // Runs git in the repository with a fixed identity and clock; the clock moves one minute a commit.
  std::string git(std::vector<std::string> args, bool in_repo = true) {
    std::vector<std::string> argv{"/usr/bin/git"};
    if (in_repo) argv.insert(argv.end(), {"-C", dir_.path()});
    argv.insert(argv.end(), args.begin(), args.end());
    const std::string date = fmt_date();
    const auto run = run_process(argv, {.env = {"GIT_AUTHOR_NAME=Ada Tester", "GIT_AUTHOR_EMAIL=ada@example.com",
                                                "GIT_COMMITTER_NAME=Ada Tester", "GIT_COMMITTER_EMAIL=ada@example.com",
                                                "GIT_AUTHOR_DATE=" + date, "GIT_COMMITTER_DATE=" + date,
                                                "GIT_CONFIG_NOSYSTEM=1", "HOME=" + dir_.path()}});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return run.out;
  }

  std::string commit(const std::string& message) {
    ++clock_;
    git({"commit", "-q", "--allow-empty", "-m", message});
    return head();
  }

  std::string head() {
    std::string id = git({"rev-parse", "HEAD"});
    id.erase(std::remove(id.begin(), id.end(), '\n'), id.end());
    return id;
  }

  void write(const std::string& path, const std::string& bytes) const { dir_.write(path, bytes); }

 private:
  std::string fmt_date() const { return std::to_string(1700000000 + clock_ * 60) + " +0000"; }
  TempDir dir_;
  int clock_ = 0;
};

std::string key(int seed) { return "MISTRAL_API_KEY=" + fake_token(static_cast<std::uint32_t>(seed)) + "\n"; }

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + 1)) ++n;
  return n;
}

TEST(GitStagedE2E, FindsStagedContentNotWhatIsOnlyOnDisk) {
  Repo repo;
  repo.write("app.env", "DEBUG=1\n");
  repo.git({"add", "app.env"});
  repo.commit("init");
  repo.write("app.env", "DEBUG=1\n" + key(1));
  repo.git({"add", "app.env"});
  repo.write("app.env", "DEBUG=1\n");  // the disk no longer has it; the index does
  repo.write("local.env", key(2));     // on disk, never staged
  const auto run = run_keyward({"git", "--staged", "--format", "json", repo.path()});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.out.find("\"path\": \"app.env\""), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("\"line\": 2"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("local.env"), std::string::npos) << run.out;
}

TEST(GitStagedE2E, ReportsOnlyAddedLinesAndWorksBeforeTheFirstCommit) {
  Repo repo;
  repo.write("first.env", key(3));
  repo.git({"add", "first.env"});
  auto run = run_keyward({"git", "--staged", repo.path()});
  EXPECT_EQ(run.exit_code, 1) << run.err;  // no commit yet: everything staged is new
  repo.commit("with a key");
  repo.write("first.env", key(3) + "OTHER=1\n");
  repo.git({"add", "first.env"});
  run = run_keyward({"git", "--staged", repo.path()});
  EXPECT_EQ(run.exit_code, 0) << run.out;  // the key line is unchanged context, not an addition
}

TEST(GitStagedE2E, RenamesDeletionsBinariesAndSubmodulesBehave) {
  Repo repo;
  repo.write("old/name.env", key(4));
  repo.write("gone.txt", "bye\n");
  repo.git({"add", "."});
  repo.commit("init");
  repo.git({"mv", "old/name.env", "renamed.env"});
  repo.git({"rm", "-q", "gone.txt"});
  repo.write("blob.bin", std::string("\0\1\2", 3) + key(5));
  repo.git({"add", "blob.bin"});
  repo.git({"update-index", "--add", "--cacheinfo", "160000,1111111111111111111111111111111111111111,vendor/sub"});
  const auto run = run_keyward({"git", "--staged", "--format", "json", repo.path()});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;  // a pure rename adds no line; binaries are skipped
  EXPECT_NE(run.out.find("\"binary\": 1"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("\"submodules\": 1"), std::string::npos) << run.out;
}

TEST(GitUncommittedE2E, FindsStagedUnstagedAndUntrackedButNotIgnoredOnce) {
  Repo repo;
  repo.write(".gitignore", "*.log\n");
  repo.write("tracked.env", "A=1\n");
  repo.git({"add", "."});
  repo.commit("init");
  repo.write("staged.env", key(20));
  repo.git({"add", "staged.env"});               // staged, and the same on disk: reported once
  repo.write("tracked.env", "A=1\n" + key(21));  // changed, not staged
  repo.write("new/untracked.env", key(22));      // untracked
  repo.write("debug.log", key(23));              // ignored
  const auto run = run_keyward({"git", "--uncommitted", "--format", "json", repo.path()});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(count(run.out, "\"rule_id\""), 3u) << run.out;
  for (const char* path : {"staged.env", "tracked.env", "new/untracked.env"}) {
    EXPECT_NE(run.out.find(std::string("\"path\": \"") + path + "\""), std::string::npos) << path;
  }
  EXPECT_EQ(run.out.find("debug.log"), std::string::npos) << run.out;
  EXPECT_EQ(run_keyward({"git", "--uncommitted", "--staged", repo.path()}).exit_code, 2);
}

TEST(GitRangeE2E, ASecretAddedThenRemovedIsReportedOnceAtItsIntroducingCommit) {
  Repo repo;
  repo.write("README.md", "hello\n");
  repo.git({"add", "."});
  const std::string base = repo.commit("base");
  repo.write("config.env", key(6));
  repo.git({"add", "."});
  const std::string introduced = repo.commit("add config");
  repo.write("config.env", key(6) + "MORE=1\n");
  repo.git({"add", "."});
  repo.commit("touch config");
  repo.git({"rm", "-q", "config.env"});
  repo.commit("remove config");
  const auto run = run_keyward({"git", "--range", base + "..HEAD", "--format", "json", repo.path()});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(count(run.out, "\"rule_id\""), 1u) << run.out;
  EXPECT_NE(run.out.find("\"commit\": \"" + introduced + "\""), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("\"author\": \"Ada Tester\""), std::string::npos);
  EXPECT_NE(run.out.find("\"date\": \"2023-11-14T22:15:20Z\""), std::string::npos) << run.out;
}

TEST(GitRangeE2E, ScansCommitMessagesAndRejectsABadRange) {
  Repo repo;
  const std::string base = repo.commit("base");
  repo.commit("oops, pasted " + key(7));
  auto run = run_keyward({"git", "--range", base + "..HEAD", repo.path()});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.out.find("<commit message>"), std::string::npos) << run.out;
  run = run_keyward({"git", "--range", "nope..HEAD", repo.path()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("bad range 'nope..HEAD'"), std::string::npos) << run.err;
}

TEST(GitHistoryE2E, AttributesEachSecretToTheCommitThatIntroducedItAcrossBranchesAndMerges) {
  Repo repo;
  repo.write("a.txt", "a\n");
  repo.git({"add", "."});
  repo.commit("root");
  repo.git({"checkout", "-q", "-b", "feature"});
  repo.write("feature.env", key(8));
  repo.git({"add", "."});
  const std::string on_feature = repo.commit("feature key");
  repo.git({"checkout", "-q", "main"});
  repo.write("main.env", key(9));
  repo.git({"add", "."});
  const std::string on_main = repo.commit("main key");
  repo.git({"merge", "-q", "--no-ff", "-m", "merge feature", "feature"});
  repo.git({"mv", "main.env", "renamed.env"});
  repo.commit("rename");
  const auto run = run_keyward({"git", "--format", "json", repo.path()});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(count(run.out, "\"rule_id\""), 2u) << run.out;
  EXPECT_NE(run.out.find("\"commit\": \"" + on_feature + "\""), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("\"commit\": \"" + on_main + "\""), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("renamed.env"), std::string::npos) << "a rename is the same blob, already attributed";
}

TEST(GitHistoryE2E, AnEmptyRepositoryIsClean) {
  Repo repo;
  const auto run = run_keyward({"git", repo.path()});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  // stderr is a pipe here, not a terminal: no progress line, just the summary.
  EXPECT_EQ(run.err.find('\r'), std::string::npos) << run.err;
  EXPECT_EQ(run_keyward({"git", "--no-progress", repo.path()}).exit_code, 0);
}

TEST(GitHistoryE2E, AShallowCloneScansWhatItHas) {
  Repo origin;
  origin.write("old.env", key(10));
  origin.git({"add", "."});
  origin.commit("old");
  origin.write("new.env", key(11));
  origin.git({"add", "."});
  origin.commit("new");
  TempDir clone_parent;
  const std::string clone = clone_parent / "clone";
  origin.git({"clone", "-q", "--depth", "1", "file://" + origin.path(), clone}, false);
  const auto run = run_keyward({"git", "--format", "json", clone});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  // The boundary commit's whole tree is new to the clone: both files are there and found.
  EXPECT_NE(run.out.find("old.env"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("new.env"), std::string::npos) << run.out;
}

TEST(GitE2E, NotARepositoryIsAClearError) {
  TempDir dir;
  const auto run = run_keyward({"git", dir.path()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("not a git repository"), std::string::npos) << run.err;
}

TEST(GitE2E, BadSinceDateAndUnknownBranchAreUsageErrors) {
  Repo repo;
  repo.commit("init");
  auto run = run_keyward({"git", "--since", "yesterday", repo.path()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--since: 'yesterday' is not a date"), std::string::npos) << run.err;
  run = run_keyward({"git", "--branch", "no-such-branch", repo.path()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("unknown branch or revision 'no-such-branch'"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace keyward::testing
