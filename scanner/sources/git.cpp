#include "scanner/sources/git.h"

#include <algorithm>

#include <git2.h>

#include <fmt/format.h>

namespace keyward::sources {

GitLibrary::GitLibrary() {
  git_libgit2_init();
  // A scanner only reads objects, so re-hashing each one to verify its id (SHA-1DC, slow) buys nothing.
  git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
  // libgit2 keeps every commit and tree it parses in a cache of up to 256 MiB, counted by their raw size, which is
  // a fraction of what the parsed objects take: on a history walk it held every tree and commit (about 600 bytes
  // a commit). A walk reads each once or twice, and the pack backend behind libgit2 caches the raw bytes.
  git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_COMMIT, std::size_t{0});
  git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, std::size_t{0});
}
GitLibrary::~GitLibrary() { git_libgit2_shutdown(); }

std::string libgit2_version() {
  int major = 0;
  int minor = 0;
  int revision = 0;
  git_libgit2_version(&major, &minor, &revision);
  return fmt::format("{}.{}.{}", major, minor, revision);
}

void RepositoryFree::operator()(git_repository* repo) const { git_repository_free(repo); }

Repository discover_repository(const std::string& path) {
  git_repository* repo = nullptr;
  if (git_repository_open_ext(&repo, path.c_str(), 0, nullptr) != 0) return nullptr;
  return Repository(repo);
}

Expected<std::string> hooks_directory(const std::string& path) {
  Repository repo = discover_repository(path);
  if (!repo) return fail(fmt::format("{}: not in a git repository", path));
  git_config* config = nullptr;
  if (git_repository_config_snapshot(&config, repo.get()) != 0) {
    return fail(fmt::format("{}: cannot read the git config: {}", path, last_git_error()));
  }
  std::string directory;
  git_buf buf = GIT_BUF_INIT;
  if (git_config_get_path(&buf, config, "core.hooksPath") == 0) directory.assign(buf.ptr, buf.size);
  git_buf_dispose(&buf);
  git_config_free(config);
  if (!directory.empty()) {
    if (directory.front() != '/') {
      const std::string top = workdir(repo.get());
      directory = (top.empty() ? std::string(git_repository_path(repo.get())) : top) + directory;
    }
  } else {
    if (git_repository_item_path(&buf, repo.get(), GIT_REPOSITORY_ITEM_HOOKS) != 0) {
      return fail(fmt::format("{}: cannot find the hooks directory: {}", path, last_git_error()));
    }
    directory.assign(buf.ptr, buf.size);
    git_buf_dispose(&buf);
  }
  while (directory.size() > 1 && directory.back() == '/') directory.pop_back();
  return directory;
}

std::string workdir(git_repository* repo) {
  const char* dir = git_repository_workdir(repo);
  return dir == nullptr ? "" : dir;
}

Expected<std::vector<std::string>> tracked_paths(git_repository* repo) {
  git_index* index = nullptr;
  if (git_repository_index(&index, repo) != 0) return fail(fmt::format("cannot read the index: {}", last_git_error()));
  std::vector<std::string> paths;
  const std::size_t count = git_index_entrycount(index);
  paths.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const git_index_entry* entry = git_index_get_byindex(index, i);
    if (entry == nullptr) continue;
    if (paths.empty() || paths.back() != entry->path) paths.emplace_back(entry->path);  // one per conflict stage
  }
  git_index_free(index);
  std::sort(paths.begin(), paths.end());
  return paths;
}

std::string last_git_error() {
  const git_error* error = git_error_last();
  return error != nullptr && error->message != nullptr ? error->message : "unknown libgit2 error";
}

}  // namespace keyward::sources
