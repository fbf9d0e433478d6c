#include "scanner/sources/worktree.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "scanner/sources/git.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace keyward::sources {
namespace {

using keyward::testing::TempDir;

std::set<std::string> walk_all(const std::string& root, WalkOptions options, WalkCounts* counts = nullptr) {
  GitLibrary git;
  WorktreeWalker walker({root}, options);
  std::set<std::string> paths;
  while (auto item = walker.next()) paths.insert(item->path);
  if (counts != nullptr) *counts = walker.counts();
  return paths;
}

TEST(Worktree, RespectsGitignoreAndSkipsDotGit) {
  TempDir dir;
  ASSERT_EQ(keyward::testing::run_process({"/usr/bin/git", "init", "-q", dir.path()}).exit_code, 0);
  dir.write(".gitignore", "*.log\nbuild/\n!keep.log\n");
  dir.write("src/app.py", "x");
  dir.write("src/.gitignore", "local.txt\n");
  dir.write("src/local.txt", "x");
  dir.write("debug.log", "x");
  dir.write("keep.log", "x");
  dir.write("build/out.txt", "x");
  WalkCounts counts;
  const auto paths = walk_all(dir.path(), {}, &counts);
  const std::string p = dir.path() + "/";
  EXPECT_EQ(paths, (std::set<std::string>{p + ".gitignore", p + "keep.log", p + "src/.gitignore", p + "src/app.py"}));
  EXPECT_EQ(counts.ignored, 3u);  // debug.log, build/, src/local.txt

  const auto everything = walk_all(dir.path(), {.symlinks = SymlinkPolicy::kSkip, .ignore = IgnorePolicy::kScanAll});
  EXPECT_EQ(everything.size(), 7u);
  EXPECT_TRUE(std::none_of(everything.begin(), everything.end(),
                           [](const std::string& s) { return s.find("/.git/") != std::string::npos; }));
}

TEST(Worktree, SkipsSymlinksUnlessAskedAndSurvivesALoop) {
  TempDir dir;
  dir.write("real/file.txt", "x");
  ASSERT_EQ(symlink("real/file.txt", (dir / "link.txt").c_str()), 0);
  ASSERT_EQ(symlink(".", (dir / "real/loop").c_str()), 0);
  WalkCounts counts;
  EXPECT_EQ(walk_all(dir.path(), {}, &counts).size(), 1u);
  EXPECT_EQ(counts.symlinks, 2u);

  GitLibrary git;
  WorktreeWalker walker({dir.path()}, {.symlinks = SymlinkPolicy::kFollow, .ignore = IgnorePolicy::kScanAll});
  std::size_t files = 0;
  while (walker.next()) ++files;
  EXPECT_EQ(files, 2u);  // file.txt and link.txt; the loop is entered once at most
  EXPECT_FALSE(walker.diagnostics().empty());
}

TEST(Worktree, CountsSpecialFilesAndReportsAMissingRoot) {
  TempDir dir;
  ASSERT_EQ(mkfifo((dir / "pipe").c_str(), 0600), 0);
  GitLibrary git;
  WorktreeWalker walker({dir.path(), dir / "missing"}, {});
  EXPECT_FALSE(walker.next().has_value());
  EXPECT_EQ(walker.counts().special, 1u);
  ASSERT_EQ(walker.diagnostics().size(), 1u);
  EXPECT_EQ(walker.diagnostics()[0].origin, dir / "missing");
}

TEST(LoadFile, TellsBinaryTooLargeAndLoaded) {
  TempDir dir;
  std::string buffer;
  const std::string text = dir.write("a.txt", "hello\n");
  const auto loaded = load_file(text, 1024, buffer);
  EXPECT_EQ(loaded.status, LoadStatus::kLoaded);
  EXPECT_EQ(buffer.substr(0, loaded.bytes), "hello\n");
  EXPECT_EQ(load_file(text, 3, buffer).status, LoadStatus::kTooLarge);
  EXPECT_EQ(load_file(dir.write("b.bin", std::string("ab\0cd", 5)), 1024, buffer).status, LoadStatus::kBinary);
  // A NUL after the first 8 KiB does not make a file binary.
  std::string late(kBinarySniffBytes + 10, 'a');
  late[kBinarySniffBytes + 5] = '\0';
  EXPECT_EQ(load_file(dir.write("c.txt", late), 1 << 20, buffer).status, LoadStatus::kLoaded);
  const auto missing = load_file(dir / "nope", 1024, buffer);
  EXPECT_EQ(missing.status, LoadStatus::kError);
  EXPECT_NE(missing.error.find("No such file"), std::string::npos);
}

}  // namespace
}  // namespace keyward::sources
