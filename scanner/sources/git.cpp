#include "scanner/sources/git.h"

#include <git2.h>

namespace keyward::sources {

GitLibrary::GitLibrary() {
  git_libgit2_init();
  // A scanner only reads objects, so re-hashing each one to verify its id (SHA-1DC, slow) buys nothing.
  git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
}
GitLibrary::~GitLibrary() { git_libgit2_shutdown(); }

void RepositoryFree::operator()(git_repository* repo) const { git_repository_free(repo); }

Repository discover_repository(const std::string& path) {
  git_repository* repo = nullptr;
  if (git_repository_open_ext(&repo, path.c_str(), 0, nullptr) != 0) return nullptr;
  return Repository(repo);
}

std::string workdir(git_repository* repo) {
  const char* dir = git_repository_workdir(repo);
  return dir == nullptr ? "" : dir;
}

Expected<bool> is_ignored(git_repository* repo, const std::string& relative_path) {
  int ignored = 0;
  if (git_ignore_path_is_ignored(&ignored, repo, relative_path.c_str()) != 0) return fail(last_git_error());
  return ignored != 0;
}

std::string last_git_error() {
  const git_error* error = git_error_last();
  return error != nullptr && error->message != nullptr ? error->message : "unknown libgit2 error";
}

}  // namespace keyward::sources
