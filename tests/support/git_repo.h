// A git repository for one test, driven by the real git CLI with a fixed identity and a clock that moves one
// minute a commit, so commit ids are the same on every run.
#pragma once

#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace keyward::testing {

class GitRepo {
 public:
  GitRepo();

  const TempDir& dir() const { return dir_; }
  std::string path() const { return dir_.path(); }

  // Runs git in the repository (or, with in_repo false, anywhere); expects success and returns its output.
  std::string git(std::vector<std::string> args, bool in_repo = true);
  // Commits what is staged (or nothing) and returns the new commit's id.
  std::string commit(const std::string& message);
  std::string head();
  void write(const std::string& path, const std::string& bytes) const { dir_.write(path, bytes); }

 private:
  TempDir dir_;
  int clock_ = 0;
};

}  // namespace keyward::testing
