#include "scanner/filter/policy.h"

#include <gtest/gtest.h>

namespace keyward::filter {
namespace {

engine::Rule rule(const std::string& id, engine::Category category) {
  engine::Rule r;
  r.id = id;
  r.category = category;
  return r;
}

TEST(Policy, DefaultsBlockSecretsAndRedactPersonalData) {
  auto policy = parse_policy("", "<test>");
  ASSERT_TRUE(policy) << policy.error().message;
  EXPECT_EQ(action_for(*policy, rule("mistral-api-key", engine::Category::kSecret)), Action::kBlock);
  EXPECT_EQ(action_for(*policy, rule("pii-email", engine::Category::kPersonalData)), Action::kRedact);
  EXPECT_EQ(policy->max_input_bytes, kDefaultMaxInputBytes);
  auto limits = limits_for(*policy, "");
  ASSERT_TRUE(limits);
  EXPECT_TRUE(model_allowed(*limits, "anything"));
}

TEST(Policy, CategoryAndRuleOverridesAndEnvironments) {
  auto policy = parse_policy(R"(
[[rules]]
id = "ignored-here"

[filter]
secret = "redact"
personal-data = "allow"
default_env = "dev"
max_input_bytes = 1000

[filter.rules]
pii-credit-card-visa = "mask"

[filter.env.dev]
models = ["*"]

[filter.env.prod]
models = ["mistral-small-latest", "codestral-latest"]
max_tokens = 512
max_messages = 4
max_text_bytes = 2048
)",
                             "<test>");
  ASSERT_TRUE(policy) << policy.error().message;
  EXPECT_EQ(action_for(*policy, rule("mistral-api-key", engine::Category::kSecret)), Action::kRedact);
  EXPECT_EQ(action_for(*policy, rule("pii-email", engine::Category::kPersonalData)), Action::kAllow);
  EXPECT_EQ(action_for(*policy, rule("pii-credit-card-visa", engine::Category::kPersonalData)), Action::kMask);
  EXPECT_EQ(policy->max_input_bytes, 1000u);
  auto dev = limits_for(*policy, "");
  ASSERT_TRUE(dev);
  EXPECT_TRUE(model_allowed(*dev, "mistral-large-latest"));
  auto prod = limits_for(*policy, "prod");
  ASSERT_TRUE(prod);
  EXPECT_TRUE(model_allowed(*prod, "codestral-latest"));
  EXPECT_FALSE(model_allowed(*prod, "mistral-large-latest"));
  EXPECT_EQ(prod->max_tokens, 512u);
  EXPECT_EQ(prod->max_messages, 4u);
  EXPECT_EQ(prod->max_text_bytes, 2048u);
  EXPECT_FALSE(limits_for(*policy, "staging"));
}

TEST(Policy, DefaultRegionsNameWherePhoneNumbersComeFrom) {
  auto none = parse_policy("[filter]\n", "<test>");
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_TRUE(none->default_regions.empty());
  auto french = parse_policy("[filter]\ndefault_regions = [\"FR\", \"BE\"]\n", "<test>");
  ASSERT_TRUE(french) << french.error().message;
  EXPECT_EQ(french->default_regions, (std::vector<std::string>{"FR", "BE"}));

  auto unknown = parse_policy("[filter]\ndefault_regions = [\"FR\", \"XX\"]\n", "policy.toml");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("policy.toml:2: filter.default_regions"), std::string::npos)
      << unknown.error().message;
  EXPECT_FALSE(parse_policy("[filter]\ndefault_regions = \"FR\"\n", "<test>"));
}

TEST(Policy, UnknownKeysAndActionsAreErrorsWithLines) {
  auto bad_action = parse_policy("[filter]\nsecret = \"drop\"\n", "p.toml");
  ASSERT_FALSE(bad_action);
  EXPECT_NE(bad_action.error().message.find("p.toml:2"), std::string::npos) << bad_action.error().message;
  auto bad_key = parse_policy("[filter]\nsecrets = \"block\"\n", "p.toml");
  ASSERT_FALSE(bad_key);
  EXPECT_EQ(bad_key.error().message, "p.toml:2: unknown key 'filter.secrets'");
  auto bad_env = parse_policy("[filter.env.prod]\nmax_token = 5\n", "p.toml");
  ASSERT_FALSE(bad_env);
  EXPECT_EQ(bad_env.error().message, "p.toml:2: unknown key 'filter.env.prod.max_token'");
  auto implicit_env = parse_policy("[filter.env.prod.limits]\nmax_tokens = 5\n", "p.toml");  // no line 0
  ASSERT_FALSE(implicit_env);
  EXPECT_EQ(implicit_env.error().message, "p.toml:1: unknown key 'filter.env.prod.limits'");
  auto missing_default = parse_policy("[filter]\ndefault_env = \"prod\"\n", "p.toml");
  ASSERT_FALSE(missing_default);
  EXPECT_FALSE(parse_policy("[filter\n", "p.toml"));
}

TEST(Policy, PersonalDataIsSnakeCaseAndTheOtherSpellingWorksWithANote) {
  auto snake = parse_policy("[filter]\npersonal_data = \"mask\"\n", "p.toml");
  ASSERT_TRUE(snake) << snake.error().message;
  EXPECT_EQ(snake->personal_data_action, Action::kMask);
  EXPECT_TRUE(snake->notes.empty());
  auto kebab = parse_policy("[filter]\npersonal-data = \"allow\"\n", "p.toml");
  ASSERT_TRUE(kebab) << kebab.error().message;
  EXPECT_EQ(kebab->personal_data_action, Action::kAllow);
  EXPECT_EQ(kebab->notes,
            std::vector<std::string>{"p.toml:2: filter.personal-data is spelt personal_data now (both work)"});
  EXPECT_FALSE(parse_policy("[filter]\npersonal_data = \"mask\"\npersonal-data = \"allow\"\n", "p.toml"));
}

TEST(Policy, APolicyFileWithoutAFilterTableIsAnErrorWhenOneIsRequired) {
  EXPECT_TRUE(parse_policy("[scan]\nredact = true\n", ".keyward.toml"));  // a config need not have one
  auto policy = parse_policy("secret = \"redact\"\n", "policy.toml", FilterTable::kRequired);
  ASSERT_FALSE(policy);
  EXPECT_EQ(policy.error().message.rfind("policy.toml: no [filter] table", 0), 0u) << policy.error().message;
}

}  // namespace
}  // namespace keyward::filter
