// A gitleaks user's config, auto-detected as .gitleaks.toml, gives the findings gitleaks documents for it:
// rules with secretGroup, entropy and keywords, rule allowlists (regexes, regexTarget, stopwords, paths), the
// global allowlist, `gitleaks:allow`, and built-in rules only with [extend] useDefault.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/e2e/fixtures.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace keyward::testing {
namespace {

constexpr const char* kConfig = R"toml(title = "acme gitleaks config"

[[rules]]
id = "acme-api-token"
description = "Acme API token"
regex = '''(?i)acme[_-]?token\s*[:=]\s*["']?(acm_[a-z0-9]{24})["']?'''
secretGroup = 1
entropy = 3.0
keywords = ["acme"]
tags = ["internal"]
path = '''\.py$'''
[rules.allowlist]
regexes = ['''^acm_0+$''']
paths = ['''(^|/)fixtures/''']

[[rules]]
id = "internal-password"
description = "Hard-coded password"
regex = '''password\s*=\s*"([^"]{8,})"'''
keywords = ["password"]
[[rules.allowlists]]
regexTarget = "line"
regexes = ['''#\s*test-only''']
stopwords = ["hunter2"]

[allowlist]
paths = ['''(^|/)vendor/''']
stopwords = ["notreal"]
)toml";

std::string acme_token(std::uint32_t seed) {
  std::string body = fake_token(seed, 24);
  for (char& c : body) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return "acm_" + body;
}

void write_corpus(const TempDir& dir) {
  dir.write("src/config.py", "ACME_TOKEN = \"" + acme_token(1) + "\"\n");
  dir.write("src/zero.py", "acme_token: acm_000000000000000000000000\n");
  dir.write("fixtures/token.py", "ACME_TOKEN = \"" + acme_token(2) + "\"\n");
  dir.write("vendor/lib.py", "ACME_TOKEN = \"" + acme_token(3) + "\"\n");
  dir.write("src/db.py",
            "password = \"S3cr3t-Pa55w0rd!\"\n"           // keyward:allow (a fixture)
            "password = \"hunter2hunter2\"\n"             // keyward:allow
            "password = \"Zx9!kLm2Qw77\"  # test-only\n"  // keyward:allow
            "password = \"notreal123456\"\n"              // keyward:allow
            "password = \"Qm4#vBn8Lp2z\"  # gitleaks:allow\n");
  dir.write(".env", "MISTRAL_API_KEY=" + fake_token(42) + "\n");
}

std::vector<std::string> finding_keys(const std::string& json) {
  // "path:line:rule" for each finding, in report order.
  std::vector<std::string> keys;
  std::size_t pos = 0;
  while ((pos = json.find("\"rule_id\": \"", pos)) != std::string::npos) {
    const auto rule_end = json.find('"', pos + 12);
    const std::string rule = json.substr(pos + 12, rule_end - pos - 12);
    const auto path_at = json.find("\"path\": \"", rule_end) + 9;
    const std::string path = json.substr(path_at, json.find('"', path_at) - path_at);
    const auto line_at = json.find("\"line\": ", path_at) + 8;
    const std::string line = json.substr(line_at, json.find(',', line_at) - line_at);
    keys.push_back(path + ":" + line + ":" + rule);
    pos = rule_end;
  }
  return keys;
}

TEST(GitleaksE2E, CustomConfigGivesTheDocumentedFindings) {
  TempDir dir;
  dir.write(".gitleaks.toml", kConfig);
  write_corpus(dir);
  const auto run = run_keyward({"scan", "--format", "json", "."}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(finding_keys(run.out),
            (std::vector<std::string>{"src/config.py:1:acme-api-token", "src/db.py:1:internal-password"}))
      << run.out;
  // The config has a key keyward reads but does not act on: said, not silently dropped.
  EXPECT_NE(run.err.find("'path' narrowing a regex rule is not supported"), std::string::npos) << run.err;
}

TEST(GitleaksE2E, ExtendUseDefaultAddsTheBuiltinRules) {
  TempDir dir;
  dir.write("gitleaks.toml",
            std::string("[extend]\nuseDefault = true\ndisabledRules = [\"a-gitleaks-only-rule\"]\n\n") +
                std::string(kConfig).substr(std::string(kConfig).find("[[rules]]")));
  write_corpus(dir);
  const auto run =
      run_keyward({"scan", "--config", dir / "gitleaks.toml", "--format", "json", "."}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  // The built-in rules run beside the config's (built-in generic rules may add findings gitleaks's own would).
  const auto keys = finding_keys(run.out);
  for (const char* expected :
       {".env:1:mistral-api-key", "src/config.py:1:acme-api-token", "src/db.py:1:internal-password"}) {
    EXPECT_NE(std::find(keys.begin(), keys.end(), expected), keys.end()) << expected << "\n" << run.out;
  }
  EXPECT_NE(run.err.find("keyward has no rule 'a-gitleaks-only-rule'"), std::string::npos) << run.err;
}

TEST(GitleaksE2E, ExtendPathInheritsABaseConfig) {
  TempDir dir;
  dir.write("base.toml", kConfig);
  dir.write(".gitleaks.toml", "[extend]\npath = \"base.toml\"\n[allowlist]\nstopwords = [\"s3cr3t\"]\n");
  write_corpus(dir);
  const auto run = run_keyward({"scan", "--format", "json", "."}, {.cwd = dir.path()});
  EXPECT_EQ(finding_keys(run.out), (std::vector<std::string>{"src/config.py:1:acme-api-token"})) << run.out << run.err;
}

TEST(GitleaksE2E, ABadGitleaksConfigNamesFileAndLineAndExitsTwo) {
  TempDir dir;
  dir.write(".gitleaks.toml", "title = \"x\"\n[[rules]]\nid = \"bad\"\nregex = '''(unclosed'''\n");
  const auto run = run_keyward({"scan", "."}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("bad: bad regex"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace keyward::testing
