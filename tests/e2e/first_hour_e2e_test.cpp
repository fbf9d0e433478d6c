// Issue #22, "the first hour": what a new user met in an hour with keyward, from the README and --help only, each
// point as the real binary on real repositories shows it. One test per numbered point of the issue, plus the
// README's hook-and-baseline walkthrough run exactly as the README words it.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/e2e/fixtures.h"
#include "tests/support/git_repo.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace keyward::testing {
namespace {

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++count;
  return count;
}

std::size_t lines_in(const std::string& text) { return count_of(text, "\n"); }

// keyward run in `cwd`, with `input` on standard input.
ProcessOptions in_dir(const std::string& cwd, const std::string& input = "") {
  ProcessOptions options;
  options.cwd = cwd;
  options.stdin_bytes = input;
  return options;
}

std::string readme() { return read_file(std::string(KEYWARD_SOURCE_DIR) + "/README.md"); }

// The fenced block right after `marker` in README.md ("" when there is none).
std::string readme_block(const std::string& marker) {
  const std::string text = readme();
  const auto at = text.find(marker);
  if (at == std::string::npos) return "";
  const auto start = text.find('\n', text.find("```", at)) + 1;
  return text.substr(start, text.find("\n```", start) + 1 - start);
}

// A made-up PEM private key: the shape the private-key rules look for, random base64, never a real key.
std::string fake_private_key(std::uint32_t seed) {
  std::string pem = "-----BEGIN PRIVATE KEY-----\n";
  for (std::uint32_t line = 0; line < 4; ++line) pem += fake_token(seed * 10 + line, 64) + "\n";
  return pem + "-----END PRIVATE KEY-----\n";
}

// Point 1: a baseline lists what it records, and leaves out what must be fixed instead: here the untracked,
// unignored private key that the hook's advice (`keyward baseline -o .keyward-baseline.json`) used to hide with
// the test fixture's false alarm.
TEST(FirstHourE2E, Point1ABaselineListsWhatItRecordsAndNeverHidesAnUntrackedKey) {
  GitRepo repo;
  repo.write("app.py", "print('hello')\n");
  repo.git({"add", "app.py"});
  repo.commit("init");
  repo.write("tests/fixtures/chat.env", "MISTRAL_API_KEY=" + fake_token(101) + "\n");  // a made-up fixture key
  repo.git({"add", "tests/fixtures/chat.env"});
  repo.write("deploy/server.key", fake_private_key(1));  // untracked, not ignored: a real leak waiting

  auto run = run_keyward({"baseline", "-o", ".keyward-baseline.json"}, in_dir(repo.path()));
  EXPECT_EQ(run.exit_code, 1) << "a finding is left to fix: " << run.err;
  EXPECT_NE(run.err.find("keyward: baseline of 1 finding in .keyward-baseline.json:\n"
                         "  tests/fixtures/chat.env:1:17 mistral-api-key [critical] " +
                         fake_token(101).substr(0, 4) + "…\n"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("keyward: left out of the baseline, 1 finding to fix, not to hide (--include-untracked "
                         "records them):\n  deploy/server.key:2:1 private-key-pkcs8 [critical] "),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("a sensitive file git has not committed"), std::string::npos) << run.err;
  const auto baseline = nlohmann::json::parse(read_file(repo.path() + "/.keyward-baseline.json"));
  ASSERT_EQ(baseline["findings"].size(), 1u) << baseline.dump();
  EXPECT_EQ(baseline["findings"][0]["path"], "tests/fixtures/chat.env");

  run = run_keyward({"scan", "--baseline", ".keyward-baseline.json", "."}, in_dir(repo.path()));
  EXPECT_EQ(run.exit_code, 1) << "the key is still reported";
  EXPECT_NE(run.out.find("deploy/server.key:2:1: private-key-pkcs8"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("chat.env"), std::string::npos) << run.out;

  repo.write("notes.txt", "MISTRAL_API_KEY=" + fake_token(102) + "\n");  // a critical secret nobody added
  run = run_keyward({"baseline", "-o", ".keyward-baseline.json"}, in_dir(repo.path()));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("  notes.txt:1:17 mistral-api-key [critical] " + fake_token(102).substr(0, 4) +
                         "…: a critical secret in a file git does not track"),
            std::string::npos)
      << run.err;

  run = run_keyward({"baseline", "--include-untracked", "-o", ".keyward-baseline.json"}, in_dir(repo.path()));
  EXPECT_EQ(run.exit_code, 0) << "asked for: " << run.err;
  EXPECT_EQ(nlohmann::json::parse(read_file(repo.path() + "/.keyward-baseline.json"))["findings"].size(), 3u);
}

// Point 2: the audit puts the one real problem first, and the uncovered patterns in one finding with one hint.
TEST(FirstHourE2E, Point2TheAuditPutsTheRealProblemFirstAndUncoveredPatternsInOneFinding) {
  GitRepo repo;
  repo.write(".gitignore", "node_modules/\n");
  repo.write("app.py", "print('hello')\n");
  repo.write("deploy/server.key", fake_private_key(2));
  repo.git({"add", ".gitignore", "app.py"});
  repo.commit("init");
  auto run = run_keyward({"audit", "--color", "never"}, in_dir(repo.path()));
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_TRUE(run.out.starts_with("deploy/server.key: sensitive-file-exposed [high]")) << run.out;
  EXPECT_EQ(count_of(run.out, "sensitive-pattern-uncovered"), 1u) << run.out;
  EXPECT_NE(run.out.find(".gitignore: sensitive-pattern-uncovered [low]"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find(" sensitive patterns that git would not ignore at the repository root: .env, "),
            std::string::npos)
      << run.out;
  EXPECT_EQ(count_of(run.out, "appends them to .gitignore"), 1u) << "one --fix hint for them all: " << run.out;
  EXPECT_NE(run.err.find(", 1 finding, 1 warning"), std::string::npos) << run.err;

  GitRepo fresh;  // nothing wrong yet: the uncovered patterns are one warning, and exit 0
  run = run_keyward({"audit", "--format", "json"}, in_dir(fresh.path()));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const auto report = nlohmann::json::parse(run.out);
  ASSERT_EQ(report["findings"].size(), 1u) << run.out;
  EXPECT_EQ(report["findings"][0]["rule_id"], "sensitive-pattern-uncovered");
  EXPECT_NE(run.err.find(", 0 findings, 1 warning"), std::string::npos) << run.err;
}

// Point 3: a mistyped command or option names itself, the closest one, and the --help to read.
TEST(FirstHourE2E, Point3TyposNameTheClosestCommandOrOptionAndItsHelp) {
  TempDir dir;
  auto run = run_keyward({"scna", "."}, in_dir(dir.path()));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err,
            "keyward: error: unknown command 'keyward scna': did you mean 'keyward scan'? See 'keyward --help'.\n");

  run = run_keyward({"rules", "lst"}, in_dir(dir.path()));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err,
            "keyward: error: unknown command 'keyward rules lst': did you mean 'keyward rules list'? See 'keyward "
            "rules --help'.\n");

  run = run_keyward({"scan", "--formt", "json", "."}, in_dir(dir.path()));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err,
            "keyward: error: unknown option '--formt' for 'keyward scan': did you mean '--format'? See 'keyward scan "
            "--help'.\n");

  run = run_keyward({"git", "--staged", "--no-progres"}, in_dir(dir.path()));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("did you mean '--no-progress'? See 'keyward git --help'."), std::string::npos) << run.err;

  run = run_keyward({"scan", "--format", "xml", "."}, in_dir(dir.path()));  // not a typo of a name: a bad value
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(lines_in(run.err), 1u) << run.err;
  EXPECT_NE(run.err.find("See 'keyward scan --help'."), std::string::npos) << run.err;

  run = run_keyward({"rules"}, in_dir(dir.path()));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "keyward: error: 'keyward rules' needs a command: list, check. See 'keyward rules --help'.\n");
}

// Point 4: a text prompt that starts with '[' fails as JSON, and the error says `--input text` screens it.
TEST(FirstHourE2E, Point4ATextPromptStartingWithABracketIsToldAboutInputText) {
  TempDir dir;
  const std::string prompt = "[URGENT] the deploy failed at 3am, what should I check first?\n";
  auto run = run_keyward({"filter"}, in_dir(dir.path(), prompt));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(lines_in(run.err), 1u) << run.err;
  EXPECT_TRUE(run.err.starts_with("keyward: error: invalid JSON at byte 1")) << run.err;
  EXPECT_NE(run.err.find("the input starts with '[', so it was read as a JSON request; `--input text` screens plain "
                         "text"),
            std::string::npos)
      << run.err;

  run = run_keyward({"filter", "--input", "text"}, in_dir(dir.path(), prompt));  // as the hint says
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, prompt);

  run = run_keyward({"filter", "--input", "json"}, in_dir(dir.path(), prompt));  // asked for JSON: no hint
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err.find("--input text"), std::string::npos) << run.err;
}

// Point 5: one config check for every command: every problem of every table at once, each "FILE:LINE: what";
// keys are snake_case, and the other spelling of personal_data works with a note.
TEST(FirstHourE2E, Point5EveryCommandReportsEveryConfigProblemAtOnceInOneFormat) {
  TempDir dir;
  dir.write("notes.txt", "hello\n");
  dir.write(".keyward.toml", "[filter]\nsecret = \"drop\"\n");
  auto run = run_keyward({"scan", "."}, in_dir(dir.path()));
  EXPECT_EQ(run.exit_code, 2) << "a bad [filter] stops scan too";
  EXPECT_EQ(run.err,
            "keyward: error: .keyward.toml:2: filter.secret must be \"block\", \"redact\", \"mask\" or \"allow\"\n");

  dir.write(".keyward.toml",
            "disabled_rules = [\"jwt\", \"no-such-rule\"]\n"
            "[scan]\nredact = \"no\"\n"
            "[audit]\ndisabled = [\"sensitive-path-nope\"]\n"
            "[filter]\nsecret = \"drop\"\n"
            "[filter.env.prod.limits]\nmax_tokens = 5\n");
  const std::string every_problem =
      "keyward: error: .keyward.toml:3: scan.redact must be true or false\n"
      "keyward: error: .keyward.toml:5: audit.disabled names an unknown entry 'sensitive-path-nope'\n"
      "keyward: error: .keyward.toml:7: filter.secret must be \"block\", \"redact\", \"mask\" or \"allow\"\n"
      "keyward: error: .keyward.toml:8: unknown key 'filter.env.prod.limits'\n"
      "keyward: error: .keyward.toml:1: disabled_rules names an unknown rule 'no-such-rule' (`keyward rules list` "
      "shows them)\n";
  for (const std::vector<std::string>& command :
       std::vector<std::vector<std::string>>{{"scan", "."},
                                             {"baseline", "."},
                                             {"audit"},
                                             {"rules", "list"},
                                             {"filter", "--input", "text"},
                                             {"proxy", "--listen", "127.0.0.1:0"}}) {
    GitRepo repo;  // audit needs a repository; the others run as well in one
    repo.write(".keyward.toml", read_file(dir / ".keyward.toml"));
    ProcessOptions options = in_dir(repo.path(), "hello\n");
    options.timeout_seconds = 60;  // a proxy that got past the check would serve until killed: a failure, not a hang
    run = run_keyward(command, options);
    EXPECT_FALSE(run.timed_out) << command[0];
    EXPECT_EQ(run.exit_code, 2) << command[0];
    EXPECT_EQ(run.err, every_problem) << command[0];
  }

  dir.write(".keyward.toml", "[filter]\npersonal-data = \"allow\"\n");  // the README's old spelling
  run = run_keyward({"scan", "."}, in_dir(dir.path()));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("keyward: note: .keyward.toml:2: filter.personal-data is spelt personal_data now (both "
                         "work)\n"),
            std::string::npos)
      << run.err;
  run =
      run_keyward({"filter", "--input", "text"}, in_dir(dir.path(), "write to dana.whitfield@northwind-traders.net\n"));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "write to dana.whitfield@northwind-traders.net\n") << "personal-data = allow applied";
  dir.write(".keyward.toml", "[filter]\npersonal_data = \"allow\"\n");
  run =
      run_keyward({"filter", "--input", "text"}, in_dir(dir.path(), "write to dana.whitfield@northwind-traders.net\n"));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  EXPECT_EQ(run.out, "write to dana.whitfield@northwind-traders.net\n");
}

// Point 6: skipping ignored files is right, and the summary says so, and how to scan them.
TEST(FirstHourE2E, Point6TheSummaryNamesWhatWasSkippedAndWhy) {
  GitRepo repo;
  repo.write("app.py", "print('hello')\n");
  repo.write(".env", "MISTRAL_API_KEY=" + fake_token(601) + "\n");
  auto run = run_keyward({"scan", "."}, in_dir(repo.path()));
  EXPECT_EQ(run.exit_code, 1) << run.err;

  const auto fix = run_keyward({"audit", "--fix"}, in_dir(repo.path()));  // ignores .env from now on
  ASSERT_NE(fix.exit_code, 2) << fix.err;
  run = run_keyward({"scan", "."}, in_dir(repo.path()));
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.err.find(", 0 findings; skipped 1 ignored by .gitignore (--no-ignore to scan them)\n"),
            std::string::npos)
      << run.err;
  run = run_keyward({"scan", "--no-ignore", "."}, in_dir(repo.path()));  // as the summary says
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.out.find(".env:1:17: mistral-api-key"), std::string::npos) << run.out;
}

// Point 7: baseline paths are from the top of the repository, so a baseline matches from any directory.
TEST(FirstHourE2E, Point7ABaselineMatchesFromASubdirectory) {
  GitRepo repo;
  repo.write("tests/fixture.env", "MISTRAL_API_KEY=" + fake_token(701) + "\n");
  repo.write("src/settings.env", "MISTRAL_API_KEY=" + fake_token(702) + "\n");
  repo.git({"add", "."});
  repo.commit("fixtures");
  auto run = run_keyward({"baseline", "-o", ".keyward-baseline.json"}, in_dir(repo.path()));
  ASSERT_EQ(run.exit_code, 0) << run.err;

  run = run_keyward({"scan", "--baseline", "../.keyward-baseline.json"}, in_dir(repo.path() + "/tests"));
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.err.find("1 baselined"), std::string::npos) << run.err;
  run = run_keyward({"scan", "--baseline", "../.keyward-baseline.json", "../src"}, in_dir(repo.path() + "/tests"));
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  run = run_keyward({"scan", "--baseline", repo.path() + "/.keyward-baseline.json", repo.path()}, in_dir("/"));
  EXPECT_EQ(run.exit_code, 0) << "from outside, by absolute paths: " << run.out << run.err;

  run = run_keyward({"baseline", "-o", "sub.json"}, in_dir(repo.path() + "/tests"));  // made in a subdirectory
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(nlohmann::json::parse(read_file(repo.path() + "/tests/sub.json"))["findings"][0]["path"],
            "tests/fixture.env");
  run = run_keyward({"git", "--no-progress", "--baseline", "tests/sub.json"}, in_dir(repo.path()));
  EXPECT_EQ(run.exit_code, 1) << run.err;  // the history holds src/settings.env too: that one is not baselined
  EXPECT_EQ(run.out.find("tests/fixture.env"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("src/settings.env"), std::string::npos) << run.out;
}

// Point 8: a path that is not there is an error that says so, before any work; where git is needed and missing,
// the error says how to scan without it.
TEST(FirstHourE2E, Point8PathErrorsSayWhatIsWrongWithThePath) {
  TempDir dir;
  dir.write("notes.txt", "hello\n");
  auto run = run_keyward({"scan", "/no/such/path"}, in_dir(dir.path()));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "keyward: error: /no/such/path: no such file or directory\n");

  run = run_keyward({"git", "DIR-THAT-DOES-NOT-EXIST"}, in_dir(dir.path()));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "keyward: error: DIR-THAT-DOES-NOT-EXIST: no such file or directory\n");

  run = run_keyward({"git"}, in_dir(dir.path()));  // a directory outside any repository
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(lines_in(run.err), 1u) << run.err;
  EXPECT_NE(run.err.find(".: not a git repository"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("`keyward scan .` scans files outside git"), std::string::npos) << run.err;

  run = run_keyward({"scan", "-o", "nodir/r.json", "."}, in_dir(dir.path()));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "keyward: error: cannot write report to nodir/r.json: no such directory 'nodir'\n");

  run = run_keyward({"baseline", "-o", "nodir/b.json", "."}, in_dir(dir.path()));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "keyward: error: cannot write baseline to nodir/b.json: no such directory 'nodir'\n");

  run = run_keyward({"scan", "--baseline", "nope.json", "."}, in_dir(dir.path()));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "keyward: error: baseline nope.json: no such file or directory\n");
}

// Point 9: audit findings about patterns point at .gitignore, the file to change, not at a glob.
TEST(FirstHourE2E, Point9AuditPatternFindingsPointAtGitignoreInSarifAndAnnotations) {
  GitRepo repo;
  repo.write("app.py", "print('hello')\n");
  auto run = run_keyward({"audit", "--format", "sarif"}, in_dir(repo.path()));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out.find("%2A"), std::string::npos) << run.out;
  const auto sarif = nlohmann::json::parse(run.out);
  const auto& results = sarif["runs"][0]["results"];
  ASSERT_EQ(results.size(), 1u) << run.out;
  EXPECT_EQ(results[0]["ruleId"], "sensitive-pattern-uncovered");
  EXPECT_EQ(results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], ".gitignore");

  run = run_keyward({"audit", "--format", "github"}, in_dir(repo.path()));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out.find("file=*"), std::string::npos) << run.out;
  EXPECT_EQ(lines_in(run.out), 1u) << run.out;
  EXPECT_TRUE(run.out.starts_with("::notice file=.gitignore,title=keyward%3A sensitive-pattern-uncovered::"))
      << run.out;
}

// The keys of a JSON document, as paths ("stats.skipped.binary"); an array stands for its first element.
void collect_keys(const nlohmann::json& value, const std::string& prefix, std::set<std::string>& out) {
  if (value.is_array() && !value.empty()) collect_keys(value[0], prefix + "[]", out);
  if (!value.is_object()) return;
  for (const auto& [key, child] : value.items()) {
    out.insert(prefix + key);
    collect_keys(child, prefix + key + ".", out);
  }
}

// Point 10: the smaller things.
TEST(FirstHourE2E, Point10EmptyInputPolicyWithoutFilterOneFileAndWhatTheReadmeSays) {
  TempDir dir;
  auto run = run_keyward({"filter"}, in_dir(dir.path()));  // empty standard input
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err,
            "keyward: error: standard input is empty: nothing to screen (pipe a request or text into `keyward "
            "filter`)\n");

  dir.write("policy.toml", "secret = \"redact\"\n");  // the table forgotten: no policy at all
  run = run_keyward({"filter", "--input", "text", "--policy", "policy.toml"}, in_dir(dir.path(), "hello\n"));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err,
            "keyward: error: policy.toml: no [filter] table: a policy file sets the policy in one, as .keyward.toml "
            "does\n");

  dir.write("one.txt", "hello\n");
  run = run_keyward({"scan", "one.txt"}, in_dir(dir.path()));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(run.err.starts_with("keyward: 1 file, 6 B, ")) << run.err;

  // Reserved documentation domains pass the filter, and the README says so.
  run = run_keyward({"filter", "--input", "text"}, in_dir(dir.path(), "mail jane.doe@example.com\n"));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "mail jane.doe@example.com\n");
  const std::string text = readme();
  EXPECT_NE(text.find("so `jane.doe@example.com` is not redacted"), std::string::npos);
  EXPECT_NE(text.find("`example.org`"), std::string::npos);
  // The README says where a baseline comes from for the hook, and for scan and git.
  EXPECT_NE(text.find("`scan` and `git` use a baseline only when `--baseline FILE` names one"), std::string::npos);
  EXPECT_NE(text.find("the\npre-commit hook passes `--baseline .keyward-baseline.json` itself"), std::string::npos);

  // The README's JSON example has every field a real report has.
  dir.write(".env", "DEBUG=1\nMISTRAL_API_KEY=" + fake_token(1001) + "\n");
  ASSERT_EQ(run_keyward({"baseline", "-o", "b.json", "."}, in_dir(dir.path())).exit_code, 0);
  dir.write(".env", "DEBUG=1\nMISTRAL_API_KEY=" + fake_token(1001) + "\nMISTRAL_API_KEY=" + fake_token(1002) + "\n");
  run = run_keyward({"scan", "--format", "json", "--baseline", "b.json", "."}, in_dir(dir.path()));
  ASSERT_EQ(run.exit_code, 1) << run.err;
  std::set<std::string> real, documented;
  collect_keys(nlohmann::json::parse(run.out), "", real);
  const std::string json_section = text.substr(text.find("## The JSON report"));
  const auto start = json_section.find("```json\n") + 8;
  collect_keys(nlohmann::json::parse(json_section.substr(start, json_section.find("\n```", start) - start)), "",
               documented);
  for (const auto& key : real) EXPECT_TRUE(documented.contains(key)) << "the README's JSON example lacks " << key;
}

// Must show 2: the README's hook-and-baseline walkthrough, each line run as the README words it, in a repository
// set up as its text says; each line's comment says how it ends ("blocked", "(exit 1)", else exit 0).
TEST(FirstHourE2E, TheReadmesHookAndBaselineWalkthroughRunsAsWritten) {
  const std::string block = readme_block("<!-- hook-baseline-walkthrough -->");
  ASSERT_FALSE(block.empty()) << "README.md has no walkthrough";
  TempDir dir;
  const std::string repo = dir / "repo";
  // keyward on PATH, as an installed one would be; git with a fixed identity and nothing from the machine.
  std::filesystem::create_directories(dir / "bin");
  std::filesystem::create_symlink(KEYWARD_BINARY, dir / "bin/keyward");
  ProcessOptions options = in_dir(repo);
  options.env = {"PATH=" + dir / "bin" + ":/usr/bin:/bin",
                 "HOME=" + dir.path(),
                 "XDG_CONFIG_HOME=" + dir / "config",
                 "GIT_CONFIG_NOSYSTEM=1",
                 "GIT_AUTHOR_NAME=Ada Tester",
                 "GIT_AUTHOR_EMAIL=ada@example.com",
                 "GIT_COMMITTER_NAME=Ada Tester",
                 "GIT_COMMITTER_EMAIL=ada@example.com"};
  const auto sh = [&](const std::string& line) { return run_process({"/bin/sh", "-c", line}, options); };
  std::filesystem::create_directories(repo);
  ASSERT_EQ(sh("git init -q -b main && echo 'print(1)' > app.py && git add app.py && git commit -q -m init").exit_code,
            0);
  // "a test fixture, tests/fixtures/chat.json, with a made-up Mistral key in it, and a real private key,
  // deploy/server.key, that nobody has added to git or to .gitignore yet"
  dir.write("repo/tests/fixtures/chat.json",
            "{\"model\": \"mistral-small-latest\", \"api_key\": \"" + fake_token(2201) + "\"}\n");
  dir.write("repo/deploy/server.key", fake_private_key(22));

  std::istringstream lines(block);
  std::vector<std::string> said;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    const auto hash = line.find("  #");
    const std::string comment = hash == std::string::npos ? "" : line.substr(line.find_first_not_of(" #", hash));
    const auto run = sh(line);
    said.push_back(run.out + run.err);
    if (comment.starts_with("blocked")) {
      EXPECT_NE(run.exit_code, 0) << line << "\n" << said.back();
    } else if (comment.starts_with("(exit ")) {
      EXPECT_EQ(run.exit_code, comment[6] - '0') << line << "\n" << said.back();
    } else {
      EXPECT_EQ(run.exit_code, 0) << line << "\n" << said.back();
    }
  }
  ASSERT_EQ(said.size(), 8u) << block;
  EXPECT_NE(said[2].find("tests/fixtures/chat.json:1:"), std::string::npos) << said[2];
  EXPECT_NE(said[2].find("mistral-api-key [critical]"), std::string::npos) << said[2];
  EXPECT_NE(said[3].find("deploy/server.key:2:1 private-key-pkcs8"), std::string::npos) << said[3];
  EXPECT_NE(said[7].find("deploy/server.key: sensitive-file-staged [critical]"), std::string::npos) << said[7];
  EXPECT_NE(said[7].find("deploy/server.key:2:1: private-key-pkcs8 [critical]"), std::string::npos) << said[7];
  const auto committed = sh("git ls-tree -r --name-only HEAD");
  EXPECT_EQ(committed.out, ".keyward-baseline.json\napp.py\ntests/fixtures/chat.json\n");
}

}  // namespace
}  // namespace keyward::testing
