// `keyward audit` and the staged scan's sensitive-file check (issue #5) on repositories built with the git CLI;
// every answer is held against what git itself says (git status, git check-ignore, a real pre-commit hook).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <set>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/e2e/fixtures.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace keyward::testing {
namespace {

using Found = std::set<std::pair<std::string, std::string>>;  // (rule_id, path)

class Repo {
 public:
  Repo() {
    const auto run = git({"init", "-q", "-b", "main", path()});
    EXPECT_EQ(run.exit_code, 0) << run.err;
  }

  std::string path() const { return dir_ / "repo"; }
  void write(const std::string& relative, const std::string& bytes) const { dir_.write("repo/" + relative, bytes); }
  std::string read(const std::string& relative) const { return read_file(path() + "/" + relative); }

  // A fixed identity, clock and home, so that no user or system setting (core.excludesFile) leaks in.
  std::vector<std::string> env() const {
    return {"GIT_AUTHOR_NAME=Ada Tester",
            "GIT_AUTHOR_EMAIL=ada@example.com",
            "GIT_COMMITTER_NAME=Ada Tester",
            "GIT_COMMITTER_EMAIL=ada@example.com",
            "GIT_AUTHOR_DATE=1700000000 +0000",
            "GIT_COMMITTER_DATE=1700000000 +0000",
            "GIT_CONFIG_NOSYSTEM=1",
            "HOME=" + dir_.path(),
            "XDG_CONFIG_HOME=" + dir_ / "config"};
  }

  ProcessResult git(std::vector<std::string> args) const {
    args.insert(args.begin(), "/usr/bin/git");
    if (args.size() < 2 || args[1] != "init") args.insert(args.begin() + 1, {"-C", path()});
    return run_process(args, {.cwd = {}, .stdin_bytes = {}, .privileges = {}, .env = env()});
  }

  std::string ok(std::vector<std::string> args) const {
    const auto run = git(std::move(args));
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return run.out;
  }

  ProcessResult keyward(std::vector<std::string> args) const {
    args.push_back(path());
    return run_keyward(args, {.cwd = {}, .stdin_bytes = {}, .privileges = {}, .env = env()});
  }

  // The (rule, path) pairs of a JSON report, with each pattern the one sensitive-pattern-uncovered finding lists
  // as ("sensitive-pattern-uncovered", pattern); the exit code goes to `exit_code`.
  Found audit(std::vector<std::string> args, int* exit_code = nullptr) const {
    args.insert(args.begin(), {"audit", "--format", "json"});
    const auto run = keyward(std::move(args));
    if (exit_code != nullptr) *exit_code = run.exit_code;
    Found found;
    const auto report = nlohmann::json::parse(run.out, nullptr, false);
    EXPECT_FALSE(report.is_discarded()) << run.out << run.err;
    if (report.is_discarded()) return found;
    for (const auto& f : report["findings"]) {
      if (f["rule_id"] != "sensitive-pattern-uncovered") {
        found.emplace(f["rule_id"], f["path"]);
        continue;
      }
      EXPECT_EQ(f["path"], ".gitignore");
      // "N sensitive patterns that git would not ignore at the repository root: A, B, C; `keyward audit --fix` ..."
      const std::string message = f["message"];
      const auto start = message.find(": ") + 2;
      const std::string list = message.substr(start, message.find("; ", start) - start);
      for (std::size_t at = 0; at < list.size();) {
        const auto comma = list.find(", ", at);
        found.emplace("sensitive-pattern-uncovered", list.substr(at, comma - at));
        at = comma == std::string::npos ? list.size() : comma + 2;
      }
    }
    return found;
  }

 private:
  TempDir dir_;
};

bool has(const Found& found, const std::string& rule, const std::string& path) { return found.contains({rule, path}); }

bool mentions(const Found& found, const std::string& path) {
  for (const auto& [rule, p] : found) {
    if (p == path) return true;
  }
  return false;
}

TEST(AuditE2E, Issue5TrackedExposedUncoveredAndASafeTemplate) {
  Repo repo;
  repo.write(".gitignore", ".env\n");
  repo.write(".env", "DEBUG=1\n");
  repo.write(".env.example", "API_KEY=\n");
  repo.write("app.py", "print(1)\n");
  repo.ok({"add", "-f", ".env"});
  repo.ok({"add", ".gitignore", ".env.example", "app.py"});
  repo.ok({"commit", "-q", "-m", "init"});
  repo.write("prod.pem", "not a key, only its name matters\n");

  int exit_code = -1;
  const Found found = repo.audit({}, &exit_code);
  EXPECT_EQ(exit_code, 1);
  EXPECT_TRUE(has(found, "sensitive-file-tracked", ".env"));
  EXPECT_TRUE(has(found, "sensitive-file-exposed", "prod.pem"));
  EXPECT_TRUE(has(found, "sensitive-pattern-uncovered", ".env.local"));
  EXPECT_TRUE(has(found, "sensitive-pattern-uncovered", "*.pem"));
  EXPECT_FALSE(has(found, "sensitive-pattern-uncovered", ".env"));  // the .gitignore covers it
  EXPECT_FALSE(mentions(found, ".env.example"));
  EXPECT_FALSE(mentions(found, "app.py"));

  const auto text = repo.keyward({"audit", "--color", "never"});
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_NE(text.out.find(".env: sensitive-file-tracked [critical]"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("rotate them, then run `git rm --cached -- .env`"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("prod.pem: sensitive-file-exposed [high]"), std::string::npos) << text.out;
}

TEST(AuditE2E, UncoveredPatternsAloneAreWarningsNotFailures) {
  Repo repo;
  repo.write("README.md", "hello\n");
  int exit_code = -1;
  const Found found = repo.audit({}, &exit_code);
  EXPECT_EQ(exit_code, 0);
  EXPECT_TRUE(has(found, "sensitive-pattern-uncovered", ".env"));
  EXPECT_TRUE(has(found, "sensitive-pattern-uncovered", "secrets/"));
  EXPECT_FALSE(has(found, "sensitive-pattern-uncovered", ".npmrc"));  // fine to commit without a token
}

TEST(AuditE2E, FixTwiceEqualsFixOnceAndGitStatusNoLongerListsExposedFiles) {
  Repo repo;
  const std::string original = "node_modules/\n.env";  // no final newline
  repo.write(".gitignore", original);
  repo.ok({"add", ".gitignore"});
  repo.ok({"commit", "-q", "-m", "init"});
  const std::vector<std::string> exposed = {"prod.pem", ".env.local", "secrets/db.txt",
                                            "config/service-account-ci.json", "infra/terraform.tfstate"};
  for (const auto& path : exposed) repo.write(path, "x\n");
  repo.write(".env.example", "API_KEY=\n");
  repo.write("node_modules/pkg/index.js", "x\n");
  const auto status_before = repo.ok({"status", "--porcelain", "--untracked-files=all"});
  for (const auto& path : exposed) ASSERT_NE(status_before.find(path), std::string::npos) << path;

  int exit_code = -1;
  const Found before = repo.audit({}, &exit_code);
  EXPECT_EQ(exit_code, 1);
  for (const auto& path : exposed) EXPECT_TRUE(has(before, "sensitive-file-exposed", path)) << path;

  const Found after = repo.audit({"--fix"}, &exit_code);
  EXPECT_EQ(exit_code, 0);
  EXPECT_TRUE(after.empty()) << after.size() << " findings left";
  const std::string once = repo.read(".gitignore");
  EXPECT_TRUE(once.starts_with(original + "\n")) << once;  // every old line kept, in order
  EXPECT_NE(once.find("# keyward audit: sensitive files (added by keyward audit --fix)\n"), std::string::npos);
  EXPECT_NE(once.find("\n!.env.example"), std::string::npos) << once;  // the template stays visible
  EXPECT_NE(once.back(), '\n');                                        // the missing final newline stays missing

  repo.audit({"--fix"}, &exit_code);
  EXPECT_EQ(exit_code, 0);
  EXPECT_EQ(repo.read(".gitignore"), once);

  const auto status_after = repo.ok({"status", "--porcelain", "--untracked-files=all"});
  for (const auto& path : exposed) EXPECT_EQ(status_after.find(path), std::string::npos) << path;
  EXPECT_NE(status_after.find(".env.example"), std::string::npos) << status_after;
  EXPECT_EQ(repo.git({"check-ignore", "-q", "node_modules/pkg/index.js"}).exit_code, 0);  // still ignored
}

TEST(AuditE2E, FixNeverUnignoresATemplateThatARuleIgnores) {
  Repo repo;
  repo.write(".gitignore", "*.example\n");
  repo.write(".env.example", "API_KEY=\n");
  int exit_code = -1;
  repo.audit({"--fix"}, &exit_code);
  EXPECT_EQ(exit_code, 0);
  const std::string fixed = repo.read(".gitignore");
  EXPECT_NE(fixed.find("\n.env.*\n"), std::string::npos) << fixed;
  EXPECT_EQ(fixed.find("!.env.example"), std::string::npos) << fixed;   // it would un-ignore *.example's match
  EXPECT_NE(fixed.find("\n!.env.sample"), std::string::npos) << fixed;  // nothing ignores this one today
  EXPECT_EQ(repo.git({"check-ignore", "-q", ".env.example"}).exit_code, 0);
}

TEST(AuditE2E, DecidesAsGitWhereLibgit2WouldNot) {
  Repo repo;
  repo.write(".gitignore", ".env*\nsecrets/\n");
  repo.write("web/.gitignore", "!.env.local\n");  // git re-includes it; libgit2 1.5 drops this negation
  repo.write("web/.env.local", "x\n");
  repo.write("secrets/.gitignore", "!*.txt\n");  // inside an ignored directory: no effect in git
  repo.write("secrets/db.txt", "x\n");
  const auto status = repo.ok({"status", "--porcelain", "--untracked-files=all"});
  ASSERT_NE(status.find("web/.env.local"), std::string::npos) << status;
  ASSERT_EQ(status.find("secrets/db.txt"), std::string::npos) << status;
  int exit_code = -1;
  const Found found = repo.audit({}, &exit_code);
  EXPECT_EQ(exit_code, 1);
  EXPECT_TRUE(has(found, "sensitive-file-exposed", "web/.env.local"));
  EXPECT_FALSE(mentions(found, "secrets/db.txt"));
}

TEST(AuditE2E, HistoryFindsAKeyCommittedThenRemoved) {
  Repo repo;
  repo.write(".gitignore", "id_rsa\n");
  repo.write("id_rsa", "not a key\n");
  repo.ok({"add", "-f", ".gitignore", "id_rsa"});
  repo.ok({"commit", "-q", "-m", "oops"});
  std::string first = repo.ok({"rev-parse", "HEAD"});
  first.pop_back();
  repo.ok({"rm", "-q", "--cached", "id_rsa"});
  repo.ok({"commit", "-q", "-m", "remove the key"});

  int exit_code = -1;
  EXPECT_FALSE(mentions(repo.audit({}, &exit_code), "id_rsa"));
  EXPECT_EQ(exit_code, 0);
  const auto run = repo.keyward({"audit", "--history", "--format", "json"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  const auto report = nlohmann::json::parse(run.out);
  std::vector<nlohmann::json> history;
  for (const auto& f : report["findings"]) {
    if (f["rule_id"] != "sensitive-pattern-uncovered") history.push_back(f);
  }
  ASSERT_EQ(history.size(), 1u) << run.out;
  EXPECT_EQ(history[0]["rule_id"], "sensitive-file-in-history");
  EXPECT_EQ(history[0]["path"], "id_rsa");
  EXPECT_EQ(history[0]["commit"], first);
  EXPECT_NE(history[0]["message"].get<std::string>().find("rotate"), std::string::npos);
}

TEST(AuditE2E, RegistryConfigCountsOnlyWithAToken) {
  Repo repo;
  repo.write(".npmrc", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n");
  repo.ok({"add", ".npmrc"});
  repo.write("web/.npmrc", "//registry.npmjs.org/:_authToken=npm_" + fake_token(7, 36) + "\n");
  int exit_code = -1;
  const Found found = repo.audit({}, &exit_code);
  EXPECT_EQ(exit_code, 1);
  EXPECT_FALSE(mentions(found, ".npmrc"));
  EXPECT_TRUE(has(found, "sensitive-file-exposed", "web/.npmrc"));
}

TEST(AuditE2E, ConfigExtendsTheList) {
  Repo repo;
  repo.write(
      ".keyward.toml",
      "[audit]\ndisabled = [\"sensitive-path-private-key\"]\n"
      "[[audit.paths]]\nid = \"acme-vault\"\ndescription = \"Acme vault export\"\npatterns = [\"*.acmevault\"]\n");
  repo.write("team.acmevault", "x\n");
  repo.write("prod.pem", "x\n");
  const Found found = repo.audit({});
  EXPECT_TRUE(has(found, "sensitive-file-exposed", "team.acmevault"));
  EXPECT_FALSE(mentions(found, "prod.pem"));
}

TEST(AuditE2E, OutsideARepositoryIsAnError) {
  TempDir dir;
  const auto run = run_keyward({"audit", dir.path()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("not a git repository"), std::string::npos) << run.err;
}

TEST(GitStagedE2E, AStagedSensitiveFileIsAFindingWhateverItsContent) {
  Repo repo;
  repo.write("config.txt", "debug = true\n");
  repo.ok({"add", "config.txt"});
  repo.ok({"commit", "-q", "-m", "init"});
  repo.write(".env", "DEBUG=1\n");  // no rule matches this content
  repo.write(".env.example", "API_KEY=\n");
  repo.ok({"add", ".env", ".env.example"});
  repo.ok({"mv", "config.txt", "deploy.key"});
  const auto run = repo.keyward({"git", "--staged", "--format", "json"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  const auto report = nlohmann::json::parse(run.out);
  Found found;
  for (const auto& f : report["findings"]) found.emplace(f["rule_id"], f["path"]);
  EXPECT_TRUE(has(found, "sensitive-file-staged", ".env"));
  EXPECT_TRUE(has(found, "sensitive-file-staged", "deploy.key"));  // renamed to a sensitive name
  EXPECT_FALSE(mentions(found, ".env.example"));
}

TEST(GitStagedE2E, APreCommitHookBlocksCommittingEnv) {
  Repo repo;
  repo.write("README.md", "hello\n");
  repo.ok({"add", "README.md"});
  repo.ok({"commit", "-q", "-m", "init"});
  const std::string hook = repo.path() + "/.git/hooks/pre-commit";
  repo.write(".git/hooks/pre-commit", std::string("#!/bin/sh\nexec '") + KEYWARD_BINARY + "' git --staged\n");
  ASSERT_EQ(chmod(hook.c_str(), 0755), 0);
  const std::string head = repo.ok({"rev-parse", "HEAD"});

  repo.write(".env", "DEBUG=1\n");
  repo.ok({"add", ".env"});
  const auto blocked = repo.git({"commit", "-q", "-m", "add env"});
  EXPECT_NE(blocked.exit_code, 0);
  const std::string said = blocked.out + blocked.err;  // git passes the hook's output through
  EXPECT_NE(said.find(".env: sensitive-file-staged [critical]"), std::string::npos) << said;
  EXPECT_EQ(repo.ok({"rev-parse", "HEAD"}), head);

  repo.ok({"rm", "-q", "--cached", ".env"});
  repo.write("notes.md", "fine\n");
  repo.ok({"add", "notes.md"});
  EXPECT_EQ(repo.git({"commit", "-q", "-m", "notes"}).exit_code, 0);
  EXPECT_NE(repo.ok({"rev-parse", "HEAD"}), head);
}

// Issue #7: the audit's findings are about whole files, so SARIF gives them a location without a region and the
// GitHub annotation no line.
TEST(AuditE2E, SarifAndGithubFormatsCarryWholeFileFindings) {
  Repo repo;
  repo.write(".env", "DEBUG=1\n");
  repo.ok({"add", ".env"});
  repo.ok({"commit", "-q", "-m", "env"});
  const auto sarif = repo.keyward({"audit", "--format", "sarif"});
  EXPECT_EQ(sarif.exit_code, 1) << sarif.err;
  const auto document = nlohmann::json::parse(sarif.out);
  bool tracked = false;
  for (const auto& result : document["runs"][0]["results"]) {
    if (result["ruleId"] != "sensitive-file-tracked") continue;
    tracked = true;
    EXPECT_EQ(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], ".env");
    EXPECT_FALSE(result["locations"][0]["physicalLocation"].contains("region"));
  }
  EXPECT_TRUE(tracked) << sarif.out;
  const auto github = repo.keyward({"audit", "--format", "github"});
  EXPECT_NE(github.out.find("::error file=.env,title=keyward%3A sensitive-file-tracked::"), std::string::npos)
      << github.out;
}

}  // namespace
}  // namespace keyward::testing
