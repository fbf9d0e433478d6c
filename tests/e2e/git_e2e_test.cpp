// `keyward git` on repositories built inside the test with the git CLI, fixed author and time.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "tests/e2e/fixtures.h"
#include "tests/support/git_repo.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace keyward::testing {
namespace {

using Repo = GitRepo;

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

// `git add -N` stages no content (the commit will not carry it), and a Git LFS pointer is a small text file whose
// sha256 is no secret; a real secret staged beside them is still found.
TEST(GitStagedE2E, IntentToAddEntriesAndLfsPointersBehave) {
  Repo repo;
  repo.write("README.md", "hello\n");
  repo.git({"add", "."});
  repo.commit("init");
  repo.write("later.env", key(6));
  repo.git({"add", "-N", "later.env"});
  repo.write("assets/model.bin",
             "version https://git-lfs.github.com/spec/v1\n"
             "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
             "size 12345\n");
  repo.git({"add", "assets/model.bin"});
  const auto clean = run_keyward({"git", "--staged", "--format", "json", repo.path()});
  EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;
  EXPECT_NE(clean.out.find("\"files\": 1"), std::string::npos) << "the pointer is scanned as text: " << clean.out;
  // What is only intended to be added is on disk, where --uncommitted looks.
  const auto uncommitted = run_keyward({"git", "--uncommitted", "--format", "json", repo.path()});
  EXPECT_EQ(uncommitted.exit_code, 1) << uncommitted.out << uncommitted.err;
  EXPECT_NE(uncommitted.out.find("later.env"), std::string::npos) << uncommitted.out;
  repo.write("config.env", key(7));
  repo.git({"add", "config.env"});
  const auto found = run_keyward({"git", "--staged", "--format", "json", repo.path()});
  EXPECT_EQ(found.exit_code, 1) << found.err;
  EXPECT_EQ(count(found.out, "\"rule_id\""), 1u) << found.out;
  EXPECT_NE(found.out.find("config.env"), std::string::npos) << found.out;
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

// A working-tree scan skips what git ignores, as git decides it: ignore rules apply only to untracked files (a
// tracked .env is in every clone whatever .gitignore says), and a negation in .gitignore beats info/exclude.
TEST(WorktreeIgnoreE2E, TrackedFilesAreScannedEvenWhenIgnoredAndGitDecidesTheRest) {
  Repo repo;
  repo.write(".gitignore", ".env\nvendor/\n!.env.local\n");
  repo.write(".git/info/exclude", ".env*\n");
  repo.write(".env", key(30));
  repo.write("vendor/keep.env", key(31));
  repo.git({"add", "-f", ".gitignore", ".env", "vendor/keep.env"});
  repo.commit("tracked despite the ignore rules");
  repo.write("vendor/new.env", key(32));   // untracked in an ignored directory: skipped
  repo.write(".env.production", key(33));  // untracked, ignored by info/exclude: skipped
  repo.write(".env.local", key(34));       // untracked, re-included by .gitignore's negation: scanned
  const auto run = run_keyward({"scan", "--format", "json", "."}, {.cwd = repo.path()});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(count(run.out, "\"rule_id\""), 3u) << run.out;
  for (const char* path : {".env", "vendor/keep.env", ".env.local"}) {
    EXPECT_NE(run.out.find(std::string("\"path\": \"") + path + "\""), std::string::npos) << path << run.out;
  }
  EXPECT_EQ(run.out.find("new.env"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find(".env.production"), std::string::npos) << run.out;
  const auto all = run_keyward({"scan", "--format", "json", "--no-ignore", "."}, {.cwd = repo.path()});
  EXPECT_EQ(count(all.out, "\"rule_id\""), 5u) << all.out;
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

// Many versions of one file, a secret in one of them: once repacked, most are deltas of deltas.
void edit_many_times(Repo& repo) {
  std::string notes;
  for (int i = 0; i < 30; ++i) {
    notes += "line " + std::to_string(i) + ": nothing to see in this line of the notes file\n";
    repo.write("notes.txt", i == 12 ? notes + key(12) : notes);
    repo.git({"add", "."});
    repo.commit("edit " + std::to_string(i));
  }
}

// A JSON report's findings, without the stats (which hold a time).
std::string findings_of(const std::string& json) { return json.substr(0, json.find("\"stats\"")); }

TEST(GitHistoryE2E, APackedRepositoryGivesTheSameFindingsAsLooseObjects) {
  Repo repo;
  edit_many_times(repo);
  const auto loose = run_keyward({"git", "--format", "json", repo.path()});
  const auto loose_range = run_keyward({"git", "--format", "json", "--range", "HEAD~25..HEAD", repo.path()});
  repo.git({"repack", "-adfq", "--depth=50", "--window=50"});
  const auto packed = run_keyward({"git", "--format", "json", repo.path()});
  const auto packed_range = run_keyward({"git", "--format", "json", "--range", "HEAD~25..HEAD", repo.path()});
  EXPECT_EQ(loose.exit_code, 1) << loose.err;
  EXPECT_EQ(count(loose.out, "\"rule_id\""), 1u) << loose.out;
  EXPECT_EQ(packed.exit_code, 1) << packed.err;
  EXPECT_EQ(findings_of(packed.out), findings_of(loose.out));
  EXPECT_EQ(packed_range.exit_code, 1) << packed_range.err;
  EXPECT_EQ(findings_of(packed_range.out), findings_of(loose_range.out));
}

TEST(GitHistoryE2E, ACorruptPackIsADiagnosticAndTheRestIsStillScanned) {
  Repo repo;
  edit_many_times(repo);
  repo.git({"repack", "-adfq", "--depth=50", "--window=50"});
  repo.write("later.env", key(13));  // a loose object, readable whatever happens to the pack
  repo.git({"add", "."});
  repo.commit("later");
  std::string pack_path;
  for (const auto& entry : std::filesystem::directory_iterator(repo.path() + "/.git/objects/pack")) {
    if (entry.path().extension() == ".pack") pack_path = entry.path();
  }
  ASSERT_FALSE(pack_path.empty());
  std::filesystem::permissions(pack_path, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
  std::string bytes = read_file(pack_path);
  for (std::size_t at = bytes.size() / 2; at < bytes.size() / 2 + 64; ++at) bytes[at] = static_cast<char>(~bytes[at]);
  repo.write(pack_path.substr(repo.path().size() + 1), bytes);
  const auto run = run_keyward({"git", "--format", "json", repo.path()});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("cannot read"), std::string::npos) << run.err;
  EXPECT_NE(run.out.find("later.env"), std::string::npos) << run.out;
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
