#include "scanner/audit/staged_files.h"

#include <git2.h>

#include <memory>

#include <fmt/format.h>

#include "scanner/audit/audit_findings.h"
#include "scanner/sources/git.h"

namespace keyward::audit {
namespace {

struct DiffFree {
  void operator()(git_diff* diff) const { git_diff_free(diff); }
};
struct IndexFree {
  void operator()(git_index* index) const { git_index_free(index); }
};
struct ObjectFree {
  void operator()(git_object* object) const { git_object_free(object); }
};
struct BlobFree {
  void operator()(git_blob* blob) const { git_blob_free(blob); }
};

bool adds_path(git_delta_t status) {
  return status == GIT_DELTA_ADDED || status == GIT_DELTA_RENAMED || status == GIT_DELTA_COPIED;
}

std::string blob_bytes(git_repository* repo, const git_oid& id) {
  git_blob* raw = nullptr;
  if (git_blob_lookup(&raw, repo, &id) < 0) return {};
  std::unique_ptr<git_blob, BlobFree> blob(raw);
  return std::string(static_cast<const char*>(git_blob_rawcontent(raw)),
                     static_cast<std::size_t>(git_blob_rawsize(raw)));
}

Expected<bool> check(int status, std::string_view what) {
  if (status < 0) return fail(fmt::format("{}: {}", what, sources::last_git_error()));
  return true;
}

}  // namespace

Expected<std::vector<report::Finding>> staged_sensitive_files(const std::string& repo_path,
                                                              const SensitivePaths& list) {
  sources::Repository repo = sources::discover_repository(repo_path);
  if (!repo) return fail(fmt::format("{}: not a git repository", repo_path));
  git_index* raw_index = nullptr;
  if (auto ok = check(git_repository_index(&raw_index, repo.get()), "cannot read the index"); !ok) {
    return tl::unexpected(ok.error());
  }
  std::unique_ptr<git_index, IndexFree> index(raw_index);
  git_object* head = nullptr;
  std::unique_ptr<git_object, ObjectFree> head_tree;
  if (git_revparse_single(&head, repo.get(), "HEAD^{tree}") == 0) head_tree.reset(head);  // else: no commit yet
  git_diff* raw_diff = nullptr;
  if (auto ok = check(git_diff_tree_to_index(&raw_diff, repo.get(), reinterpret_cast<git_tree*>(head_tree.get()),
                                             raw_index, nullptr),
                      "diff");
      !ok) {
    return tl::unexpected(ok.error());
  }
  std::unique_ptr<git_diff, DiffFree> diff(raw_diff);
  git_diff_find_options find{};
  git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION);
  find.flags = GIT_DIFF_FIND_RENAMES | GIT_DIFF_FIND_COPIES;
  if (auto ok = check(git_diff_find_similar(raw_diff, &find), "rename detection"); !ok) {
    return tl::unexpected(ok.error());
  }
  std::vector<report::Finding> findings;
  for (std::size_t i = 0; i < git_diff_num_deltas(raw_diff); ++i) {
    const git_diff_delta* delta = git_diff_get_delta(raw_diff, i);
    if (!adds_path(delta->status) || delta->new_file.mode == GIT_FILEMODE_COMMIT) continue;
    const std::string path = delta->new_file.path;
    auto match = match_path(list, path);
    if (!match) continue;
    if (!match->entry->content.empty() &&
        !content_qualifies(*match->entry, blob_bytes(repo.get(), delta->new_file.id))) {
      continue;
    }
    findings.push_back(make_finding(kRuleStaged, *match->entry, path, engine::Severity::kCritical,
                                    fmt::format("staged to be committed: a file like this must never be; unstage it "
                                                "with `git rm --cached -- {}` and add it to .gitignore",
                                                path)));
  }
  return findings;
}

}  // namespace keyward::audit
