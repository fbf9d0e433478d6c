// RAII for the libgit2 handles keyward uses, and the few repository questions the sources ask.
// One handle per thread; libgit2 is initialised for as long as a Library object lives.
#pragma once

#include <memory>
#include <string>
#include <vector>

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

// The version of the libgit2 loaded in this process (git_libgit2_version), e.g. "1.5.1".
std::string libgit2_version();

struct RepositoryFree {
  void operator()(git_repository* repo) const;
};
using Repository = std::unique_ptr<git_repository, RepositoryFree>;

// The repository that contains `path`, searching upwards; nullptr when there is none.
Repository discover_repository(const std::string& path);

// The working directory of a non-bare repository, with a trailing '/', or "" for a bare one.
std::string workdir(git_repository* repo);

// The paths in the repository's index (what git tracks, staged changes included), relative to the workdir and
// sorted as git sorts them (bytewise), each once.
Expected<std::vector<std::string>> tracked_paths(git_repository* repo);

// Where git runs the hooks of the repository holding `path`: `core.hooksPath` when set (a relative one from the
// top of the working tree, as git takes it), else the repository's own hooks directory. No trailing '/'.
Expected<std::string> hooks_directory(const std::string& path);

// libgit2's last error message on this thread.
std::string last_git_error();

}  // namespace keyward::sources
