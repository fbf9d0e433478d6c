#include "scanner/audit/sensitive_paths.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "scanner/config/rule_file.h"
#include "tests/e2e/fixtures.h"
#include "tests/support/temp_dir.h"

namespace keyward::audit {
namespace {

using keyward::testing::fake_token;
using keyward::testing::TempDir;

std::string id_of(const SensitivePaths& list, std::string_view path) {
  const auto match = match_path(list, path);
  return match ? match->entry->id : "";
}

TEST(SensitivePaths, BuiltinListProvesItsExamples) {
  const auto list = load_builtin_sensitive_paths();
  ASSERT_TRUE(list.has_value()) << list.error().message;
  ASSERT_GE(list->size(), 10u);
  for (const auto& entry : *list) {
    EXPECT_GE(entry.examples.size(), 2u) << entry.id;
    EXPECT_GE(entry.negative_examples.size(), 2u) << entry.id;
    for (const auto& example : entry.examples) EXPECT_EQ(id_of(*list, example), entry.id) << example;
    for (const auto& negative : entry.negative_examples) EXPECT_EQ(id_of(*list, negative), "") << negative;
  }
}

TEST(SensitivePaths, CoversWhatTheIssueLists) {
  const auto list = load_builtin_sensitive_paths();
  ASSERT_TRUE(list.has_value());
  for (const char* path : {".env",
                           ".env.local",
                           ".env.staging.local",
                           ".env.production",
                           ".env.ci",
                           "a/prod.pem",
                           "tls.key",
                           "c.p12",
                           "c.pfx",
                           "k.jks",
                           "k.keystore",
                           "id_rsa",
                           "id_ed25519",
                           "id_ecdsa",
                           "credentials.json",
                           "service-account-ci.json",
                           "secrets/x",
                           "terraform.tfstate",
                           "terraform.tfstate.backup",
                           ".aws/credentials",
                           "db.kdbx",
                           ".npmrc",
                           ".pypirc"}) {
    EXPECT_NE(id_of(*list, path), "") << path;
  }
  for (const char* path : {".env.example", ".env.sample", ".env.template", "id_rsa.pub", "README.md", "env.ts"}) {
    EXPECT_EQ(id_of(*list, path), "") << path;
  }
}

TEST(SensitivePaths, RegistryConfigCountsOnlyWithAToken) {
  const auto list = load_builtin_sensitive_paths();
  ASSERT_TRUE(list.has_value());
  const auto npmrc = match_path(*list, ".npmrc");
  ASSERT_TRUE(npmrc.has_value());
  EXPECT_TRUE(content_qualifies(*npmrc->entry, "//registry.npmjs.org/:_authToken=npm_" + fake_token(1, 36) + "\n"));
  EXPECT_FALSE(content_qualifies(*npmrc->entry, "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n"));
  EXPECT_FALSE(content_qualifies(*npmrc->entry, "registry=https://registry.npmjs.org/\nsave-exact=true\n"));
  const auto pypirc = match_path(*list, ".pypirc");
  ASSERT_TRUE(pypirc.has_value());
  EXPECT_TRUE(content_qualifies(*pypirc->entry, "[pypi]\nusername = __token__\npassword = " + fake_token(2) + "\n"));
  EXPECT_FALSE(content_qualifies(*pypirc->entry, "[distutils]\nindex-servers = pypi\n"));
  const auto env = match_path(*list, ".env");
  ASSERT_TRUE(env.has_value());
  EXPECT_TRUE(content_qualifies(*env->entry, "DEBUG=1\n"));  // no content condition: any content counts
}

TEST(SensitivePaths, ListsEveryBadEntry) {
  const auto parsed = parse_sensitive_paths(R"(
[[paths]]
id = "Bad Id"
description = "d"
patterns = ["x"]

[[paths]]
id = "negates"
description = "d"
patterns = ["!keep"]
colour = "red"

[[paths]]
id = "bad-regex"
description = "d"
patterns = [".npmrc"]
content = ['(unclosed']
)",
                                            "list.toml");
  ASSERT_FALSE(parsed.has_value());
  const std::string& m = parsed.error().message;
  EXPECT_NE(m.find("list.toml:2: Bad Id: id must be [a-z0-9-]+"), std::string::npos) << m;
  EXPECT_NE(m.find("list.toml:10: negates: '!keep' is not a usable pattern"), std::string::npos) << m;
  EXPECT_NE(m.find("list.toml:11: negates: unknown key 'colour'"), std::string::npos) << m;
  EXPECT_NE(m.find("list.toml:17: bad-regex: content regex '(unclosed'"), std::string::npos) << m;
}

TEST(SensitivePaths, ConfigAuditTableExtendsReplacesAndDisables) {
  TempDir dir;
  const std::string config = dir.write(".keyward.toml", R"(
disabled_rules = []

[audit]
disabled = ["sensitive-path-keepass"]

[[audit.paths]]
id = "sensitive-path-private-key"
description = "private keys, but test fixtures are fine"
patterns = ["*.pem", "*.key"]
except = ["testdata/"]

[[audit.paths]]
id = "acme-vault"
description = "Acme vault export"
patterns = ["*.acmevault"]
)");
  const auto list = load_sensitive_paths(config);
  ASSERT_TRUE(list.has_value()) << list.error().message;
  EXPECT_EQ(id_of(*list, "x.acmevault"), "acme-vault");
  EXPECT_EQ(id_of(*list, "db.kdbx"), "");
  EXPECT_EQ(id_of(*list, "testdata/server.pem"), "");
  EXPECT_EQ(id_of(*list, "prod.pem"), "sensitive-path-private-key");
  EXPECT_EQ(id_of(*list, "cert.p12"), "");  // the replacement has only *.pem and *.key
  EXPECT_EQ(
      std::count_if(list->begin(), list->end(), [](const auto& e) { return e.id == "sensitive-path-private-key"; }), 1);
  // The rule loader reads the same file and leaves [audit] to the audit.
  EXPECT_TRUE(config::load_rule_file(config).has_value());
}

TEST(SensitivePaths, ConfigErrorsAndGitleaksConfigs) {
  TempDir dir;
  const auto bad = load_sensitive_paths(dir.write("bad.toml", "[audit]\ndisabled = ['no-such-entry']\nextra = 1\n"));
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("bad.toml:3: unknown key 'audit.extra'"), std::string::npos)
      << bad.error().message;
  EXPECT_NE(bad.error().message.find("bad.toml:2: audit.disabled names an unknown entry 'no-such-entry'"),
            std::string::npos)
      << bad.error().message;
  const auto builtin = load_builtin_sensitive_paths();
  const auto gitleaks = load_sensitive_paths(dir.write(".gitleaks.toml", "[extend]\nuseDefault = true\n"));
  ASSERT_TRUE(gitleaks.has_value()) << gitleaks.error().message;
  EXPECT_EQ(gitleaks->size(), builtin->size());
}

}  // namespace
}  // namespace keyward::audit
