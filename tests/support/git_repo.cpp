#include "tests/support/git_repo.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "tests/support/process.h"

namespace keyward::testing {

GitRepo::GitRepo() { git({"init", "-q", "-b", "main", dir_.path()}, false); }

std::string GitRepo::git(std::vector<std::string> args, bool in_repo) {
  std::vector<std::string> argv{"/usr/bin/git"};
  if (in_repo) argv.insert(argv.end(), {"-C", dir_.path()});
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string date = std::to_string(1700000000 + clock_ * 60) + " +0000";
  const auto run = run_process(
      argv, {.env = {"GIT_AUTHOR_NAME=Ada Tester", "GIT_AUTHOR_EMAIL=ada@example.com", "GIT_COMMITTER_NAME=Ada Tester",
                     "GIT_COMMITTER_EMAIL=ada@example.com", "GIT_AUTHOR_DATE=" + date, "GIT_COMMITTER_DATE=" + date,
                     "GIT_CONFIG_NOSYSTEM=1", "HOME=" + dir_.path()}});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return run.out;
}

std::string GitRepo::commit(const std::string& message) {
  ++clock_;
  git({"commit", "-q", "--allow-empty", "-m", message});
  return head();
}

std::string GitRepo::head() {
  std::string id = git({"rev-parse", "HEAD"});
  id.erase(std::remove(id.begin(), id.end(), '\n'), id.end());
  return id;
}

}  // namespace keyward::testing
