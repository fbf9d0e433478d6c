// Issue 17: code is not a secret. The lines generic rules mistook for tokens in public repositories (ansible,
// rails, monaco-editor) and others of their families (identifiers, member chains, routes, paths, format strings,
// templates), written to real files and scanned by the real binary, raise nothing; a key beside them still does.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/fixtures.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace keyward::testing {
namespace {

ProcessOptions in_dir(const TempDir& dir) {
  ProcessOptions options;
  options.cwd = dir.path();
  return options;
}

// Each file as a project would hold it; every value is code, none a secret.
void write_code(const TempDir& dir) {
  dir.write("lib/ansible/vars/manager.py",
            "class VariableManager:\n"
            "    def __init__(self):\n"
            "        self._omit_token = '__omit_place_holder__%s' % sha1(os.urandom(64)).hexdigest()\n"
            "        access_token = 'oauth2_access_token_for_%(user)s' % params\n"
            "        api_key_label = 'api_key: %-24s' % name\n");
  dir.write("config/routes.rb",
            "Rails.application.routes.draw do\n"
            "    put  \"/disk/:encoded_token\" => \"active_storage/disk#update\", as: :update_rails_disk_service\n"
            "    get  \"/oauth/token\" => \"oauth/tokens#create\"\n"
            "    post \"/api/token/refresh\" => \"api/sessions#refresh_token\"\n"
            "    get  \"/secret/:id\" => \"Admin::SecretsController#show\"\n"
            "end\n");
  dir.write("node_modules/monaco-editor/min/vs/editor.js",
            "define(\"vs/editor\",[],function(){return{foldingRules:s,blockCommentStartToken:n?.blockCommentStartToken,"
            "blockCommentEndToken:n?.blockCommentEndToken};this.blockCommentStartToken=c?.blockCommentStartToken??null;"
            "e.accessToken=t?.accessTokenProvider?.getAccessToken;r.secret=o?.credentials?.clientSecretValue})\n");
  dir.write("node_modules/prettier/index.mjs",
            "      lastSignificantToken = \"?InterpolationInTemplate\";\n"
            "      nextLastSignificantToken = \"?NoLineTerminatorHere\";\n");
  dir.write("src/types.d.ts",
            "export type MqttPassword = Buffer|Uint8Array|Blob|string;\n"
            "   *       //   \"recaptchaV3Token\": \"my_recaptchaV3Token\"\n"
            "  csrfToken: state.session?.csrfTokenValue,\n"
            "  refresh_token: Types::RefreshTokenPayloadType,\n");
  dir.write("config/app.yml",
            "secret: config/secrets/app_secret.yml\n"
            "access_key: assets/images/access_key_icon.svg\n"
            "password: \"<%= ENV['DB_PASSWORD'] %>\"\n"
            "api_key: \"${var.api_key_prefix}-${random_id.key.hex}\"\n"
            "auth_token: \"{{ vault_auth_token }}\"\n"
            "token_secret: \"#{Rails.application.credentials.token_secret}\"\n");
}

TEST(CodeValuesE2E, IdentifiersRoutesFormatStringsAndTemplatesRaiseNothing) {
  TempDir dir;
  write_code(dir);
  const auto run = run_keyward({"scan", "--no-ignore", "--format", "json", "."}, in_dir(dir));
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const auto report = nlohmann::json::parse(run.out);
  EXPECT_TRUE(report["findings"].empty()) << report["findings"].dump(2);
  EXPECT_EQ(report["stats"]["files"], 6) << "every file was scanned";
}

TEST(CodeValuesE2E, AKeyBesideTheCodeIsStillFound) {
  TempDir dir;
  write_code(dir);
  dir.write("config/deploy.yml", "auth_token: " + fake_token(17, 40) + "\n");
  const auto run = run_keyward({"scan", "--no-ignore", "--format", "json", "."}, in_dir(dir));
  ASSERT_EQ(run.exit_code, 1) << run.out << run.err;
  const auto findings = nlohmann::json::parse(run.out)["findings"];
  ASSERT_EQ(findings.size(), 1u) << findings.dump(2);
  EXPECT_EQ(findings[0]["rule_id"], "generic-token");
  EXPECT_EQ(findings[0]["path"], "config/deploy.yml");
}

}  // namespace
}  // namespace keyward::testing
