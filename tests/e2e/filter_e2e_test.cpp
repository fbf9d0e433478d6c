// `keyward filter`, the real binary, on request files written at test time: chat (string and chunk contents),
// tool calls (string and object arguments), FIM, embeddings; request policy per environment; the audit log.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/e2e/fixtures.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace keyward::testing {
namespace {

using ordered_json = nlohmann::ordered_json;

const char* const kPolicy = R"(# the content filter's policy, as a project would keep it
[filter]
secret = "block"
personal-data = "redact"
default_env = "dev"

[filter.rules]
pii-credit-card-mastercard = "mask"

[filter.env.dev]
models = ["*"]

[filter.env.prod]
models = ["mistral-small-latest", "codestral-latest"]
max_tokens = 1024
max_messages = 8
max_text_bytes = 4096
)";

const std::string kEmail = "dana.whitfield@northwind-traders.net";
const std::string kCard = "5555 5555 5555 4444";

// Runs `keyward filter` on a request file in `dir` (the file's bytes on stdin, as a gateway would pipe them).
ProcessResult filter(const TempDir& dir, const std::string& file, std::vector<std::string> args = {}) {
  args.insert(args.begin(), "filter");
  return run_keyward(args, {.cwd = dir.path(), .stdin_bytes = read_file(dir / file)});
}

// Same keys in the same order everywhere; equal values except at `changed` pointers, which must differ.
void expect_same_except(const ordered_json& in, const ordered_json& out, const std::set<std::string>& changed,
                        const std::string& pointer = "") {
  if (changed.contains(pointer)) {
    EXPECT_NE(in, out) << pointer << " should have been rewritten";
    return;
  }
  if (in.is_number() && out.is_number()) {
    EXPECT_EQ(in, out) << pointer;
    return;
  }
  ASSERT_EQ(in.type(), out.type()) << pointer;
  if (in.is_object()) {
    std::vector<std::string> in_keys, out_keys;
    for (const auto& [k, v] : in.items()) in_keys.push_back(k);
    for (const auto& [k, v] : out.items()) out_keys.push_back(k);
    ASSERT_EQ(in_keys, out_keys) << pointer;
    for (const auto& key : in_keys) expect_same_except(in[key], out[key], changed, pointer + "/" + key);
  } else if (in.is_array()) {
    ASSERT_EQ(in.size(), out.size()) << pointer;
    for (std::size_t i = 0; i < in.size(); ++i) {
      expect_same_except(in[i], out[i], changed, pointer + "/" + std::to_string(i));
    }
  } else {
    EXPECT_EQ(in, out) << pointer;
  }
}

TEST(FilterE2E, ChatWithStringAndChunkContentsIsRedactedFieldByField) {
  TempDir dir;
  dir.write(".keyward.toml", kPolicy);
  const ordered_json request = {
      {"model", "mistral-small-latest"},
      {"temperature", 0.3},
      {"messages",
       {{{"role", "system"}, {"content", "You are a support agent."}},
        {{"role", "user"}, {"content", "My e-mail is " + kEmail + ", order 9c1185a5-c5e9-4b3a-9a1d-2d9f4c7e8a10."}},
        {{"role", "user"},
         {"content",
          {{{"type", "text"}, {"text", "Card " + kCard + " was charged twice."}},
           {{"type", "image_url"}, {"image_url", "data:image/png;base64,iVBORw0KGgoAAAANSUhEUg=="}}}}},
        {{"role", "assistant"}, {"content", ""}, {"prefix", true}}}},
      {"prediction", {{"type", "content"}, {"content", "Dear customer"}}},
      {"stop", {"\n\n", "END"}}};
  dir.write("chat.json", request.dump(2));
  const auto run = filter(dir, "chat.json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto output = ordered_json::parse(run.out);
  expect_same_except(request, output, {"/messages/1/content", "/messages/2/content/0/text"});
  EXPECT_EQ(output["messages"][1]["content"],
            "My e-mail is [REDACTED:email], order 9c1185a5-c5e9-4b3a-9a1d-2d9f4c7e8a10.");
  EXPECT_EQ(output["messages"][2]["content"][0]["text"], "Card **** **** **** 4444 was charged twice.");
}

TEST(FilterE2E, ToolCallsWithStringAndObjectArgumentsAreScreenedInside) {
  TempDir dir;
  dir.write(".keyward.toml", kPolicy);
  const std::string string_arguments = ordered_json{{"to", kEmail}, {"subject", "refund"}}.dump();
  const ordered_json request = {
      {"model", "mistral-small-latest"},
      {"tools",
       {{{"type", "function"},
         {"function",
          {{"name", "send_mail"},
           {"description", "Send an e-mail to a customer"},
           {"parameters", {{"type", "object"}, {"properties", {{"to", {{"type", "string"}}}}}}}}}}}},
      {"messages",
       {{{"role", "user"}, {"content", "Refund the customer."}},
        {{"role", "assistant"},
         {"content", ""},
         {"tool_calls",
          {{{"id", "call_1"}, {"function", {{"name", "send_mail"}, {"arguments", string_arguments}}}},
           {{"id", "call_2"},
            {"function", {{"name", "charge"}, {"arguments", {{"card", kCard}, {"amount", 42.5}}}}}}}}},
        {{"role", "tool"}, {"tool_call_id", "call_1"}, {"name", "send_mail"}, {"content", "sent"}}}}};
  dir.write("tools.json", request.dump());
  const auto run = filter(dir, "tools.json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto output = ordered_json::parse(run.out);
  expect_same_except(
      request, output,
      {"/messages/1/tool_calls/0/function/arguments", "/messages/1/tool_calls/1/function/arguments/card"});
  const auto arguments =
      ordered_json::parse(output["messages"][1]["tool_calls"][0]["function"]["arguments"].get<std::string>());
  expect_same_except(ordered_json::parse(string_arguments), arguments, {"/to"});
  EXPECT_EQ(arguments["to"], "[REDACTED:email]");
  EXPECT_EQ(output["messages"][1]["tool_calls"][1]["function"]["arguments"]["card"], "**** **** **** 4444");
}

TEST(FilterE2E, FimAndEmbeddingsWithAList) {
  TempDir dir;
  dir.write(".keyward.toml", kPolicy);
  const ordered_json fim = {{"model", "codestral-latest"},
                            {"prompt", "# maintainer: " + kEmail + "\ndef add(a, b):\n"},
                            {"suffix", "    return a + b\n"},
                            {"max_tokens", 64}};
  dir.write("fim.json", fim.dump());
  const auto fim_run = filter(dir, "fim.json");
  ASSERT_EQ(fim_run.exit_code, 0) << fim_run.err;
  expect_same_except(fim, ordered_json::parse(fim_run.out), {"/prompt"});
  EXPECT_EQ(ordered_json::parse(fim_run.out)["prompt"], "# maintainer: [REDACTED:email]\ndef add(a, b):\n");

  const ordered_json embeddings = {
      {"model", "mistral-embed"},
      {"input", {"refund for " + kEmail, "order 112-7654321-1234567 late", "sha 5d41402abc4b2a76b9719d911017c592"}}};
  dir.write("embeddings.json", embeddings.dump());
  const auto run = filter(dir, "embeddings.json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  expect_same_except(embeddings, ordered_json::parse(run.out), {"/input/0"});
}

TEST(FilterE2E, ASecretBlocksWithAReasonThatNamesRuleAndPointerButNotTheSecret) {
  TempDir dir;
  const std::string key = fake_token(61);
  const ordered_json request = {
      {"model", "mistral-small-latest"},
      {"messages", {{{"role", "user"}, {"content", "why does this fail?\nMISTRAL_API_KEY=" + key + "\n"}}}}};
  dir.write("leak.json", request.dump());
  const auto run = filter(dir, "leak.json");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err.find(key), std::string::npos);
  const auto reason = nlohmann::json::parse(run.err);
  EXPECT_EQ(reason["verdict"], "blocked");
  EXPECT_EQ(reason["reasons"][0]["rule"], "mistral-api-key");
  EXPECT_EQ(reason["reasons"][0]["pointer"], "/messages/0/content");
}

TEST(FilterE2E, RequestPolicyPerEnvironment) {
  TempDir dir;
  dir.write(".keyward.toml", kPolicy);
  const ordered_json request = {{"model", "mistral-large-latest"},
                                {"max_tokens", 4096},
                                {"messages", {{{"role", "user"}, {"content", "Summarise our Q3 roadmap."}}}}};
  dir.write("large.json", request.dump());
  const auto dev = filter(dir, "large.json");
  EXPECT_EQ(dev.exit_code, 0) << dev.err;
  EXPECT_EQ(ordered_json::parse(dev.out), request);

  const auto prod = filter(dir, "large.json", {"--env", "prod"});
  EXPECT_EQ(prod.exit_code, 1);
  EXPECT_EQ(prod.out, "");
  const auto reason = nlohmann::json::parse(prod.err);
  std::set<std::string> limits;
  for (const auto& r : reason["reasons"])
    limits.insert(r["limit"].get<std::string>() + " " + r["pointer"].get<std::string>());
  EXPECT_EQ(limits, (std::set<std::string>{"model /model", "max_tokens /max_tokens"}));

  const auto unknown = filter(dir, "large.json", {"--env", "staging"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("staging"), std::string::npos);
}

TEST(FilterE2E, AuditLogRecordsEveryRequestWithoutTextOrSecrets) {
  TempDir dir;
  dir.write("policy.toml", kPolicy);
  const std::string key = fake_token(62);
  dir.write("leak.json", ordered_json{{"model", "mistral-small-latest"},
                                      {"messages", {{{"role", "user"}, {"content", "MISTRAL_API_KEY=" + key}}}}}
                             .dump());
  dir.write("mail.json", ordered_json{{"model", "codestral-latest"},
                                      {"messages", {{{"role", "user"}, {"content", "write to " + kEmail}}}}}
                             .dump());
  const std::vector<std::string> args = {"--policy", dir / "policy.toml", "--env",
                                         "prod",     "--audit-log",       dir / "audit.jsonl"};
  EXPECT_EQ(filter(dir, "leak.json", args).exit_code, 1);
  EXPECT_EQ(filter(dir, "mail.json", args).exit_code, 0);
  const std::string log = read_file(dir / "audit.jsonl");
  EXPECT_EQ(log.find(key), std::string::npos);
  EXPECT_EQ(log.find("dana.whitfield"), std::string::npos);
  EXPECT_EQ(log.find("write to"), std::string::npos);
  const auto first = nlohmann::json::parse(log.substr(0, log.find('\n')));
  const auto second = nlohmann::json::parse(log.substr(log.find('\n') + 1));
  EXPECT_EQ(first["verdict"], "blocked");
  EXPECT_EQ(first["env"], "prod");
  EXPECT_EQ(first["model"], "mistral-small-latest");
  EXPECT_EQ(first["rules"], nlohmann::json::array({"mistral-api-key"}));
  EXPECT_EQ(first["pointers"], nlohmann::json::array({"/messages/0/content"}));
  EXPECT_EQ(first["counts"]["blocked"], 1);
  EXPECT_EQ(first["bytes_out"], 0);
  EXPECT_EQ(second["verdict"], "redacted");
  EXPECT_EQ(second["rules"], nlohmann::json::array({"pii-email"}));
  EXPECT_EQ(second["counts"]["redacted"], 1);
  EXPECT_GT(second["bytes_in"].get<int>(), 0);
  EXPECT_FALSE(first["time"].get<std::string>().empty());
}

TEST(FilterE2E, PlainTextIsDetectedOrChosen) {
  TempDir dir;
  dir.write("prompt.txt", "Please email " + kEmail + " the invoice.\n");
  const auto run = filter(dir, "prompt.txt");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "Please email [REDACTED:email] the invoice.\n");
  dir.write("braces.txt", "{not json} but text with " + kEmail);
  const auto text = filter(dir, "braces.txt", {"--input", "text"});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out, "{not json} but text with [REDACTED:email]");
}

TEST(FilterE2E, BadInputExitsTwoWithOneClearLine) {
  TempDir dir;
  dir.write("policy.toml", "[filter]\nmax_input_bytes = 64\n");
  dir.write("broken.json", "{\"model\": \"mistral-small-latest\", \"messages\": [");
  dir.write("latin1.txt", "caf\xe9 au lait");
  dir.write("large.json", "{\"input\": \"" + std::string(100, 'a') + "\"}");
  for (const auto& [file, expected] : std::vector<std::pair<std::string, std::string>>{
           {"broken.json", "invalid JSON"}, {"latin1.txt", "not valid UTF-8"}, {"large.json", "over the limit"}}) {
    const auto run = filter(dir, file, {"--policy", dir / "policy.toml"});
    EXPECT_EQ(run.exit_code, 2) << file;
    EXPECT_EQ(run.out, "") << file;
    EXPECT_NE(run.err.find(expected), std::string::npos) << run.err;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  }
}

// Issue 17: a French team's filter redacts French national numbers once the policy names the region; without
// it the same numbers (no +33) are left alone, as before.
TEST(FilterE2E, NationalPhoneNumbersAreRedactedInThePolicysDefaultRegions) {
  TempDir dir;
  const ordered_json request = {
      {"model", "mistral-small-latest"},
      {"messages",
       {{{"role", "user"}, {"content", "Rappelez le client au 06 52 69 32 61 ou au 07 34 87 65 11 demain."}}}}};
  dir.write("chat.json", request.dump());

  const auto without = filter(dir, "chat.json");
  ASSERT_EQ(without.exit_code, 0) << without.err;
  EXPECT_EQ(ordered_json::parse(without.out), request);

  dir.write(".keyward.toml", "[filter]\ndefault_regions = [\"FR\"]\n");
  const auto french = filter(dir, "chat.json");
  ASSERT_EQ(french.exit_code, 0) << french.err;
  const auto output = ordered_json::parse(french.out);
  expect_same_except(request, output, {"/messages/0/content"});
  EXPECT_EQ(output["messages"][0]["content"],
            "Rappelez le client au [REDACTED:phone-number] ou au [REDACTED:phone-number] demain.");

  dir.write(".keyward.toml", "[filter]\ndefault_regions = [\"FR\", \"ZZZ\"]\n");
  const auto bad = filter(dir, "chat.json");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("default_regions"), std::string::npos) << bad.err;
  EXPECT_EQ(bad.out, "");
}

}  // namespace
}  // namespace keyward::testing
