// Added lines against git's own diff: random edits of random files, every one compared with what
// `git diff --no-index -U0` adds; and renames paired by content as git pairs them.
#include "scanner/sources/line_diff.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <sstream>

#include "scanner/sources/git.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace keyward::sources {
namespace {

std::vector<int> added_by_git(const testing::TempDir& dir, const std::string& before, const std::string& after) {
  const std::string a = dir.write("a", before), b = dir.write("b", after);
  const auto diff = testing::run_process({"/usr/bin/git", "diff", "--no-index", "-U0", "--no-color", a, b});
  std::vector<int> lines;
  std::istringstream out(diff.out);
  for (std::string line; std::getline(out, line);) {
    if (line.rfind("@@ ", 0) != 0) continue;
    int start = 0, count = 1;
    std::sscanf(line.c_str() + line.find(" +") + 2, "%d,%d", &start, &count);
    for (int l = start; l < start + count; ++l) lines.push_back(l);
  }
  return lines;
}

// A file of `lines` lines drawn from a small vocabulary, so that repeated lines make the diff's choices matter.
std::string random_text(std::mt19937& random, int lines) {
  static const char* const kWords[] = {"alpha", "beta", "}", "", "return 0;", "gamma delta", "{", "x = 1;"};
  std::string text;
  for (int i = 0; i < lines; ++i) text += std::string(kWords[random() % 8]) + " " + std::to_string(random() % 5) + "\n";
  return text;
}

std::string random_edit(std::mt19937& random, std::string text) {
  for (int edits = 1 + static_cast<int>(random() % 4); edits > 0; --edits) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line + "\n");
    const std::size_t at = lines.empty() ? 0 : random() % (lines.size() + 1);
    switch (random() % 5) {
      case 0:
        lines.insert(lines.begin() + static_cast<long>(at), "inserted " + std::to_string(random() % 100) + "\n");
        break;
      case 1:
        if (at < lines.size()) lines.erase(lines.begin() + static_cast<long>(at));
        break;
      case 2:  // a line commented out: the new line ends with all of the old one
        if (at < lines.size()) lines[at] = "# " + lines[at];
        break;
      case 3:  // a line uncommented: the old line ends with all of the new one
        if (at < lines.size() && lines[at].size() > 2) lines[at] = lines[at].substr(2);
        break;
      default:
        if (at < lines.size()) lines[at] = "replaced " + std::to_string(random() % 100) + "\n";
    }
    text.clear();
    for (const auto& line : lines) text += line;
  }
  if (random() % 10 == 0 && !text.empty()) text.pop_back();  // sometimes no newline at the end
  return text;
}

TEST(LineDiff, AddedLinesAreWhatGitDiffAddsOnRandomEdits) {
  GitLibrary library;  // the diff is libgit2's
  testing::TempDir dir;
  std::mt19937 random(16);
  for (int round = 0; round < 150; ++round) {
    const std::string before = random_text(random, static_cast<int>(random() % 60));
    const std::string after = random_edit(random, before);
    EXPECT_EQ(added_lines(before, after), added_by_git(dir, before, after)) << "before:\n"
                                                                            << before << "after:\n"
                                                                            << after;
  }
}

TEST(LineDiff, IdenticalEmptyAndWholeFiles) {
  GitLibrary library;
  EXPECT_TRUE(added_lines("a\nb\n", "a\nb\n").empty());
  EXPECT_EQ(added_lines("", "a\nb\n"), (std::vector<int>{1, 2}));
  EXPECT_TRUE(added_lines("a\nb\n", "").empty());
  EXPECT_EQ(added_lines("a\nb", "a\nb\nc\n"), (std::vector<int>{2, 3}));  // "b" gains its newline
  EXPECT_EQ(all_lines("a\nb"), (std::vector<int>{1, 2}));
  // A line whose new text is the end of its old text is still an added line, wherever it is.
  EXPECT_EQ(added_lines("x\n# key=v\ny\n", "x\nkey=v\ny\n"), (std::vector<int>{2}));
  EXPECT_EQ(added_lines("# key=v\n", "key=v\n"), (std::vector<int>{1}));
  EXPECT_EQ(added_lines("b\n", "a\nb\n"), (std::vector<int>{1}));
}

TEST(LineDiff, RenamesPairByContentAndMergesKeepOnlyLinesNoParentHas) {
  const std::string config = "host = example.org\nport = 8080\nuser = app\nmode = production\n";
  const std::string other = "completely\ndifferent\ncontent\nhere\n";
  const std::string renamed = config + "extra = 1\n";
  const std::vector<std::string_view> added{other, renamed};
  const std::vector<std::string_view> removed{config};
  EXPECT_EQ(pair_renames(added, removed), (std::vector<std::pair<std::size_t, std::size_t>>{{1, 0}}));
  EXPECT_TRUE(pair_renames(std::vector<std::string_view>{other}, removed).empty());
  EXPECT_EQ(lines_not_in({1, 2, 3}, "a\nb\nc\n", "b\nx\n"), (std::vector<int>{1, 3}));
}

}  // namespace
}  // namespace keyward::sources
