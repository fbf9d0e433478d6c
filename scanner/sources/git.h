// RAII for the libgit2 handles keyward uses, and the few repository questions the sources ask.
// One handle per thread; libgit2 is initialised for as long as a Library object lives.
#pragma once

#include <memory>
#include <string>

#include "scanner/error.h"

struct git_repository;

namespace keyward::sources {

class GitLibrary {
 public:
  GitLibrary();
  ~GitLibrary();
  GitLibrary(const GitLibrary&) = delete;
  GitLibrary& operator=(const GitLibrary&) = delete;
};

struct RepositoryFree {
  void operator()(git_repository* repo) const;
};
using Repository = std::unique_ptr<git_repository, RepositoryFree>;

// The repository that contains `path`, searching upwards; nullptr when there is none.
Repository discover_repository(const std::string& path);

// The working directory of a non-bare repository, with a trailing '/', or "" for a bare one.
std::string workdir(git_repository* repo);

// Whether git would ignore `relative_path` (relative to the workdir): nested .gitignore files, info/exclude,
// core.excludesFile and negations, as git decides.
Expected<bool> is_ignored(git_repository* repo, const std::string& relative_path);

// Where git runs the hooks of the repository holding `path`: `core.hooksPath` when set (a relative one from the
// top of the working tree, as git takes it), else the repository's own hooks directory. No trailing '/'.
Expected<std::string> hooks_directory(const std::string& path);

// libgit2's last error message on this thread.
std::string last_git_error();

}  // namespace keyward::sources
