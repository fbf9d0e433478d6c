#include "scanner/config/config.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "scanner/sources/git.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace keyward::config {
namespace {

using keyward::testing::TempDir;

TEST(Config, DiscoversKeywardTomlAtTheRepositoryRoot) {
  sources::GitLibrary git;
  TempDir dir;
  ASSERT_EQ(keyward::testing::run_process({"/usr/bin/git", "init", "-q", dir.path()}).exit_code, 0);
  const std::string config = dir.write(".keyward.toml", "[allowlist]\npaths = ['x']\n");
  dir.write("src/deep/file.txt", "hello");
  const auto found = discover_config(dir / "src/deep");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(std::filesystem::canonical(*found), std::filesystem::canonical(config));
}

TEST(Config, FindsNoConfigWhereThereIsNone) {
  TempDir dir;
  EXPECT_FALSE(discover_config(dir.path()).has_value());
}

TEST(Config, DisablesRulesFiltersCategoriesAndLetsUserRulesReplaceBuiltins) {
  TempDir dir;
  const std::string config = dir.write(".keyward.toml", R"toml(
disabled_rules = ["acme-extra"]
[[rules]]
id = "mistral-api-key"
description = "replaced"
regex = '''mistral=([a-z]{8})'''
[[rules]]
id = "acme-extra"
description = "disabled"
regex = '''acme=([a-z]{8})'''
[[rules]]
id = "acme-email"
description = "personal"
regex = '''([a-z]+@acme\.test)'''
category = "personal-data"
)toml");
  auto resolved = resolve_rules(
      {.config_path = config, .rule_files = {}, .categories = CategoryFilter::kSecret, .use_builtin = true}, config);
  ASSERT_TRUE(resolved.has_value()) << resolved.error().message;
  int mistral = 0;
  for (const auto& rule : resolved->rules) {
    EXPECT_NE(rule.id, "acme-extra");
    EXPECT_NE(rule.id, "acme-email");
    if (rule.id == "mistral-api-key") {
      ++mistral;
      EXPECT_EQ(rule.description, "replaced");
    }
  }
  EXPECT_EQ(mistral, 1);
}

TEST(Config, NamesAnUnknownDisabledRule) {
  TempDir dir;
  const std::string config = dir.write("k.toml", "disabled_rules = ['no-such-rule']\n");
  auto resolved = resolve_rules(
      {.config_path = config, .rule_files = {}, .categories = CategoryFilter::kAll, .use_builtin = true}, config);
  ASSERT_FALSE(resolved.has_value());
  EXPECT_EQ(resolved.error().message, config + ":1: disabled_rules names an unknown rule 'no-such-rule'");
}

}  // namespace
}  // namespace keyward::config
