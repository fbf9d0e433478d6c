#include "scanner/proxy/gateway.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/fixtures.h"

namespace keyward::proxy {
namespace {

using keyward::testing::fake_token;

filter::Filter make_filter(const std::string& policy_toml = "") {
  auto rules = filter::load_filter_rules(std::nullopt);
  EXPECT_TRUE(rules) << rules.error().message;
  auto policy = filter::parse_policy(policy_toml, "<test>");
  EXPECT_TRUE(policy) << policy.error().message;
  auto made = filter::Filter::create(std::move(*rules), std::move(*policy));
  EXPECT_TRUE(made) << made.error().message;
  return std::move(*made);
}

const filter::Filter& default_filter() {
  static const filter::Filter made = make_filter();
  return made;
}

std::string chat(const std::string& content) {
  return nlohmann::json{{"model", "mistral-small-latest"}, {"messages", {{{"role", "user"}, {"content", content}}}}}
      .dump();
}

// Views only: `body` must outlive the request.
ClientRequest post(std::string_view body, std::string_view content_type = "application/json") {
  return ClientRequest{.method = "POST",
                       .target = "/v1/chat/completions",
                       .content_type = content_type,
                       .content_encoding = "",
                       .authorization = "",
                       .api_key = "",
                       .body = body};
}

Answer answer_of(const Decision& decision) {
  const auto* answer = std::get_if<Answer>(&decision.outcome);
  EXPECT_NE(answer, nullptr) << "forwarded: " << std::get<Forward>(decision.outcome).body;
  return answer == nullptr ? Answer{} : *answer;
}

TEST(Gateway, AKeyIsBlockedWithReasonsInTheApisErrorShapeAndNeverQuoted) {
  const std::string key = fake_token(1);
  const std::string body = chat("MISTRAL_API_KEY=" + key);
  const Decision decision = decide(default_filter(), post(body));
  const Answer answer = answer_of(decision);
  EXPECT_EQ(answer.status, 403);
  const auto error = nlohmann::json::parse(answer.body);
  EXPECT_EQ(error["object"], "error");
  EXPECT_EQ(error["type"], "keyward_blocked");
  EXPECT_EQ(error["code"], "blocked");
  EXPECT_EQ(error["message"], "keyward blocked this request: mistral-api-key at /messages/0/content");
  EXPECT_EQ(error["reasons"],
            nlohmann::json::parse(R"([{"rule": "mistral-api-key", "pointer": "/messages/0/content"}])"));
  EXPECT_EQ(answer.body.find(key.substr(0, 8)), std::string::npos);
  ASSERT_TRUE(decision.audit);
  EXPECT_EQ(decision.audit->verdict, filter::Verdict::kBlocked);
}

TEST(Gateway, AnEmailIsRedactedAndACleanBodyGoesOnByteForByte) {
  const Decision redacted = decide(default_filter(), post(chat("write to dana.whitfield@northwind-traders.net")));
  ASSERT_TRUE(std::holds_alternative<Forward>(redacted.outcome));
  EXPECT_EQ(std::get<Forward>(redacted.outcome).body, chat("write to [REDACTED:email]"));
  EXPECT_EQ(redacted.audit->verdict, filter::Verdict::kRedacted);

  const std::string clean =
      "{\n  \"model\" : \"mistral-small-latest\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  const Decision allowed = decide(default_filter(), post(clean, "application/json; charset=utf-8"));
  ASSERT_TRUE(std::holds_alternative<Forward>(allowed.outcome));
  EXPECT_EQ(std::get<Forward>(allowed.outcome).body, clean);
  EXPECT_EQ(allowed.audit->verdict, filter::Verdict::kAllowed);
  EXPECT_EQ(allowed.audit->model, "mistral-small-latest");
}

TEST(Gateway, WhatCannotBeScreenedIsRefusedNeverForwarded) {
  EXPECT_EQ(answer_of(decide(default_filter(), post("{\"messages\": ["))).status, 400);
  EXPECT_EQ(nlohmann::json::parse(answer_of(decide(default_filter(), post("{\"messages\": ["))).body)["code"],
            "invalid_json");
  EXPECT_EQ(answer_of(decide(default_filter(), post("{\"a\": \"\xff\"}"))).status, 400);
  const std::string hi = chat("hi");
  ClientRequest gzipped = post(hi);
  gzipped.content_encoding = "gzip";
  EXPECT_EQ(answer_of(decide(default_filter(), gzipped)).status, 415);
  EXPECT_EQ(answer_of(decide(default_filter(), post("\x89PNG\r\n\x1a\n\xff\xfe", "image/png"))).status, 415);
  EXPECT_EQ(
      answer_of(decide(make_filter("[filter]\nmax_input_bytes = 64\n"), post(chat(std::string(100, 'a'))))).status,
      413);
}

TEST(Gateway, TextBodiesAreScreenedAndOnlyACleanOneGoesOn) {
  const std::string text = "just a question about the weather";
  const Decision clean = decide(default_filter(), post(text, "text/plain"));
  ASSERT_TRUE(std::holds_alternative<Forward>(clean.outcome));
  EXPECT_EQ(std::get<Forward>(clean.outcome).body, text);
  // The proxy rewrites JSON only: text with something to redact is not sent at all.
  const Decision email = decide(default_filter(), post("mail dana.whitfield@northwind-traders.net", "text/plain"));
  EXPECT_EQ(answer_of(email).status, 403);
  EXPECT_EQ(email.audit->verdict, filter::Verdict::kBlocked);
}

TEST(Gateway, OnlyPathsAreProxiedAndBodilessRequestsGoOnUnscreened) {
  const std::string hi = chat("hi");
  ClientRequest absolute = post(hi);
  absolute.target = "http://evil.example/v1/chat/completions";
  EXPECT_EQ(answer_of(decide(default_filter(), absolute)).status, 400);
  ClientRequest connect = post("");
  connect.method = "CONNECT";
  EXPECT_EQ(answer_of(decide(default_filter(), connect)).status, 405);
  ClientRequest models = post("");
  models.method = "GET";
  models.target = "/v1/models";
  const Decision listed = decide(default_filter(), models);
  ASSERT_TRUE(std::holds_alternative<Forward>(listed.outcome));
  EXPECT_FALSE(listed.audit);
}

TEST(Gateway, TheCallersOwnKeyIsBlockedEvenWhenThePolicyAllowsSecrets) {
  const filter::Filter allow_all = make_filter("[filter]\nsecret = \"allow\"\n");
  const std::string key = fake_token(2);
  const std::string body = chat("debug this: curl -H 'x: " + key + "'");
  ClientRequest request = post(body);
  EXPECT_TRUE(std::holds_alternative<Forward>(decide(allow_all, request).outcome));
  const std::string bearer = "Bearer " + key;
  request.authorization = bearer;
  const Answer answer = answer_of(decide(allow_all, request));
  EXPECT_EQ(answer.status, 403);
  EXPECT_EQ(nlohmann::json::parse(answer.body)["reasons"][0]["limit"], "key");
  request.authorization = "";
  request.api_key = key;
  EXPECT_EQ(answer_of(decide(allow_all, request)).status, 403);
}

TEST(Gateway, CallerKeysComeFromAuthorizationOrXApiKeyAndShortOnesAreIgnored) {
  const std::string key = fake_token(3);
  EXPECT_EQ(caller_key("Bearer " + key, ""), key);
  EXPECT_EQ(caller_key("bearer  " + key + " ", ""), key);
  EXPECT_EQ(caller_key(key, ""), key);
  EXPECT_EQ(caller_key("", key), key);
  EXPECT_EQ(caller_key("Bearer short", ""), "");
  EXPECT_EQ(caller_key("", ""), "");
}

TEST(Gateway, ConnectionHeadersAreNeverForwarded) {
  for (const char* name : {"Connection", "keep-alive", "Transfer-Encoding", "TE", "Upgrade", "Proxy-Authorization",
                           "Host", "Content-Length", "Expect"}) {
    EXPECT_TRUE(is_connection_header(name, "")) << name;
  }
  EXPECT_TRUE(is_connection_header("X-Hop", "keep-alive, x-hop"));
  for (const char* name : {"Authorization", "Content-Type", "Accept", "User-Agent", "X-Request-Id"}) {
    EXPECT_FALSE(is_connection_header(name, "keep-alive")) << name;
  }
}

}  // namespace
}  // namespace keyward::proxy
