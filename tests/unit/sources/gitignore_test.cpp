// GitIgnore against the real `git check-ignore` (issue #5: the .gitignore audit decides as git does): nested
// .gitignore files, negations, directory patterns, `**`, .git/info/exclude and core.excludesFile.
#include "scanner/sources/gitignore.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <iostream>
#include <set>
#include <sstream>

#include "scanner/sources/git.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace keyward::sources {
namespace {

using keyward::testing::run_process;
using keyward::testing::TempDir;

// What git answers for untracked paths: --no-index so that the index plays no part, one path a line.
std::set<std::string> git_check_ignore(const std::string& repo, const std::vector<std::string>& paths) {
  std::string input;
  for (const auto& p : paths) input += p + "\n";
  const auto run = run_process({"/usr/bin/git", "-C", repo, "check-ignore", "--no-index", "--stdin"},
                               {.cwd = {}, .stdin_bytes = input, .privileges = {}, .env = {}});
  EXPECT_TRUE(run.exit_code == 0 || run.exit_code == 1) << run.err;  // 1: nothing ignored
  std::set<std::string> ignored;
  std::istringstream lines(run.out);
  for (std::string line; std::getline(lines, line);) ignored.insert(line);
  return ignored;
}

TEST(GitIgnore, DecidesLikeGitCheckIgnoreOnEveryPath) {
  TempDir dir;
  const std::string repo = dir / "repo";
  ASSERT_EQ(run_process({"/usr/bin/git", "init", "-q", repo}).exit_code, 0);
  dir.write("repo/.gitignore",
            "# a comment, then patterns of every kind\n"
            "*.log\n"
            "!keep.log\n"
            "build/\n"
            "/root-only.txt\n"
            "docs/**/*.tmp\n"
            "**/cache\n"
            "*.py[co]\n"
            "\\#hash.txt\n"
            "\\!bang.txt\n"
            "foo?.txt\n"
            "a/**/b\n"
            ".env*\n"
            "!.env.example\n"
            "secrets/\n"
            "/anchored/dir/\n"
            "vendor/*\n"
            "!vendor/keep/\n"
            "logs/**\n"
            "!logs/**/\n"
            "!logs/**/*.md\n"
            "d[[:digit:]]?.txt\n"
            "with\\ space\\ \n");
  dir.write("repo/sub/.gitignore", "!*.log\n*.txt\n!important.txt\nlocal/\n/only-here.md\n");
  dir.write("repo/sub/deeper/.gitignore", "*.md\n!README.md\n!.env.local\n");
  dir.write("repo/.git/info/exclude", "*.bak\nexclude-me/\n!notme.bak\n");
  dir.write("global-ignore", "*.swp\n.DS_Store\nglobal-ignored*\n!global-ignored-keep\n");
  ASSERT_EQ(run_process({"/usr/bin/git", "-C", repo, "config", "core.excludesFile", dir / "global-ignore"}).exit_code,
            0);

  const std::vector<std::string> dirs = {"",           "sub/",        "sub/deeper/",  "build/",        "docs/x/y/",
                                         "a/q/",       "vendor/",     "vendor/keep/", "anchored/dir/", "other/",
                                         "sub/local/", "exclude-me/", "secrets/",     "logs/",         "logs/a/b/"};
  const std::vector<std::string> names = {"app.log",
                                          "keep.log",
                                          "x.txt",
                                          "important.txt",
                                          "README.md",
                                          "notes.md",
                                          "file.tmp",
                                          "mod.pyc",
                                          "#hash.txt",
                                          "!bang.txt",
                                          "foo1.txt",
                                          "x.bak",
                                          "notme.bak",
                                          ".env",
                                          ".env.example",
                                          ".env.local",
                                          "t.swp",
                                          ".DS_Store",
                                          "only-here.md",
                                          "root-only.txt",
                                          "global-ignored-1",
                                          "global-ignored-keep",
                                          "d7x.txt",
                                          "with space "};
  std::vector<std::string> paths;
  for (const auto& d : dirs) {
    for (const auto& n : names) {
      dir.write("repo/" + d + n, "x");
      paths.push_back(d + n);
    }
  }
  // Directories themselves, with and without the trailing slash, and files below pattern-named directories.
  for (const std::string d : {"cache/", "x/cache/", "a/q/b/", "a/b/", "sub/secrets/", "anchored/dir/", "build/",
                              "vendor/other/", "vendor/keep/", "exclude-me/"}) {
    dir.write("repo/" + d + "inside.txt", "x");
    paths.push_back(d + "inside.txt");
    paths.push_back(d);
    paths.push_back(d.substr(0, d.size() - 1));
  }
  ASSERT_GE(paths.size(), 100u);

  const auto expected = git_check_ignore(repo, paths);
  ASSERT_FALSE(expected.empty());
  GitLibrary git;
  Repository handle = discover_repository(repo);
  ASSERT_NE(handle, nullptr);
  GitIgnore ignore(handle.get());
  std::size_t ignored = 0;
  for (const auto& path : paths) {
    struct stat st {};
    ASSERT_EQ(stat((repo + "/" + path).c_str(), &st), 0) << path;
    const std::string bare = path.ends_with('/') ? path.substr(0, path.size() - 1) : path;
    const bool answer = ignore.ignored(bare, S_ISDIR(st.st_mode) ? PathKind::kDirectory : PathKind::kFile);
    EXPECT_EQ(answer, expected.contains(path)) << path;
    ignored += answer ? 1 : 0;
  }
  // Both answers occur often enough for the comparison to mean something.
  EXPECT_GE(ignored, 50u);
  EXPECT_GE(paths.size() - ignored, 50u);
  std::cout << "compared " << paths.size() << " paths with git check-ignore, " << ignored << " ignored\n";
}

TEST(GitIgnore, CouldIgnoreNameLooksAtEveryRuleARootLineOverrides) {
  TempDir dir;
  const std::string repo = dir / "repo";
  ASSERT_EQ(run_process({"/usr/bin/git", "init", "-q", repo}).exit_code, 0);
  dir.write("repo/.gitignore", "*.log\nconfig/.env.sample\n!.env.example\n");
  dir.write("repo/sub/.gitignore", ".env.dist\n");  // deeper: a root line cannot override it
  dir.write("repo/.git/info/exclude", ".env.t*\n");
  dir.write("global-ignore", "deep/**\n");
  ASSERT_EQ(run_process({"/usr/bin/git", "-C", repo, "config", "core.excludesFile", dir / "global-ignore"}).exit_code,
            0);
  GitLibrary git;
  Repository handle = discover_repository(repo);
  ASSERT_NE(handle, nullptr);
  GitIgnore ignore(handle.get());
  EXPECT_TRUE(ignore.could_ignore_name("x.log"));
  EXPECT_TRUE(ignore.could_ignore_name(".env.sample"));    // its last component
  EXPECT_TRUE(ignore.could_ignore_name(".env.template"));  // info/exclude
  EXPECT_TRUE(ignore.could_ignore_name("anything"));       // "**" could match any name
  dir.write("global-ignore", "");
  GitIgnore without_global(handle.get());
  EXPECT_FALSE(without_global.could_ignore_name(".env.example"));  // only a negation names it
  EXPECT_FALSE(without_global.could_ignore_name(".env.dist"));
}

TEST(GitIgnore, ParsesLinesAsGitDoes) {
  const auto patterns =
      parse_ignore_file("\xEF\xBB\xBF# comment\n\n!keep.log\r\nbuild/\ntrail  \nspace\\ \n/a/b\n", "sub/");
  ASSERT_EQ(patterns.size(), 5u);
  EXPECT_TRUE(patterns[0].negative);
  EXPECT_EQ(patterns[0].pattern, "keep.log");
  EXPECT_TRUE(patterns[0].basename_only);
  EXPECT_TRUE(patterns[1].directory_only);
  EXPECT_EQ(patterns[1].pattern, "build");
  EXPECT_EQ(patterns[2].pattern, "trail");
  EXPECT_EQ(patterns[3].pattern, "space\\ ");
  EXPECT_FALSE(patterns[4].basename_only);
  EXPECT_EQ(patterns[4].base, "sub/");
}

TEST(GitIgnore, WildmatchFollowsGitsRules) {
  EXPECT_TRUE(wildmatch("*.log", "a.log", true));
  EXPECT_FALSE(wildmatch("*.log", "dir/a.log", true));
  EXPECT_TRUE(wildmatch("*.log", "dir/a.log", false));
  EXPECT_TRUE(wildmatch("**/cache", "cache", true));
  EXPECT_TRUE(wildmatch("**/cache", "x/y/cache", true));
  EXPECT_TRUE(wildmatch("a/**/b", "a/b", true));
  EXPECT_TRUE(wildmatch("a/**/b", "a/x/y/b", true));
  EXPECT_FALSE(wildmatch("a/**/b", "a/xb", true));
  EXPECT_TRUE(wildmatch("a/**", "a/x/y", true));
  EXPECT_FALSE(wildmatch("a/**", "a", true));
  EXPECT_TRUE(wildmatch("a**b", "axxb", true));
  EXPECT_FALSE(wildmatch("a**b", "a/b", true));
  EXPECT_TRUE(wildmatch("*.py[co]", "m.pyc", true));
  EXPECT_FALSE(wildmatch("*.py[!co]", "m.pyc", true));
  EXPECT_TRUE(wildmatch("[a-c]x", "bx", true));
  EXPECT_TRUE(wildmatch("[[:digit:]]x", "7x", true));
  EXPECT_TRUE(wildmatch("[]]", "]", true));
  EXPECT_FALSE(wildmatch("[ab", "a", true));
  EXPECT_TRUE(wildmatch("\\#hash", "#hash", true));
  EXPECT_TRUE(wildmatch("foo?.txt", "foo1.txt", true));
  EXPECT_FALSE(wildmatch("a?b", "a/b", true));
}

}  // namespace
}  // namespace keyward::sources
