// Issue 17: keys as people paste them into chats, tickets and READMEs. Each sentence of the issue, with fresh
// random keys made at test time (the seed is printed on failure), is found by `keyward scan` and blocks
// `keyward filter`, as text and as a chat request; the same sentences with a hash, a UUID, a model name or a
// request id in place of the key raise nothing and pass through the filter unchanged. The real binary throughout.
#include <gtest/gtest.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace keyward::testing {
namespace {

using ordered_json = nlohmann::ordered_json;

struct Shape {
  std::string sentence;  // "{}" is where the key goes
  std::string rule_id;   // the rule that must report the key
};

// The five requests, in the order it lists them.
const std::vector<Shape> kShapes = {
    {"My Mistral key {} returns 401 since this morning, why?", "mistral-api-key"},
    {"here is my mistral api key: {} can you check the quota", "mistral-api-key"},
    {"Our La Plateforme key is {} (workspace prod), please rotate it", "mistral-api-key"},
    {"I pasted my api key {} into the playground, is that safe?", "generic-key-in-prose"},
    {"- Mistral: `{}` (shared key for the team, do not commit)", "mistral-api-key"},
};

std::string with(const std::string& sentence, const std::string& token) {
  const auto at = sentence.find("{}");
  return sentence.substr(0, at) + token + sentence.substr(at + 2);
}

// Mistral-shaped keys: 32 of [A-Za-z0-9] with an upper-case letter, a lower-case letter and a digit.
class Keys {
 public:
  Keys() : seed_(std::random_device{}()), random_(seed_) {}
  std::uint32_t seed() const { return seed_; }
  std::string next() {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::uniform_int_distribution<int> pick(0, 61);
    for (;;) {
      std::string key(32, ' ');
      for (auto& c : key) c = kAlphabet[pick(random_)];
      const auto has = [&](char low, char high) { return key.find_first_of(range(low, high)) != std::string::npos; };
      if (has('A', 'Z') && has('a', 'z') && has('0', '9')) return key;
    }
  }

 private:
  static std::string range(char low, char high) {
    std::string out;
    for (char c = low; c <= high; ++c) out += c;
    return out;
  }
  std::uint32_t seed_;
  std::mt19937 random_;
};

ProcessOptions in_dir(const TempDir& dir, std::string stdin_bytes = "") {
  ProcessOptions options;
  options.cwd = dir.path();
  options.stdin_bytes = std::move(stdin_bytes);
  return options;
}

std::string chat_request(const std::string& content) {
  return ordered_json{{"model", "mistral-small-latest"}, {"messages", {{{"role", "user"}, {"content", content}}}}}
      .dump();
}

// A Markdown file, a ticket and a ticket as JSON holding the sentence; every finding of the scan.
nlohmann::json scan_files(const TempDir& dir, const std::string& text) {
  dir.write("README.md", "# Team notes\n\n" + text + "\n");
  dir.write("ticket-4821.txt", "Subject: API access\n\n" + text + "\n");
  dir.write("ticket.json", ordered_json{{"ticket", 4821}, {"body", text}}.dump() + "\n");
  const auto run = run_keyward({"scan", "--no-redact", "--format", "json", "."}, in_dir(dir));
  EXPECT_NE(run.exit_code, 2) << run.err;
  return nlohmann::json::parse(run.out)["findings"];
}

TEST(ProseE2E, EachShapeWithAFreshKeyIsFoundAndBlocked) {
  Keys keys;
  SCOPED_TRACE("random seed " + std::to_string(keys.seed()));
  for (const auto& shape : kShapes) {
    for (int round = 0; round < 3; ++round) {
      const std::string key = keys.next();
      const std::string text = with(shape.sentence, key);
      SCOPED_TRACE(text);
      TempDir dir;
      const auto findings = scan_files(dir, text);
      ASSERT_EQ(findings.size(), 3u) << findings.dump(2);  // once in each file
      for (const auto& finding : findings) {
        EXPECT_EQ(finding["rule_id"], shape.rule_id);
        EXPECT_EQ(finding["secret"], key);
      }

      const auto as_text = run_keyward({"filter", "--input", "text"}, in_dir(dir, text));
      EXPECT_EQ(as_text.exit_code, 1) << as_text.out;
      EXPECT_EQ(as_text.out, "");
      const auto as_request = run_keyward({"filter"}, in_dir(dir, chat_request(text)));
      ASSERT_EQ(as_request.exit_code, 1) << as_request.out;
      EXPECT_EQ(as_request.err.find(key), std::string::npos) << "the reason must not repeat the key";
      const auto reason = nlohmann::json::parse(as_request.err);
      EXPECT_EQ(reason["reasons"][0]["rule"], shape.rule_id);
      EXPECT_EQ(reason["reasons"][0]["pointer"], "/messages/0/content");
    }
  }
}

TEST(ProseE2E, HashesUuidsModelNamesAndRequestIdsInTheSameSentencesRaiseNothing) {
  const std::vector<std::string> not_keys = {
      "5f1c7a9e0b2d4c3e8f6a1b2c3d4e5f60",      // an MD5 or a Mistral request id, 32 hex
      "E3B0C44298FC1C149AFBF4C8996FB924",      // a hash in capitals
      "9c1185a5-c5e9-4b3a-9a1d-2d9f4c7e8a10",  // a UUID (a batch, a file, a correlation id)
      "mistral-large-latest",                  // model names
      "codestral-2405",
      "open-mixtral-8x22b",
      "ministral-8b-latest",
      "ft:open-mistral-7b:587a6b29:20240514:7e773925",
      "cmpl-e5cc70bb28c444948073e77776eb30ef",  // a chat completion id
      "req_7Hk2Lq9WzX4mRt8VbN3sYp6J",           // a request id with its kind
      "01HZX3V9K2M4N6P8Q0R2S4T6V8",             // a ULID
  };
  for (const auto& shape : kShapes) {
    for (const auto& not_key : not_keys) {
      const std::string text = with(shape.sentence, not_key);
      SCOPED_TRACE(text);
      TempDir dir;
      EXPECT_TRUE(scan_files(dir, text).empty());
      const auto as_text = run_keyward({"filter", "--input", "text"}, in_dir(dir, text));
      EXPECT_EQ(as_text.exit_code, 0) << as_text.err;
      EXPECT_EQ(as_text.out, text);
      const auto as_request = run_keyward({"filter"}, in_dir(dir, chat_request(text)));
      EXPECT_EQ(as_request.exit_code, 0) << as_request.err;
      EXPECT_EQ(ordered_json::parse(as_request.out), ordered_json::parse(chat_request(text)));
    }
  }
}

// A bare "api key", "token" or "password" before a high-entropy value: blocked by default, redacted when the
// policy says so.
TEST(ProseE2E, BareKeyWordsFollowedByAHighEntropyValueFollowThePolicy) {
  Keys keys;
  SCOPED_TRACE("random seed " + std::to_string(keys.seed()));
  const std::string token = keys.next();
  // A prose password needs a letter and a digit (the rule's own condition): ten random characters may have no
  // digit, so one is put in.
  const std::string password = keys.next().substr(0, 9) + "7#!";
  const std::string text = "the token is " + token + " and my password is " + password + " for the VPN";
  TempDir dir;
  const auto blocked = run_keyward({"filter", "--input", "text"}, in_dir(dir, text));
  EXPECT_EQ(blocked.exit_code, 1);
  const auto reasons = nlohmann::json::parse(blocked.err)["reasons"];
  ASSERT_EQ(reasons.size(), 2u) << reasons.dump();
  EXPECT_EQ(reasons[0]["rule"], "generic-key-in-prose");
  EXPECT_EQ(reasons[1]["rule"], "generic-password-in-prose");

  dir.write(".keyward.toml", "[filter]\nsecret = \"redact\"\n");
  const auto redacted = run_keyward({"filter", "--input", "text"}, in_dir(dir, text));
  EXPECT_EQ(redacted.exit_code, 0) << redacted.err;
  EXPECT_EQ(redacted.out,
            "the token is [REDACTED:generic-key-in-prose] and my password is [REDACTED:generic-password-in-prose] "
            "for the VPN");
}

}  // namespace
}  // namespace keyward::testing
