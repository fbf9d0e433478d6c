// A gitleaks user's config, auto-detected as .gitleaks.toml, gives the findings gitleaks documents for it:
// rules with secretGroup, entropy, keywords and path (narrowing a regex, or alone), rule allowlists (several, each
// with its regexTarget and condition; regexes, stopwords, paths, commits), global and targeted allowlists,
// required rules and skipReport, `gitleaks:allow`, and [extend] (useDefault, path), a rule extending another.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "tests/e2e/fixtures.h"
#include "tests/support/git_repo.h"
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

ProcessOptions in_dir(const std::string& dir) {
  ProcessOptions options;
  options.cwd = dir;
  return options;
}

std::string acme_token(std::uint32_t seed) {
  std::string body = fake_token(seed, 24);
  for (char& c : body) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return "acm_" + body;
}

void write_corpus(const TempDir& dir) {
  dir.write("src/config.py", "ACME_TOKEN = \"" + acme_token(1) + "\"\n");
  dir.write("src/config.txt", "ACME_TOKEN = \"" + acme_token(4) + "\"\n");  // the rule's path is \.py$
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
  const auto run = run_keyward({"scan", "--format", "json", "."}, in_dir(dir.path()));
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(finding_keys(run.out),
            (std::vector<std::string>{"src/config.py:1:acme-api-token", "src/db.py:1:internal-password"}))
      << run.out;
  // Every key of the config is honoured: nothing to say about it.
  EXPECT_EQ(run.err.find("note:"), std::string::npos) << run.err;
}

TEST(GitleaksE2E, ExtendUseDefaultAddsTheBuiltinRules) {
  TempDir dir;
  dir.write("gitleaks.toml",
            std::string("[extend]\nuseDefault = true\ndisabledRules = [\"a-gitleaks-only-rule\"]\n\n") +
                std::string(kConfig).substr(std::string(kConfig).find("[[rules]]")));
  write_corpus(dir);
  const auto run =
      run_keyward({"scan", "--config", dir / "gitleaks.toml", "--format", "json", "."}, in_dir(dir.path()));
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
  const auto run = run_keyward({"scan", "--format", "json", "."}, in_dir(dir.path()));
  EXPECT_EQ(finding_keys(run.out), (std::vector<std::string>{"src/config.py:1:acme-api-token"})) << run.out << run.err;
}

TEST(GitleaksE2E, ABadGitleaksConfigNamesFileAndLineAndExitsTwo) {
  TempDir dir;
  dir.write(".gitleaks.toml", "title = \"x\"\n[[rules]]\nid = \"bad\"\nregex = '''(unclosed'''\n");
  const auto run = run_keyward({"scan", "."}, in_dir(dir.path()));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("bad: bad regex"), std::string::npos) << run.err;
}

// The keys of gitleaks' default config that keyward used to skip with a note (issue 18), in a config of the same
// shape written from gitleaks' documented schema: `path` narrowing a regex rule, a rule on paths alone, several
// allowlists on one rule each with its own regexTarget, and condition = "AND" across a path and a line regex; and
// a rule of two alternatives, each with its group and no secretGroup.
constexpr const char* kSchemaConfig = R"toml(title = "gitleaks schema, as its default config uses it"

[[rules]]
id = "tf-password"
description = "Terraform password"
regex = '''(?i)password\s*[=:]\s*("[a-z0-9=_\-]{8,20}")'''
path = '''(?i)\.(?:tf|hcl)$'''
entropy = 2
keywords = ["password"]

[[rules]]
id = "generic-key"
description = "Generic key"
regex = '''(?i)(?:key|token|passw(?:or)?d|secret)[\w.-]{0,20}\s*[:=]\s*["']?([\w.=-]{10,150})["']?'''
entropy = 3
keywords = ["key", "token", "password", "secret"]
[[rules.allowlists]]
regexes = ['''^[a-zA-Z_.-]+$''']
[[rules.allowlists]]
description = "names of keys, not keys"
regexTarget = "match"
regexes = ['''(?i)key[_.-]?(?:id|name)''']
[[rules.allowlists]]
regexTarget = "line"
regexes = ['''--mount=type=secret,''']
[[rules.allowlists]]
condition = "AND"
paths = ['''\.bb$''']
regexTarget = "line"
regexes = ['''SRC[^=]*=\s*"''']

[[rules]]
id = "k8s-secret"
description = "Kubernetes secret data"
regex = '''(?:kind:\s*Secret[\s\S]{0,80}?data:\s+\w+:\s*([A-Za-z0-9+/]{16,}={0,2})|data:\s+\w+:\s*([A-Za-z0-9+/]{16,}={0,2})[\s\S]{0,80}?kind:\s*Secret)'''
path = '''(?i)\.ya?ml$'''
keywords = ["secret"]

[[rules]]
id = "pkcs12-file"
description = "PKCS #12 file"
path = '''(?i)(?:^|/)[^/]+\.p(?:12|fx)$'''
)toml";

TEST(GitleaksE2E, PathPathOnlyRulesSeveralAllowlistsAndAndConditionsAreHonoured) {
  TempDir dir;
  dir.write("gitleaks.toml", kSchemaConfig);
  // Issue 18's line: with gitleaks' default config it stopped the scan (substr out of range) in a .tf file.
  const std::string issue_value = std::string("UyFCXCpk") + "JHpEc2I9";
  const std::string issue_yaml = "kind: Secret\n\tpassword: \"" + issue_value + "\"\n";
  dir.write("deploy/a.yaml", issue_yaml);
  dir.write("infra/main.tf", issue_yaml);
  dir.write("src/app.py", "password = \"" + fake_token(78, 14) + "\"\n");
  dir.write("k8s/secret.yaml", "data:\n  token: " + fake_token(71, 24) + "\nkind: Secret\n");
  dir.write("k8s/notes.txt", "data:\n  token: " + fake_token(72, 24) + "\nkind: Secret\n");
  dir.write("certs/client.p12", std::string("\x30\x82\x0a\x00\x02\x01\x03\x30", 8) + std::string(64, '\0'));
  dir.write("conf/letters.env", "api_token = only_letters_here\n");
  dir.write("conf/names.cfg", "key_id = " + fake_token(73, 14) + "\n");
  dir.write("conf/found.cfg", "api_key = " + fake_token(74, 14) + "\n");
  dir.write("Dockerfile", "RUN --mount=type=secret,id=token password=" + fake_token(75, 14) + " make\n");
  dir.write("meta/recipe.bb", "SRC_PASSWORD = \"" + fake_token(79, 14) + "\"\n");
  dir.write("meta/recipe.conf", "SRC_PASSWORD = \"" + fake_token(79, 14) + "\"\n");
  for (const std::string format : {"json", "text"}) {
    const auto run = run_keyward({"scan", "--config", "gitleaks.toml", "--format", format, "."}, in_dir(dir.path()));
    EXPECT_EQ(run.exit_code, 1) << format << "\n" << run.err;
    EXPECT_EQ(run.err.find("error"), std::string::npos) << run.err;
    EXPECT_EQ(run.err.find("note:"), std::string::npos) << run.err;
    if (format == "text") {
      EXPECT_NE(run.out.find("infra/main.tf:2:12: tf-password"), std::string::npos) << run.out;
      EXPECT_NE(run.out.find("certs/client.p12: pkcs12-file"), std::string::npos) << run.out;
      continue;
    }
    EXPECT_EQ(finding_keys(run.out), (std::vector<std::string>{
                                         "certs/client.p12:0:pkcs12-file",
                                         "conf/found.cfg:1:generic-key",
                                         "deploy/a.yaml:2:generic-key",
                                         "infra/main.tf:2:tf-password",
                                         "infra/main.tf:2:generic-key",
                                         "k8s/notes.txt:2:generic-key",
                                         "k8s/secret.yaml:2:generic-key",
                                         "k8s/secret.yaml:2:k8s-secret",
                                         "meta/recipe.conf:1:generic-key",
                                         "src/app.py:1:generic-key",
                                     }))
        << run.out;
  }
}

// Composite rules: a finding of a rule with [[rules.required]] stands only with the required rule's finding near
// it; a skipReport rule is never reported alone; an [[allowlists]] with targetRules applies to those rules only.
TEST(GitleaksE2E, RequiredRulesSkipReportAndTargetedAllowlists) {
  TempDir dir;
  dir.write(".gitleaks.toml", R"toml(title = "composite"

[[rules]]
id = "acme-client-id"
description = "Acme client id"
regex = '''acme_client_id\s*=\s*(cid_[a-z0-9]{12})'''
skipReport = true

[[rules]]
id = "acme-client-secret"
description = "Acme client secret"
regex = '''acme_client_secret\s*=\s*(cs_[A-Za-z0-9]{20})'''
[[rules.required]]
id = "acme-client-id"
withinLines = 2

[[rules]]
id = "acme-token"
description = "Acme token"
regex = '''\b(acmetok_[A-Za-z0-9]{20})\b'''

[[allowlists]]
targetRules = ["acme-token"]
paths = ['''(^|/)examples/''']
)toml");
  auto secret = [](std::uint32_t seed) { return "cs_" + fake_token(seed, 20); };
  dir.write("paired.env", "acme_client_id = cid_abcdef123456\nacme_client_secret = " + secret(80) + "\n");
  dir.write("far.env", "acme_client_id = cid_abcdef123456\n\n\n\nacme_client_secret = " + secret(81) + "\n");
  dir.write("alone.env", "acme_client_secret = " + secret(82) + "\n");
  dir.write("examples/demo.env", "token acmetok_" + fake_token(83, 20) + "\nacme_client_id = cid_abcdef123456\n" +
                                     "acme_client_secret = " + secret(84) + "\n");
  dir.write("src/token.txt", "token acmetok_" + fake_token(85, 20) + "\n");
  const auto run = run_keyward({"scan", "--format", "json", "."}, in_dir(dir.path()));
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(run.err.find("note:"), std::string::npos) << run.err;
  EXPECT_EQ(finding_keys(run.out),
            (std::vector<std::string>{"examples/demo.env:3:acme-client-secret", "paired.env:2:acme-client-secret",
                                      "src/token.txt:1:acme-token"}))
      << run.out;
}

// A rule that sets neither regex nor path extends the rule of the same id it inherits (gitleaks' README: extend
// gitlab-pat with an allowlist): here a rule of a base config, and a keyward built-in under [extend] useDefault.
TEST(GitleaksE2E, ARuleWithoutRegexOrPathExtendsTheInheritedRuleOfItsId) {
  TempDir dir;
  dir.write("base.toml", std::string(kConfig));
  dir.write("extending.toml", R"toml([extend]
path = "base.toml"

[[rules]]
id = "internal-password"
description = "Hard-coded password, reviewed"
[[rules.allowlists]]
regexTarget = "line"
regexes = ['''reviewed-ok''']
)toml");
  dir.write("defaults.toml", R"toml([extend]
useDefault = true

[[rules]]
id = "mistral-api-key"
[[rules.allowlists]]
regexTarget = "line"
regexes = ['''MY-TEST-KEY''']
)toml");
  write_corpus(dir);
  dir.write("src/more.py", "password = \"Vq8#Lm2!Zx47\"  # reviewed-ok\n");  // keyward:allow
  dir.write("test.env", "MISTRAL_API_KEY=" + fake_token(86) + "  # MY-TEST-KEY\n");
  const auto extending =
      run_keyward({"scan", "--config", "extending.toml", "--format", "json", "."}, in_dir(dir.path()));
  EXPECT_EQ(extending.err.find("note:"), std::string::npos) << extending.err;
  EXPECT_EQ(finding_keys(extending.out),
            (std::vector<std::string>{"src/config.py:1:acme-api-token", "src/db.py:1:internal-password"}))
      << extending.out;
  EXPECT_NE(extending.out.find("Hard-coded password, reviewed"), std::string::npos) << extending.out;

  const auto defaults = run_keyward({"scan", "--config", "defaults.toml", "--format", "json", "."}, in_dir(dir.path()));
  const auto keys = finding_keys(defaults.out);
  EXPECT_NE(std::find(keys.begin(), keys.end(), ".env:1:mistral-api-key"), keys.end()) << defaults.out;
  EXPECT_EQ(std::find(keys.begin(), keys.end(), "test.env:1:mistral-api-key"), keys.end()) << defaults.out;
}

// Commit allowlists apply where an item has a commit: in git history, a finding introduced by a listed commit is
// allowed, the same kind of finding in another commit is not.
TEST(GitleaksE2E, CommitAllowlistsAllowWhatTheListedCommitsIntroduced) {
  GitRepo repo;
  repo.write("one.env", "MISTRAL_API_KEY=" + fake_token(87) + "\n");
  repo.git({"add", "."});
  const std::string first = repo.commit("first");
  repo.write("two.env", "MISTRAL_API_KEY=" + fake_token(88) + "\n");
  repo.git({"add", "."});
  repo.commit("second");
  TempDir config_dir;
  const std::string config = config_dir.write(
      "gitleaks.toml", "[extend]\nuseDefault = true\n\n[[allowlists]]\ncommits = [\"" + first + "\"]\n");
  const auto run = run_keyward({"git", "--config", config, "--format", "json", repo.path()});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(run.err.find("note:"), std::string::npos) << run.err;
  EXPECT_EQ(finding_keys(run.out), (std::vector<std::string>{"two.env:1:mistral-api-key"})) << run.out;
}

#ifdef KEYWARD_GITLEAKS_REPO
// gitleaks' repository (tests/CMakeLists.txt, KEYWARD_GITLEAKS_REPO): its default config is read from it at test
// time, never committed here (it carries example secrets).
std::string write_gitleaks_default_config(const TempDir& dir) {
  const auto show = run_process({"/usr/bin/git", "-C", KEYWARD_GITLEAKS_REPO, "show", "HEAD:config/gitleaks.toml"});
  EXPECT_EQ(show.exit_code, 0) << show.err;
  return dir.write("gitleaks.toml", show.out);
}
#endif

// Issue 18's regression, with gitleaks' own default config: the YAML line is a finding and the exit code 1, with
// or without decoding; in a .tf file too, where two rules' secrets overlap and the text report used to throw.
TEST(GitleaksDefaultConfigE2E, TheIssuesYamlLineIsAFindingAndExitOne) {
#ifndef KEYWARD_GITLEAKS_REPO
  GTEST_SKIP() << "configure with -DKEYWARD_GITLEAKS_REPO=<gitleaks repository> to run it";
#else
  TempDir dir;
  const std::string config = write_gitleaks_default_config(dir);
  const std::string yaml = "kind: Secret\n\tpassword: \"" + std::string("UyFCXCpk") + "JHpEc2I9\"\n";
  dir.write("tree/a.yaml", yaml);
  dir.write("tree/main.tf", yaml);
  for (const char* depth : {"0", "2"}) {
    const auto run = run_keyward({"scan", "--config", config, "--max-decode-depth", depth, "tree"}, in_dir(dir.path()));
    EXPECT_EQ(run.exit_code, 1) << run.err;
    EXPECT_EQ(run.err.find("error"), std::string::npos) << run.err;
    EXPECT_EQ(run.err.find("note:"), std::string::npos) << run.err;
    EXPECT_NE(run.out.find("tree/a.yaml:2:13: generic-api-key"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("tree/main.tf:2:12: hashicorp-tf-password"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("tree/main.tf:2:13: generic-api-key"), std::string::npos) << run.out;
    EXPECT_EQ(run.out.find("tree/a.yaml:2:12: hashicorp-tf-password"), std::string::npos) << run.out;  // path: .tf
  }
#endif
}

// gitleaks' own repository with its own default config, as a gitleaks user switching would try first: findings
// (its test data holds many), exit 1, no error and no note about a key of the config.
TEST(GitleaksDefaultConfigE2E, GitleaksOwnRepositoryExitsOneWithNoErrorAndNoNote) {
#ifndef KEYWARD_GITLEAKS_REPO
  GTEST_SKIP() << "configure with -DKEYWARD_GITLEAKS_REPO=<gitleaks repository> to run it";
#else
  TempDir dir;
  const std::string config = write_gitleaks_default_config(dir);
  const auto archive = run_process({"/usr/bin/git", "-C", KEYWARD_GITLEAKS_REPO, "archive", "--format=tar", "HEAD"});
  ASSERT_EQ(archive.exit_code, 0) << archive.err;
  std::filesystem::create_directories(dir / "gitleaks");
  ProcessOptions untar;
  untar.stdin_bytes = archive.out;
  const auto extracted = run_process({"/bin/tar", "-x", "-C", dir / "gitleaks"}, untar);
  ASSERT_EQ(extracted.exit_code, 0) << extracted.err;
  const auto run = run_keyward({"scan", "--config", config, "--format", "json", "gitleaks"}, in_dir(dir.path()));
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(run.err.find("error"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("note:"), std::string::npos) << run.err;
  EXPECT_GT(finding_keys(run.out).size(), 100u) << run.err;
#endif
}

}  // namespace
}  // namespace keyward::testing
