#include "scanner/audit/baseline_guard.h"

#include <git2.h>

#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "scanner/sources/git.h"

namespace keyward::audit {
namespace {

struct TreeFree {
  void operator()(git_tree* tree) const { git_tree_free(tree); }
};

bool holds(const std::vector<std::string>& sorted, std::string_view path) {
  return std::binary_search(sorted.begin(), sorted.end(), path);
}

// Every blob path of HEAD's tree, sorted; none before the first commit.
Expected<std::vector<std::string>> committed_paths(git_repository* repo) {
  std::vector<std::string> paths;
  git_object* object = nullptr;
  if (git_revparse_single(&object, repo, "HEAD^{tree}") != 0) return paths;  // an unborn branch
  const std::unique_ptr<git_tree, TreeFree> tree(reinterpret_cast<git_tree*>(object));
  const int status = git_tree_walk(
      tree.get(), GIT_TREEWALK_PRE,
      [](const char* root, const git_tree_entry* entry, void* payload) -> int {
        if (git_tree_entry_type(entry) == GIT_OBJECT_BLOB) {
          static_cast<std::vector<std::string>*>(payload)->push_back(std::string(root) + git_tree_entry_name(entry));
        }
        return 0;
      },
      &paths);
  if (status != 0) return fail(fmt::format("cannot read HEAD: {}", sources::last_git_error()));
  std::sort(paths.begin(), paths.end());
  return paths;
}

}  // namespace

Expected<std::optional<TrackedPaths>> read_tracked_paths(const std::string& path) {
  const sources::Repository repo = sources::discover_repository(path);
  if (!repo || sources::workdir(repo.get()).empty()) return std::optional<TrackedPaths>{};
  auto indexed = sources::tracked_paths(repo.get());
  if (!indexed) return tl::unexpected(indexed.error());
  auto committed = committed_paths(repo.get());
  if (!committed) return tl::unexpected(committed.error());
  return std::optional<TrackedPaths>(TrackedPaths{.indexed = std::move(*indexed), .committed = std::move(*committed)});
}

Refusal baseline_refusal(const report::Finding& finding, std::string_view repository_path, const TrackedPaths& tracked,
                         const SensitivePaths& sensitive) {
  if (match_path(sensitive, repository_path) && !holds(tracked.committed, repository_path)) {
    return Refusal::kUncommittedSensitiveFile;
  }
  if (finding.severity == engine::Severity::kCritical && !holds(tracked.indexed, repository_path)) {
    return Refusal::kUntrackedCritical;
  }
  return Refusal::kNone;
}

std::string_view advice(Refusal refusal) {
  switch (refusal) {
    case Refusal::kNone:
      return "";
    case Refusal::kUntrackedCritical:
      return "a critical secret in a file git does not track: remove it (and rotate it if it was shared); a made-up "
             "one in a test fixture is recorded once the fixture is `git add`ed";
    case Refusal::kUncommittedSensitiveFile:
      return "a sensitive file git has not committed: keep it out of git (`git rm --cached` if staged, then "
             "`keyward audit --fix` to ignore it) instead of hiding it";
  }
  return "";
}

}  // namespace keyward::audit
