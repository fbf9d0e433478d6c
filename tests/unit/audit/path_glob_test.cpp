#include "scanner/audit/path_glob.h"

#include <gtest/gtest.h>

namespace keyward::audit {
namespace {

TEST(PathGlob, NameWithoutSlashMatchesAtAnyDepth) {
  EXPECT_TRUE(glob_matches("*.pem", "prod.pem"));
  EXPECT_TRUE(glob_matches("*.pem", "deploy/tls/prod.pem"));
  EXPECT_FALSE(glob_matches("*.pem", "prod.pem.txt"));
  EXPECT_TRUE(glob_matches(".env.*.local", "app/.env.production.local"));
  EXPECT_FALSE(glob_matches(".env.*.local", ".env.local"));
  EXPECT_TRUE(glob_matches("id_rs?", "id_rsa"));
}

TEST(PathGlob, ParentDirectoriesMatchAsInGitignore) {
  EXPECT_TRUE(glob_matches("secrets/", "secrets/db.txt"));
  EXPECT_TRUE(glob_matches("secrets/", "deploy/secrets/a/b.txt"));
  EXPECT_FALSE(glob_matches("secrets/", "secrets"));  // a file named like the directory
  EXPECT_TRUE(glob_matches("*.pem", "bundle.pem/inside.txt"));
}

TEST(PathGlob, SlashAnchorsUnlessLeadingDoubleStar) {
  EXPECT_TRUE(glob_matches("config/app.key", "config/app.key"));
  EXPECT_FALSE(glob_matches("config/app.key", "sub/config/app.key"));
  EXPECT_TRUE(glob_matches("/root.key", "root.key"));
  EXPECT_TRUE(glob_matches("**/.aws/credentials", ".aws/credentials"));
  EXPECT_TRUE(glob_matches("**/.aws/credentials", "home/ci/.aws/credentials"));
  EXPECT_FALSE(glob_matches("**/.aws/credentials", "home/.aws/config"));
  EXPECT_FALSE(glob_matches("*/x", "a/b/x"));  // '*' stays within one component
}

TEST(PathGlob, ProbePathsAreMatchedByTheirPattern) {
  EXPECT_EQ(probe_path("*.pem"), "x.pem");
  EXPECT_EQ(probe_path(".env.*"), ".env.x");
  EXPECT_EQ(probe_path(".env.*.local"), ".env.x.local");
  EXPECT_EQ(probe_path("terraform.tfstate*"), "terraform.tfstate");
  EXPECT_EQ(probe_path("secrets/"), "secrets/");
  EXPECT_EQ(probe_path("**/.aws/credentials"), ".aws/credentials");
  for (const char* pattern : {"*.pem", ".env.*", ".env.*.local", "terraform.tfstate*", "service-account*.json",
                              "**/.aws/credentials", "id_rs?"}) {
    EXPECT_TRUE(glob_matches(pattern, probe_path(pattern))) << pattern;
  }
  EXPECT_TRUE(glob_matches("secrets/", probe_path("secrets/") + "file"));
}

}  // namespace
}  // namespace keyward::audit
