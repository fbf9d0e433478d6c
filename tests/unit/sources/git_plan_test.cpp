// The history and range plans against git itself, on repositories built here with the git CLI: every blob of
// `git rev-list --objects --all` planned once, at a commit that has it at that path and whose ancestors have it
// nowhere; a range's commits are `git rev-list BASE..TIP`, and its added lines are what `git log -p` adds. Loose
// and repacked (trees as deltas of trees) give the same plan.
#include "scanner/sources/git_plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "scanner/sources/git.h"
#include "tests/support/git_repo.h"
#include "tests/support/process.h"

namespace keyward::sources {
namespace {

using testing::GitRepo;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// path -> blob id, of every blob (and symlink) in a commit's tree.
std::map<std::string, std::string> blobs_at(GitRepo& repo, const std::string& commit) {
  std::map<std::string, std::string> blobs;
  const std::string listing = repo.git({"ls-tree", "-r", "-z", commit});
  std::size_t pos = 0;
  while (pos < listing.size()) {
    const std::size_t end = listing.find('\0', pos);
    const std::string entry = listing.substr(pos, end - pos);
    pos = end + 1;
    std::istringstream fields(entry.substr(0, entry.find('\t')));
    std::string mode, type, id;
    fields >> mode >> type >> id;
    if (type == "blob") blobs[entry.substr(entry.find('\t') + 1)] = id;
  }
  return blobs;
}

std::set<std::string> all_blobs(GitRepo& repo) {
  std::string ids;
  for (const auto& line : lines_of(repo.git({"rev-list", "--objects", "--all"}))) ids += line.substr(0, 40) + "\n";
  std::set<std::string> blobs;
  const auto checked =
      testing::run_process({"/usr/bin/git", "-C", repo.path(), "cat-file", "--batch-check"},
                           {.cwd = {}, .stdin_bytes = ids, .privileges = {}, .env = {}, .timeout_seconds = 0});
  for (const auto& line : lines_of(checked.out)) {
    std::istringstream fields(line);
    std::string id, type;
    fields >> id >> type;
    if (type == "blob") blobs.insert(id);
  }
  return blobs;
}

// The plan holds repository handles: the caller's GitLibrary must outlive it.
GitPlan plan(const std::string& repo, GitMode mode, const std::string& range = {}) {
  auto planned = plan_git(repo, {.mode = mode, .range = range, .branches = {}, .since = std::nullopt, .threads = 2});
  EXPECT_TRUE(planned.has_value()) << (planned ? "" : planned.error().message);
  return planned ? std::move(*planned) : GitPlan{};
}

// (blob, path, commit) for every blob item, in plan order.
std::vector<std::tuple<std::string, std::string, std::string>> blob_items(const GitPlan& plan) {
  std::vector<std::tuple<std::string, std::string, std::string>> items;
  for (const auto& item : plan.items) {
    if (item.blob) items.emplace_back(to_hex(*item.blob), item.path, plan.commits.at(item.commit).id);
  }
  return items;
}

// A history with what real ones have: branches and merges (one with a change of its own), a pure rename, a file
// moved deep down, the same content at two paths, a revert to old content, a file turned into a directory, a
// symlink, an orphan branch, a tag, and a directory of many files edited one at a time.
void build_history(GitRepo& repo) {
  repo.write("README", "keyward test repository\n");
  repo.write("src/app.c", "int main(void) { return 0; }\n");
  repo.write("docs/guide.md", "# Guide\n\nStart here.\n");
  repo.write("lib/x/y/z/deep.txt", "deep\n");
  repo.write("thing", "a file for now\n");
  for (int i = 0; i < 60; ++i) repo.write("big/file" + std::to_string(i) + ".txt", "file " + std::to_string(i) + "\n");
  repo.git({"add", "."});
  repo.commit("root");
  repo.write("src/app.c", "int main(void) { return 1; }\n");
  repo.git({"add", "."});
  repo.commit("exit code");

  repo.git({"checkout", "-q", "-b", "feature"});
  repo.write("feature.txt", "a feature\n");
  repo.write("lib/x/y/z/deep.txt", "deeper\n");
  repo.git({"add", "."});
  repo.commit("feature");
  repo.git({"tag", "v-feature"});
  repo.git({"mv", "src/app.c", "src/main.c"});
  repo.commit("rename app.c");

  repo.git({"checkout", "-q", "main"});
  repo.write("main.txt", "on main\n");
  repo.write("README.copy", "keyward test repository\n");
  repo.git({"add", "."});
  repo.commit("main work");
  std::filesystem::create_directories(repo.dir() / "a/b/c/d/e/f/g/h");
  repo.git({"mv", "docs/guide.md", "a/b/c/d/e/f/g/h/guide.md"});
  repo.commit("move the guide deep down");
  for (int i = 0; i < 12; ++i) {
    repo.write("big/file" + std::to_string(i * 5) + ".txt", "edited " + std::to_string(i) + "\n");
    repo.git({"add", "."});
    repo.commit("edit big " + std::to_string(i));
  }

  repo.git({"merge", "-q", "--no-ff", "--no-commit", "feature"});
  repo.write("main.txt", "on main\nresolved in the merge\n");  // the merge's own change
  repo.git({"add", "."});
  repo.commit("merge feature");

  repo.write("src/main.c", "int main(void) { return 0; }\n");  // back to the root's content
  repo.git({"rm", "-q", "thing"});
  repo.write("thing/inner.txt", "now a directory\n");
  std::filesystem::create_symlink("README", repo.dir() / "link");
  repo.git({"add", "-A"});
  repo.commit("revert, a file becomes a directory, a symlink");

  repo.git({"checkout", "-q", "--orphan", "pages"});
  repo.git({"rm", "-rfq", "."});
  repo.write("index.html", "<p>pages</p>\n");
  repo.write("README", "keyward test repository\n");  // a blob main has too
  repo.git({"add", "."});
  repo.commit("orphan branch");
  repo.git({"checkout", "-q", "main"});
}

TEST(GitPlan, HistoryPlansEveryBlobOnceWhereItWasIntroducedLooseAndRepacked) {
  GitLibrary library;
  GitRepo repo;
  build_history(repo);
  const auto loose = plan(repo.path(), GitMode::kHistory);
  const auto items = blob_items(loose);

  std::set<std::string> planned;
  for (const auto& [blob, path, commit] : items) EXPECT_TRUE(planned.insert(blob).second) << blob << " twice";
  EXPECT_EQ(planned, all_blobs(repo));

  std::map<std::string, std::map<std::string, std::string>> trees;  // commit -> path -> blob
  for (const auto& commit : lines_of(repo.git({"rev-list", "--all"}))) trees[commit] = blobs_at(repo, commit);
  for (const auto& [blob, path, commit] : items) {
    EXPECT_EQ(trees.at(commit)[path], blob) << path << " at " << commit;
    for (const auto& ancestor : lines_of(repo.git({"rev-list", commit + "^@", "--"}))) {
      for (const auto& [other_path, other_blob] : trees.at(ancestor)) {
        EXPECT_NE(other_blob, blob) << path << " attributed to " << commit << " but " << ancestor << " has it at "
                                    << other_path;
      }
    }
  }

  repo.git({"repack", "-adfq", "--depth=50", "--window=50"});
  repo.git({"prune-packed"});
  EXPECT_EQ(blob_items(plan(repo.path(), GitMode::kHistory)), items);
}

// (commit, path) -> the lines `git log -p` shows as added, for the non-merge commits of a range.
std::map<std::pair<std::string, std::string>, std::vector<int>> added_by_git(GitRepo& repo, const std::string& range) {
  std::map<std::pair<std::string, std::string>, std::vector<int>> added;
  std::string commit, path;
  for (const auto& line : lines_of(repo.git({"log", "-p", "-U0", "--no-merges", "--format=commit %H", range}))) {
    if (line.rfind("commit ", 0) == 0) {
      commit = line.substr(7);
    } else if (line.rfind("+++ ", 0) == 0) {
      path = line == "+++ /dev/null" ? "" : line.substr(6);  // "+++ b/PATH"
    } else if (line.rfind("@@ ", 0) == 0 && !path.empty()) {
      const std::size_t plus = line.find(" +");
      int start = 0, count = 1;
      std::sscanf(line.c_str() + plus + 2, "%d,%d", &start, &count);
      for (int l = start; l < start + count; ++l) added[{commit, path}].push_back(l);
    }
  }
  return added;
}

std::string numbered(int from, int to, const std::string& tag) {
  std::string text;
  for (int i = from; i <= to; ++i) text += tag + " line " + std::to_string(i) + " of a file long enough to rename\n";
  return text;
}

TEST(GitPlan, ARangeIsItsCommitsWithTheLinesGitLogPatchAdds) {
  GitLibrary library;
  GitRepo repo;
  repo.write("notes.txt", numbered(1, 40, "n"));
  repo.write("moved.txt", numbered(1, 30, "m"));
  repo.write("edited-and-moved.txt", numbered(1, 30, "e"));
  repo.write("gone.txt", "bye\n");
  repo.git({"add", "."});
  repo.commit("base");
  repo.git({"tag", "base"});
  repo.write("notes.txt", "top\n" + numbered(1, 10, "n") + "changed\n" + numbered(12, 38, "n") + "end\n");
  repo.git({"rm", "-q", "gone.txt"});
  repo.git({"add", "."});
  repo.commit("edit at the top, the middle and the end, delete a file");
  std::filesystem::create_directories(repo.dir() / "dir");
  repo.git({"mv", "moved.txt", "dir/moved.txt"});
  repo.git({"mv", "edited-and-moved.txt", "dir/edited.txt"});
  repo.write("dir/edited.txt", numbered(1, 14, "e") + "edited on the way\n" + numbered(16, 30, "e"));
  repo.write("new.txt", "brand new\nfile\n");
  repo.git({"add", "-A"});
  repo.commit("a pure move, a move with an edit, a new file");
  repo.git({"checkout", "-q", "-b", "topic"});
  repo.write("topic.txt", "topic work\n");
  repo.write("notes.txt", "top\n" + numbered(1, 10, "n") + "changed\n" + numbered(12, 38, "n") + "end\ntopic tail\n");
  repo.git({"add", "."});
  repo.commit("topic");
  repo.git({"checkout", "-q", "main"});
  repo.write("main.txt", "main work\n");
  repo.git({"add", "."});
  repo.commit("main");
  repo.git({"merge", "-q", "--no-ff", "--no-commit", "topic"});
  repo.write("main.txt", "main work\nonly in the merge\n");
  repo.git({"add", "."});
  const std::string merge = repo.commit("merge topic with a change of its own");

  for (const bool repacked : {false, true}) {
    if (repacked) repo.git({"repack", "-adfq", "--depth=50", "--window=50"});
    const auto planned = plan(repo.path(), GitMode::kRange, "base..main");
    std::set<std::string> commits;
    for (const auto& c : planned.commits) commits.insert(c.id);
    const auto expected_commits = lines_of(repo.git({"rev-list", "base..main"}));
    EXPECT_EQ(commits, std::set<std::string>(expected_commits.begin(), expected_commits.end()));

    std::map<std::pair<std::string, std::string>, std::vector<int>> added;
    for (const auto& item : planned.items) {
      if (!item.blob) continue;
      const std::string commit = planned.commits.at(item.commit).id;
      std::vector<int> lines = item.added_lines;
      if (item.filter == LineFilter::kAllLines) {
        const auto text = repo.git({"cat-file", "blob", to_hex(*item.blob)});
        for (int l = 1; l <= static_cast<int>(std::count(text.begin(), text.end(), '\n')); ++l) lines.push_back(l);
      }
      added[{commit, item.path}] = lines;
    }
    const auto merge_item = added.extract({merge, "main.txt"});
    ASSERT_FALSE(merge_item.empty()) << "the merge's own line";
    EXPECT_EQ(merge_item.mapped(), std::vector<int>{2});
    EXPECT_EQ(added, added_by_git(repo, "base..main")) << "repacked: " << repacked;
  }
}

}  // namespace
}  // namespace keyward::sources
