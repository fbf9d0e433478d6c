#include "scanner/filter/filter.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>
#include <regex>
#include <stdexcept>
#include <thread>

#include "tests/e2e/fixtures.h"
#include "tests/support/temp_dir.h"

namespace keyward::filter {
namespace {

using keyward::testing::fake_token;

Filter make_filter(const std::string& policy_toml = "", const std::string& env = "") {
  auto rules = load_filter_rules(std::nullopt);
  EXPECT_TRUE(rules) << rules.error().message;
  auto policy = parse_policy(policy_toml, "<test>");
  EXPECT_TRUE(policy) << policy.error().message;
  auto filter = Filter::create(std::move(*rules), std::move(*policy), env);
  EXPECT_TRUE(filter) << filter.error().message;
  return std::move(*filter);
}

const Filter& default_filter() {
  static const Filter filter = make_filter();
  return filter;
}

std::string mistral_key(std::uint32_t seed) { return "MISTRAL_API_KEY=" + fake_token(seed); }

TEST(Filter, SecretTwiceIsReplacedTwiceAndNothingElseChanges) {
  const Filter filter = make_filter("[filter]\nsecret = \"redact\"\n");
  const std::string key = fake_token(11);
  const std::string text = "first MISTRAL_API_KEY=" + key + " then\nexport MISTRAL_API_KEY=" + key + "\nbye";
  auto screening = filter.screen(text);
  ASSERT_TRUE(screening) << screening.error().message;
  EXPECT_EQ(screening->verdict, Verdict::kRedacted);
  EXPECT_EQ(screening->text,
            "first MISTRAL_API_KEY=[REDACTED:mistral-api-key] then\nexport MISTRAL_API_KEY=[REDACTED:mistral-api-key]"
            "\nbye");
  ASSERT_EQ(screening->findings.size(), 2u);
  EXPECT_EQ(text.substr(screening->findings[0].start, screening->findings[0].end - screening->findings[0].start), key);
}

// The engine calls the phone check its caller supplies; this one fails as a library might, on one number only.
bool phone_check_that_throws(std::string_view candidate) {
  if (candidate.find("0000") != std::string_view::npos) throw std::runtime_error("phone library failed");
  return true;
}

// Issue 18: an internal error while screening fails closed, a block that says why, never a pass.
TEST(Filter, AnInternalErrorIsABlockWithTheReasonNeverAPass) {
  engine::Rule phone;
  phone.id = "pii-test-phone";
  phone.description = "phone number";
  phone.regex = R"(tel:\s*([0-9]{10}))";
  phone.checks = {engine::Check::kPhone};
  phone.category = engine::Category::kPersonalData;
  engine::CompileOptions options;
  options.phone_check = phone_check_that_throws;
  auto rules = engine::RuleSet::compile({phone}, options);
  ASSERT_TRUE(rules) << rules.error().message;
  auto policy = parse_policy("", "<test>");
  ASSERT_TRUE(policy) << policy.error().message;
  auto filter = Filter::create(std::move(*rules), std::move(*policy));
  ASSERT_TRUE(filter) << filter.error().message;

  auto fine = filter->screen_request(R"({"messages": [{"role": "user", "content": "call tel: 5551234567"}]})");
  ASSERT_TRUE(fine);
  EXPECT_EQ(fine->verdict, Verdict::kRedacted);
  auto failed = filter->screen_request(R"({"messages": [{"role": "user", "content": "call tel: 5550000123"}]})");
  ASSERT_TRUE(failed) << failed.error().message;
  EXPECT_EQ(failed->verdict, Verdict::kBlocked);
  EXPECT_EQ(failed->text, "");
  ASSERT_EQ(failed->violations.size(), 1u);
  EXPECT_EQ(failed->violations[0].limit, "internal-error");
  EXPECT_EQ(failed->violations[0].message,
            "internal error while screening, so the request was blocked: phone library failed");
  EXPECT_EQ(failed->audit.violations, std::vector<std::string>{"internal-error"});
  auto text = filter->screen("call tel: 5550000123");
  ASSERT_TRUE(text);
  EXPECT_EQ(text->verdict, Verdict::kBlocked);
  EXPECT_EQ(text->text, "");
  ASSERT_EQ(text->violations.size(), 1u);
  EXPECT_EQ(text->violations[0].message,
            "internal error while screening, so the text was blocked: phone library failed");
}

TEST(Filter, PersonalDataIsRedactedByDefaultAndCardsCanBeMasked) {
  auto redacted = default_filter().screen("mail dana.whitfield@northwind-traders.net, card 4111 1111 1111 1111.");
  ASSERT_TRUE(redacted);
  EXPECT_EQ(redacted->verdict, Verdict::kRedacted);
  EXPECT_EQ(redacted->text, "mail [REDACTED:email], card [REDACTED:credit-card-visa].");

  const Filter masking = make_filter("[filter.rules]\npii-credit-card-visa = \"mask\"\npii-email = \"allow\"\n");
  auto masked = masking.screen("mail dana.whitfield@northwind-traders.net, card 4111 1111 1111 1111.");
  ASSERT_TRUE(masked);
  EXPECT_EQ(masked->verdict, Verdict::kRedacted);
  EXPECT_EQ(masked->text, "mail dana.whitfield@northwind-traders.net, card **** **** **** 1111.");
  ASSERT_EQ(masked->findings.size(), 2u);
  EXPECT_EQ(masked->findings[0].action, Action::kAllow);
}

TEST(Filter, MaskKeepsTheLastFourLettersOrDigits) {
  EXPECT_EQ(mask_keeping_last_four("4111-1111-1111-1234"), "****-****-****-1234");
  EXPECT_EQ(mask_keeping_last_four("378282246310005"), "***********0005");
  EXPECT_EQ(mask_keeping_last_four("abc"), "abc");
  EXPECT_EQ(redaction_label("pii-email"), "[REDACTED:email]");
  EXPECT_EQ(redaction_label("mistral-api-key"), "[REDACTED:mistral-api-key]");
}

TEST(Filter, ASecretBlocksAndNothingIsHandedOut) {
  const std::string request =
      nlohmann::json{{"model", "mistral-small-latest"}, {"messages", {{{"role", "user"}, {"content", mistral_key(3)}}}}}
          .dump();
  auto screening = default_filter().screen_request(request);
  ASSERT_TRUE(screening);
  EXPECT_EQ(screening->verdict, Verdict::kBlocked);
  EXPECT_TRUE(screening->text.empty());
  ASSERT_EQ(screening->findings.size(), 1u);
  EXPECT_EQ(screening->findings[0].rule_id, "mistral-api-key");
  EXPECT_EQ(screening->findings[0].pointer, "/messages/0/content");
  EXPECT_EQ(screening->audit.model, "mistral-small-latest");
  EXPECT_EQ(screening->audit.rules, std::vector<std::string>{"mistral-api-key"});
}

TEST(Filter, AKeyGivesContextToItsValue) {
  // {"MISTRAL_API_KEY": "<32 chars>"}: the value alone is no secret; next to its key it is.
  const std::string arguments = nlohmann::json{{"MISTRAL_API_KEY", fake_token(4)}}.dump();
  const std::string request =
      nlohmann::json{
          {"messages",
           {{{"role", "assistant"},
             {"tool_calls", {{{"id", "c1"}, {"function", {{"name", "set_env"}, {"arguments", arguments}}}}}}}}}}
          .dump();
  auto screening = default_filter().screen_request(request);
  ASSERT_TRUE(screening);
  EXPECT_EQ(screening->verdict, Verdict::kBlocked);
  ASSERT_FALSE(screening->findings.empty());
  EXPECT_EQ(screening->findings[0].pointer, "/messages/0/tool_calls/0/function/arguments/MISTRAL_API_KEY");
}

TEST(Filter, ToolCallArgumentsHoldingJsonAreRedactedInsideAndStayValid) {
  const std::string arguments = R"({"to": "priya.n+orders@mailbox.org", "note": "card 4242 4242 4242 4242"})";
  const nlohmann::json input = {
      {"model", "mistral-small-latest"},
      {"messages",
       {{{"role", "assistant"},
         {"tool_calls", {{{"id", "c1"}, {"function", {{"name", "send"}, {"arguments", arguments}}}}}}}}}};
  auto screening = default_filter().screen_request(input.dump());
  ASSERT_TRUE(screening);
  EXPECT_EQ(screening->verdict, Verdict::kRedacted);
  const auto output = nlohmann::json::parse(screening->text);
  const auto inner =
      nlohmann::json::parse(output["messages"][0]["tool_calls"][0]["function"]["arguments"].get<std::string>());
  EXPECT_EQ(inner["to"], "[REDACTED:email]");
  EXPECT_EQ(inner["note"], "card [REDACTED:credit-card-visa]");
  EXPECT_EQ(output["messages"][0]["tool_calls"][0]["id"], "c1");
  EXPECT_EQ(output["model"], input["model"]);
}

TEST(Filter, UnchangedRequestsAreByteIdentical) {
  const std::string request =
      "{ \"model\" : \"codestral-latest\",\n  \"temperature\": 0.70, \"prompt\": \"def f(x):\\n    return x\","
      " \"suffix\": \"\\u00e9\" }\n";
  auto screening = default_filter().screen_request(request);
  ASSERT_TRUE(screening);
  EXPECT_EQ(screening->verdict, Verdict::kAllowed);
  EXPECT_EQ(screening->text, request);
}

TEST(Filter, RequestLimitsBlockWithTheirReason) {
  const Filter prod = make_filter(R"(
[filter.env.prod]
models = ["mistral-small-latest"]
max_tokens = 100
max_messages = 2
max_text_bytes = 50
)",
                                  "prod");
  const nlohmann::json request = {{"model", "mistral-large-latest"},
                                  {"max_tokens", 4096},
                                  {"messages",
                                   {{{"role", "user"}, {"content", "hi"}},
                                    {{"role", "assistant"}, {"content", "hello"}},
                                    {{"role", "user"}, {"content", std::string(60, 'x')}}}}};
  auto screening = prod.screen_request(request.dump());
  ASSERT_TRUE(screening);
  EXPECT_EQ(screening->verdict, Verdict::kBlocked);
  std::vector<std::string> limits;
  for (const auto& v : screening->violations) limits.push_back(v.limit + " " + v.pointer);
  std::sort(limits.begin(), limits.end());
  EXPECT_EQ(limits, (std::vector<std::string>{"max_messages /messages", "max_text_bytes /messages/2/content",
                                              "max_tokens /max_tokens", "model /model"}));
}

// Issue #8: keyward never leaks what it finds, not even in the reason it gives for a block.
TEST(Filter, AViolationMessageNeverQuotesAValueThatHoldsAFinding) {
  const Filter prod = make_filter("[filter.env.prod]\nmodels = [\"mistral-small-latest\"]\n", "prod");
  const std::string key = mistral_key(40);
  auto screening = prod.screen_request(nlohmann::json{{"model", key}, {"messages", nlohmann::json::array()}}.dump());
  ASSERT_TRUE(screening);
  EXPECT_EQ(screening->verdict, Verdict::kBlocked);
  ASSERT_EQ(screening->violations.size(), 1u);
  EXPECT_EQ(screening->violations[0].message, "model (withheld: it holds a finding) is not allowed");
  screening = prod.screen_request(nlohmann::json{{"model", "gpt-4o"}}.dump());
  ASSERT_TRUE(screening);
  ASSERT_EQ(screening->violations.size(), 1u);
  EXPECT_EQ(screening->violations[0].message, "model 'gpt-4o' is not allowed");
}

// A workspace remembers the last clean model name; a name with a key in it is found on every request, and a
// huge request's buffers are let go without changing the next result.
TEST(Filter, AModelNameIsScreenedOnEveryRequestThoughCleanOnesAreRemembered) {
  const Filter& filter = default_filter();
  const std::string key = mistral_key(41);
  const std::string huge(3 << 20, 'a');
  for (const auto& model : {std::string("mistral-small-latest"), key, std::string("mistral-small-latest"), key,
                            std::string("codestral-latest")}) {
    for (const auto& content : {std::string("hello"), huge}) {
      auto screening = filter.screen_request(
          nlohmann::json{{"model", model}, {"messages", {{{"role", "user"}, {"content", content}}}}}.dump());
      ASSERT_TRUE(screening);
      const bool keyed = model.find(key) != std::string::npos;
      EXPECT_EQ(screening->verdict, keyed ? Verdict::kBlocked : Verdict::kAllowed) << model;
      EXPECT_EQ(screening->findings.size(), keyed ? 1u : 0u) << model;
      if (keyed) {
        EXPECT_EQ(screening->findings[0].pointer, "/model");
      }
    }
  }
}

// The audit record's time is written digit by digit: UTC, milliseconds, and now.
TEST(Filter, TheAuditTimeIsUtcWithMillisecondsAndNow) {
  const auto before = std::chrono::system_clock::now() - std::chrono::seconds(1);
  auto screening = default_filter().screen("hello");
  ASSERT_TRUE(screening);
  const std::string& time = screening->audit.time;
  ASSERT_TRUE(std::regex_match(time, std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)"))) << time;
  std::tm utc{};
  utc.tm_year = std::stoi(time.substr(0, 4)) - 1900;
  utc.tm_mon = std::stoi(time.substr(5, 2)) - 1;
  utc.tm_mday = std::stoi(time.substr(8, 2));
  utc.tm_hour = std::stoi(time.substr(11, 2));
  utc.tm_min = std::stoi(time.substr(14, 2));
  utc.tm_sec = std::stoi(time.substr(17, 2));
  const auto written = std::chrono::system_clock::from_time_t(timegm(&utc));
  EXPECT_GE(written, before - std::chrono::seconds(1)) << time;
  EXPECT_LE(written, std::chrono::system_clock::now()) << time;
}

TEST(Filter, BadInputIsAnErrorNotAVerdict) {
  EXPECT_FALSE(default_filter().screen_request("{\"messages\": ["));
  EXPECT_FALSE(default_filter().screen("caf\xc3"));
  EXPECT_FALSE(default_filter().screen_request("{\"a\":\"\xff\"}"));
  const Filter small = make_filter("[filter]\nmax_input_bytes = 10\n");
  auto large = small.screen("0123456789a");
  ASSERT_FALSE(large);
  EXPECT_NE(large.error().message.find("over the limit"), std::string::npos);
}

TEST(Filter, APolicyNamingAnUnknownRuleIsAnError) {
  auto rules = load_filter_rules(std::nullopt);
  ASSERT_TRUE(rules);
  auto policy = parse_policy("[filter.rules]\nno-such-rule = \"allow\"\n", "<test>");
  ASSERT_TRUE(policy);
  EXPECT_FALSE(Filter::create(std::move(*rules), std::move(*policy)));
}

// Filter::load (what `keyward filter`, `keyward proxy` and the C ABI build): an extra rule file's rules join the
// built-in ones, the policy acts on them, and a policy naming a rule that no file brings is an error.
TEST(Filter, LoadJoinsExtraRulesAndChecksThePolicyAgainstThem) {
  const keyward::testing::TempDir dir;
  const std::string extra = dir.write("extra.toml", R"toml([[rules]]
id = "acme-ticket"
description = "an ACME ticket token"
regex = '''acme_ticket=([a-z]{12})'''
)toml");
  auto policy = parse_policy("[filter.rules]\nacme-ticket = \"mask\"\n", "<test>");
  ASSERT_TRUE(policy) << policy.error().message;
  auto filter = Filter::load(std::nullopt, {extra}, *policy);
  ASSERT_TRUE(filter) << filter.error().message;
  auto screening = filter->screen("ticket acme_ticket=qzvkrtmwpxle here");
  ASSERT_TRUE(screening) << screening.error().message;
  ASSERT_EQ(screening->findings.size(), 1u);
  EXPECT_EQ(screening->findings[0].rule_id, "acme-ticket");
  EXPECT_EQ(screening->findings[0].action, Action::kMask);
  EXPECT_EQ(screening->text, "ticket acme_ticket=********pxle here");

  auto without = Filter::load(std::nullopt, {}, *policy);
  ASSERT_FALSE(without);
  EXPECT_NE(without.error().message.find("acme-ticket"), std::string::npos) << without.error().message;
  EXPECT_FALSE(Filter::load(std::nullopt, {dir / "missing.toml"}, Policy{}));
}

// Issue #6: UUIDs, hashes, dates, timestamps and order numbers are not personal data.
TEST(Filter, PromptsFullOfIdentifiersHaveNoFinding) {
  const std::vector<std::string> corpus = {
      "job 9c1185a5-c5e9-4b3a-9a1d-2d9f4c7e8a10 failed, retry 650e8400-e29b-41d4-a716-446655440000",
      "ids: 123e4567-e89b-12d3-a456-426614174000, 6ba7b810-9dad-11d1-80b4-00c04fd430c8",
      "sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 md5 d41d8cd98f00b204e9800998ecf8427e",
      "commit 4111111111111111111111111111111111111111 and 5555555555554444aaaaaaaaaaaaaaaaaaaaaaaa",
      "created 2024-05-17T10:14:07.123456Z, updated 2024-05-17 10:14:07+02:00, epoch 1715940847 ms 1715940847123",
      "dates 17/05/2024 05/17/2024 2024.05.17 20240517 and ns 1715940847123456789",
      "order ORD-2024-0517-4111111111111111 shipped, invoice INV-4242424242424242, ticket #5555555555554444",
      "orders 4111111111111111-2 and 4111111111111111_b and v4111111111111111 and 4111111111111111x",
      "tracking 1Z999AA10123456784, order 112-7654321-1234567, sku 5901234123457",
      "trace 4bf92f3577b34da6a3ce929d0e0e4736 span 00f067aa0ba902b7 request_id=6213379402718853",
      "ORD-415-555-2671 and build 415.555.2671.3 and id-212-555-0199",
      "version 2.3.14 released 2024-05-17, see ticket 4242-4242-4242-4242-42",
  };
  for (const auto& prompt : corpus) {
    auto screening = default_filter().screen(prompt);
    ASSERT_TRUE(screening);
    for (const auto& f : screening->findings) {
      ADD_FAILURE() << f.rule_id << " in: " << prompt << " -> " << prompt.substr(f.start, f.end - f.start);
    }
  }
}

TEST(Filter, ManyThreadsScreenAtOnceWithTheSameResults) {
  const Filter& filter = default_filter();
  std::vector<std::string> inputs;
  for (int i = 0; i < 16; ++i) {
    inputs.push_back(nlohmann::json{{"model", "mistral-small-latest"},
                                    {"messages",
                                     {{{"role", "user"},
                                       {"content", i % 3 == 0   ? mistral_key(static_cast<std::uint32_t>(i))
                                                   : i % 3 == 1 ? "mail dana.whitfield@northwind-traders.net"
                                                                : "nothing to see"}}}}}
                         .dump());
  }
  std::vector<std::string> expected;
  for (const auto& input : inputs) expected.push_back(filter.screen_request(input)->text);
  std::vector<int> mismatches(8, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 200; ++round) {
        const std::size_t i = static_cast<std::size_t>((round + t) % 16);
        auto screening = filter.screen_request(inputs[i]);
        if (!screening || screening->text != expected[i]) ++mismatches[static_cast<std::size_t>(t)];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(mismatches, std::vector<int>(8, 0));
}

// Issue 19: the caller's own API key (from its Authorization header) blocks wherever it is, whatever the policy
// says, and is found decoded (a \u escape) and inside a string holding JSON; the message never holds it.
TEST(Filter, TheCallersOwnKeyBlocksWhateverThePolicySays) {
  const Filter allow_all = make_filter("[filter]\nsecret = \"allow\"\npersonal-data = \"allow\"\n");
  const std::string key = fake_token(19);
  const std::string escaped = "\\u00" + fmt::format("{:02x}", key[0]) + key.substr(1);
  const std::string request = R"({"model": "mistral-small-latest", "messages": [{"role": "user", "content": "k )" +
                              escaped + R"("}, {"role": "tool", "content": "{\"token\": \")" + key + R"(\"}"}]})";
  auto screening = allow_all.screen_request(request, key);
  ASSERT_TRUE(screening) << screening.error().message;
  EXPECT_EQ(screening->verdict, Verdict::kBlocked);
  EXPECT_TRUE(screening->text.empty());
  ASSERT_EQ(screening->violations.size(), 2u);
  EXPECT_EQ(screening->violations[0].limit, "key");
  EXPECT_EQ(screening->violations[0].pointer, "/messages/0/content");
  EXPECT_EQ(screening->violations[1].pointer, "/messages/1/content/token");
  EXPECT_EQ(screening->violations[0].message.find(key), std::string::npos);
  EXPECT_EQ(screening->audit.violations, (std::vector<std::string>{"key", "key"}));

  // Without it, or with another key, the same request passes; plain text is checked too.
  EXPECT_EQ(allow_all.screen_request(request)->verdict, Verdict::kAllowed);
  EXPECT_EQ(allow_all.screen_request(request, fake_token(20))->verdict, Verdict::kAllowed);
  EXPECT_EQ(allow_all.screen("my key is " + key, key)->verdict, Verdict::kBlocked);
  EXPECT_EQ(allow_all.screen("my key is " + key)->verdict, Verdict::kAllowed);
}

}  // namespace
}  // namespace keyward::filter
