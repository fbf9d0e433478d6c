#include "scanner/engine/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace keyward::engine {
namespace {

Rule rule(std::string id, std::string regex) {
  return Rule{.id = std::move(id), .description = "test rule", .regex = std::move(regex)};
}

std::vector<Match> scan_text(const RuleSet& set, std::string_view text) {
  auto scratch = Scratch::create(set);
  EXPECT_TRUE(scratch.has_value());
  auto matches = scan(set, text, *scratch);
  EXPECT_TRUE(matches.has_value());
  return *matches;
}

RuleSet compile(std::vector<Rule> rules, std::vector<Allowlist> global = {}) {
  auto set = RuleSet::compile(std::move(rules), {.global_allowlists = std::move(global), .phone_check = nullptr});
  EXPECT_TRUE(set.has_value()) << (set ? "" : set.error().message);
  return std::move(*set);
}

TEST(Engine, FindsEveryOccurrenceWithTheSecretGroupSpan) {
  const auto set = compile({rule("tok", R"(\btok_([a-z0-9]{10})\b)")});
  const std::string text = "a = tok_abcdef1234\nb = tok_zyxwvu9876 and tok_short\n";
  const auto matches = scan_text(set, text);
  ASSERT_EQ(matches.size(), 2u);
  EXPECT_EQ(text.substr(matches[0].secret_start, matches[0].secret_end - matches[0].secret_start), "abcdef1234");
  EXPECT_EQ(text.substr(matches[1].secret_start, matches[1].secret_end - matches[1].secret_start), "zyxwvu9876");
  EXPECT_EQ(text.substr(matches[1].start, matches[1].end - matches[1].start), "tok_zyxwvu9876");
}

// Issue 17: a key before or after its context word, in one rule: without secret_group, the first group that
// matched holds the secret, as in gitleaks; with secret_group, only that group does.
TEST(Engine, WithoutSecretGroupTheFirstGroupThatMatchedIsTheSecret) {
  const auto set = compile({rule("either", R"(\bkey ([A-Za-z0-9]{10})\b|\b([A-Za-z0-9]{10}) is my key\b)")});
  const std::string text = "key Ab3dEf9hJk\nand Zy8xWv7uTs is my key\n";
  const auto matches = scan_text(set, text);
  ASSERT_EQ(matches.size(), 2u);
  EXPECT_EQ(text.substr(matches[0].secret_start, matches[0].secret_end - matches[0].secret_start), "Ab3dEf9hJk");
  EXPECT_EQ(text.substr(matches[1].secret_start, matches[1].secret_end - matches[1].secret_start), "Zy8xWv7uTs");

  Rule named = rule("named", R"(\bkey ([A-Za-z0-9]{10})\b|\b([A-Za-z0-9]{10}) is my key\b)");
  named.secret_group = 1;
  const auto only_first = scan_text(compile({named}), text);
  ASSERT_EQ(only_first.size(), 1u);
  EXPECT_EQ(text.substr(only_first[0].secret_start, 10), "Ab3dEf9hJk");
}

// Found with issue 17's long-line test: hits further apart than the pattern's longest match each opened a region,
// and a region near a line start begins at the line start, so the first matches of the line were confirmed once
// per region (276 extra findings for 2,000 on one line).
TEST(Engine, ShortMatchesCloseTogetherAtALineStartAreFoundOnce) {
  const auto set = compile({rule("tok", R"(tok_([a-z]{6}))")});
  std::string line;
  for (int i = 0; i < 100; ++i) line += "tok_ghijkl ";
  EXPECT_EQ(scan_text(set, "first line\n" + line + "\n").size(), 100u);
}

TEST(Engine, KeywordsMustLieWithinTheDistance) {
  Rule r = rule("ctx", R"(key=([A-Za-z0-9]{12}))");
  r.keywords = {"acme"};
  r.keyword_distance = 20;
  const auto set = compile({r});
  EXPECT_EQ(scan_text(set, "ACME key=Ab3dEf7hIj9k").size(), 1u);
  EXPECT_EQ(scan_text(set, "acme" + std::string(40, ' ') + "key=Ab3dEf7hIj9k").size(), 0u);
  EXPECT_EQ(scan_text(set, "key=Ab3dEf7hIj9k").size(), 0u);
  r.keyword_distance = 0;  // anywhere in the item
  const auto anywhere = compile({r});
  EXPECT_EQ(scan_text(anywhere, "acme" + std::string(10000, '\n') + "key=Ab3dEf7hIj9k").size(), 1u);
}

// Issue #8's linear-time bench found keyword_near walking every keyword hit for every match; now it looks only at
// hits that can reach the match. Each line's keyword qualifies its own match and no other.
TEST(Engine, ManyKeywordHitsQualifyOnlyTheMatchesNearThem) {
  Rule r = rule("ctx", R"(key=([A-Za-z0-9]{12}))");
  r.keywords = {"acme", "acme-corp-long-keyword"};
  r.keyword_distance = 10;
  const auto set = compile({r});
  std::string text;
  for (int i = 0; i < 2000; ++i) {
    text += i % 2 == 0 ? "acme key=Ab3dEf7hIj9k\n" : "     key=Zy8xWv6uTs5r" + std::string(30, '.') + "\n";
  }
  text += "acme-corp-long-keyword key=Qq1wEe2rTt3y\n";
  const auto matches = scan_text(set, text);
  ASSERT_EQ(matches.size(), 1001u);
  for (const auto& m : matches) EXPECT_NE(text.substr(m.secret_start, 12), "Zy8xWv6uTs5r");
}

TEST(Engine, EntropyFloorAndChecksDecide) {
  Rule r = rule("hexless", R"(val=([A-Za-z0-9]{16}))");
  r.min_entropy = 3.0;
  r.checks = {Check::kNotHex};
  const auto set = compile({r});
  EXPECT_EQ(scan_text(set, "val=aaaaaaaaaaaaaaaa").size(), 0u);  // entropy 0
  EXPECT_EQ(scan_text(set, "val=0123abcd4567ef89").size(), 0u);  // only hex digits
  EXPECT_EQ(scan_text(set, "val=Zq8LmN3pRt6vXy1W").size(), 1u);
}

TEST(Engine, GlobalAndRuleAllowlistsDropCandidates) {
  Rule r = rule("pw", R"(pw=(\S{8,}))");
  Allowlist own;
  own.stopwords = {"hunter"};
  r.allowlists = {own};
  Allowlist global;
  global.regexes = {R"(^\$\{)"};
  global.stopwords = {"changeme"};
  const auto set = compile({r}, {global});
  EXPECT_EQ(scan_text(set, "pw=${DB_PASSWORD}").size(), 0u);
  EXPECT_EQ(scan_text(set, "pw=ChangeMe123").size(), 0u);
  EXPECT_EQ(scan_text(set, "pw=hunter2hunter2").size(), 0u);
  EXPECT_EQ(scan_text(set, "pw=T9#kq2!Lz0").size(), 1u);
}

// gitleaks rules: without secretGroup, the secret is the first group that matched text (one of alternatives).
TEST(Engine, FirstMatchedGroupTakesTheAlternativeThatMatched) {
  Rule either = rule("either", R"(a=([0-9]{6})|b=([a-z]{6}))");
  const auto set = compile({either});
  const std::string text = "b=qwerty\na=123456";
  const auto matches = scan_text(set, text);
  ASSERT_EQ(matches.size(), 2u);
  EXPECT_EQ(text.substr(matches[0].secret_start, matches[0].secret_end - matches[0].secret_start), "qwerty");
  EXPECT_EQ(text.substr(matches[1].secret_start, matches[1].secret_end - matches[1].secret_start), "123456");
}

// gitleaks rules: the entropy must exceed the threshold however short the secret, where keyward's own floor is
// lowered for secrets too short to reach it.
TEST(Engine, StrictEntropyMustExceedTheThresholdAtAnyLength) {
  Rule scaled = rule("scaled", R"(s=(\w+))");
  scaled.min_entropy = 3.5;
  Rule strict = rule("strict", R"(t=(\w+))");
  strict.min_entropy = 3.5;
  strict.strict_entropy = true;
  const auto set = compile({scaled, strict});
  EXPECT_EQ(scan_text(set, "s=aB3dE6gH9j").size(), 1u);  // 10 distinct characters: 3.32 bits, over 90% of log2(10)
  EXPECT_EQ(scan_text(set, "t=aB3dE6gH9j").size(), 0u);
  EXPECT_EQ(scan_text(set, "t=aB3dE6gH9jKm").size(), 1u);  // 12 distinct: 3.58 bits
}

// A rule with `path` runs only on items whose path matches; an item without a path matches nothing.
TEST(Engine, APathNarrowedRuleRunsOnlyOnItsPaths) {
  Rule tf = rule("tf", R"re(password\s*=\s*"([^"]{8,})")re");
  tf.path = R"((?i)\.tf$)";
  const auto set = compile({tf});
  auto scratch = Scratch::create(set);
  const std::string text = "password = \"Zq8LmN3pRt\"";  // keyward:allow
  EXPECT_EQ(scan(set, text, *scratch, {.path = "infra/main.tf", .commit = ""})->size(), 1u);
  EXPECT_EQ(scan(set, text, *scratch, {.path = "infra/main.yaml", .commit = ""})->size(), 0u);
  EXPECT_EQ(scan(set, text, *scratch)->size(), 0u);
}

// Two matches on one line, farther apart than the rule's longest match: the second hit's window begins at the
// line's start and used to find the first match again, reporting it twice.
TEST(Engine, TwoMatchesOnALineFartherApartThanTheirWindowAreEachFoundOnce) {
  const auto set = compile({rule("tok", R"(tok_([a-z]{6}))")});
  const auto matches = scan_text(set, "tok_abcdef xxxxxxxxxxxxxxxxxxxxxxx tok_ghijkl tok_mnopqr\ntok_stuvwx");
  std::vector<std::size_t> starts;
  for (const auto& m : matches) starts.push_back(m.start);
  EXPECT_EQ(starts, (std::vector<std::size_t>{0, 35, 46, 57}));
}

TEST(Engine, FallbackRuleYieldsToASpecificRuleOnTheSameSecret) {
  Rule generic = rule("generic", R"re(token\s*=\s*"([^"]{8,})")re");
  generic.fallback = true;
  const auto set = compile({generic, rule("specific", R"((ghx_[A-Za-z0-9]{10}))")});
  auto matches = scan_text(set, R"(token = "ghx_Ab3dEf7hIj")");
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(set.rules()[matches[0].rule].rule.id, "specific");
  matches = scan_text(set, R"(token = "Zq8LmN3pRt6v")");
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(set.rules()[matches[0].rule].rule.id, "generic");
}

TEST(Engine, OnlyRulesOfTheSameCategoryShadowAFallback) {
  Rule password = rule("password", R"(://[^:]+:([^@\s]{8,})@)");
  password.fallback = true;
  Rule email = rule("email", R"(([A-Za-z0-9]+@[a-z]+\.[a-z]+))");
  email.category = Category::kPersonalData;
  const auto set = compile({password, email});
  const auto matches = scan_text(set, "smtp://mailer:Pq7zRt3Lk9@relay.example");  // keyward:allow
  ASSERT_EQ(matches.size(), 2u);  // the address overlaps the password but does not hide it
}

TEST(Engine, TwoFallbacksOnTheSameSecretReportItOnce) {
  Rule first = rule("first", R"(password=(\S{8,}))");
  first.fallback = true;
  Rule second = rule("second", R"(=(\S{8,}))");
  second.fallback = true;
  const auto set = compile({first, second});
  const auto matches = scan_text(set, "password=Zq8LmN3pRt6v");  // keyward:allow
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(set.rules()[matches[0].rule].rule.id, "first");
}

TEST(Engine, ConfirmsAMultiLineMatchThatEndsFarFromItsStart) {
  const auto set = compile({rule("pem", R"(-----BEGIN KEY-----\n((?:[A-Za-z0-9+/=]+\n)+)-----END KEY-----)")});
  std::string body;
  for (int i = 0; i < 60; ++i) body += std::string(64, static_cast<char>('A' + i % 26)) + "\n";
  const std::string text = "prefix line\n-----BEGIN KEY-----\n" + body + "-----END KEY-----\n";
  const auto matches = scan_text(set, text);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].secret_end - matches[0].secret_start, body.size());
}

TEST(Engine, LargeCountedRepeatsStillGiveExactSecretSpans) {
  // Submatches come from a program with the large upper bound dropped; the span must be the exact one.
  const auto set = compile({rule("long", R"(key=([a-z0-9]{10,900})(?:;|$))")});
  const std::string value = "abc123" + std::string(300, 'q') + "z9";
  const std::string text = "x key=" + value + "; key=short;\nkey=" + std::string(950, 'a') + ";";
  const auto matches = scan_text(set, text);
  ASSERT_EQ(matches.size(), 1u);  // the 950-character run is over the bound; "short" is under it
  EXPECT_EQ(text.substr(matches[0].secret_start, matches[0].secret_end - matches[0].secret_start), value);
}

TEST(Engine, AGatedRuleRunsOnlyAroundItsKeyword) {
  Rule gated = rule("gated", R"(tok=([A-Za-z0-9]{12}))");
  gated.keywords = {"acme"};
  gated.keyword_distance = 64;
  const auto set = compile({gated, rule("free", R"(other=([0-9]{6}))")});
  const std::string far = std::string(5000, '.') + "\n";
  EXPECT_EQ(scan_text(set, "acme tok=Ab3dEf7hIj9k" + far + "tok=Zq8LmN3pRt6v other=123456").size(), 2u);
  EXPECT_EQ(scan_text(set, far + "tok=Zq8LmN3pRt6v" + far + "acme").size(), 0u);
}

// Rules that share a keyword form one group with a database of its own; a keyword's hit runs only its group's.
TEST(Engine, EachKeywordGroupRunsAroundItsOwnKeywordsOnly) {
  Rule alpha = rule("alpha", R"(tok=([A-Za-z0-9]{12}))");
  alpha.keywords = {"acme"};
  alpha.keyword_distance = 32;
  Rule beta = rule("beta", R"(key=([A-Za-z0-9]{12}))");
  beta.keywords = {"beta", "gamma"};
  beta.keyword_distance = 32;
  Rule gamma = rule("gamma", R"(pin=([0-9]{8}))");
  gamma.keywords = {"gamma"};
  gamma.keyword_distance = 0;  // anywhere: its whole group scans the whole item
  const auto set = compile({alpha, beta, gamma});
  ASSERT_EQ(set.gated_group_count(), 2u);
  const std::string far = "\n" + std::string(3000, '.') + "\n";
  auto found = [&](const std::string& text) {
    std::vector<std::string> ids;
    for (const auto& m : scan_text(set, text)) ids.push_back(set.rules()[m.rule].rule.id);
    return ids;
  };
  using Ids = std::vector<std::string>;
  EXPECT_EQ(found("acme tok=Ab3dEf7hIj9k key=Zq8LmN3pRt6v" + far + "tok=Zq8LmN3pRt6v pin=12345678"), Ids{"alpha"});
  EXPECT_EQ(found("pin=12345678 key=Ab3dEf7hIj9k" + far + "gamma" + far + "beta key=Zq8LmN3pRt6v tok=Zq8LmN3pRt6v"),
            (Ids{"gamma", "beta"}));
  // Hits of two groups interleaved, each group's windows merged on their own.
  std::string text;
  for (int i = 0; i < 50; ++i) text += i % 2 == 0 ? "acme tok=Ab3dEf7hIj9k" + far : "beta key=Zq8LmN3pRt6v" + far;
  const auto ids = found(text);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "alpha"), 25);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "beta"), 25);
}

// A rule with triggers runs only around their hits, within its longest match either side of each.
TEST(Engine, ATriggeredRuleRunsOnlyAroundItsTriggers) {
  Rule ip = rule("ip", R"((?:^|[^0-9.])([0-9]{1,3}(?:\.[0-9]{1,3}){3})(?:[^0-9.]|$))");
  ip.triggers = {R"([0-9]\.[0-9]{1,3}\.[0-9])"};
  Rule tail = rule("tail", R"(key=([a-z]{30})#)");
  tail.triggers = {"#"};  // at the very end of a 35-byte match: the window must reach back over all of it
  const auto set = compile({ip, tail, rule("free", R"(tok_([0-9]{6}))")});
  ASSERT_EQ(set.gated_group_count(), 2u);
  const std::string far = std::string(5000, '.') + "\n";
  const std::string key = "key=" + std::string(30, 'q') + "#";
  const auto matches = scan_text(set, far + "host 10.1.2.3 up\n" + far + key + " tok_123456\n");
  ASSERT_EQ(matches.size(), 3u);
  EXPECT_EQ(set.rules()[matches[0].rule].rule.id, "ip");
  EXPECT_EQ(set.rules()[matches[1].rule].rule.id, "tail");
  // A trigger that the match lacks hides it: that is the author's promise, and why examples must prove it.
  Rule wrong = tail;
  wrong.triggers = {"zzz"};
  EXPECT_TRUE(scan_text(compile({wrong}), key).empty());
}

// A megabyte of addresses: every one found, and the trigger's hits merged into a few windows as they come.
TEST(Engine, DenseTriggerHitsMergeIntoFewWindows) {
  Rule ip = rule("ip", R"((?:^|[^0-9.])([0-9]{1,3}(?:\.[0-9]{1,3}){3})(?:[^0-9.]|$))");
  ip.triggers = {R"([0-9]\.[0-9]{1,3}\.[0-9])"};
  const auto set = compile({ip});
  std::string text;
  for (int i = 0; text.size() < (1u << 20); ++i) text += "10.0." + std::to_string(i % 250) + ".7 ";
  auto scratch = Scratch::create(set);
  ASSERT_TRUE(scratch.has_value());
  const auto matches = scan(set, text, *scratch);
  ASSERT_TRUE(matches.has_value());
  EXPECT_EQ(matches->size(), static_cast<std::size_t>(std::count(text.begin(), text.end(), ' ')));
  EXPECT_LE(scratch->gate_windows.size(), 2u);
}

TEST(Engine, ARuleTakesKeywordsOrTriggersNotBoth) {
  Rule both = rule("both", R"(key=([a-z]{8}))");
  both.keywords = {"acme"};
  both.triggers = {"key="};
  const auto set = RuleSet::compile({both});
  ASSERT_FALSE(set.has_value());
  EXPECT_NE(set.error().message.find("keywords or triggers, not both"), std::string::npos);
  Rule bad = rule("bad", R"(key=([a-z]{8}))");
  bad.triggers = {"(unclosed"};
  const auto broken = RuleSet::compile({bad});
  ASSERT_FALSE(broken.has_value());
  EXPECT_NE(broken.error().message.find("bad: hyperscan cannot compile the trigger"), std::string::npos);
}

TEST(Engine, ScratchIsReusableAcrossChunks) {
  const auto set = compile({rule("tok", R"(tok_([a-z]{6}))")});
  auto scratch = Scratch::create(set);
  ASSERT_TRUE(scratch.has_value());
  for (int i = 0; i < 3; ++i) {
    auto first = scan(set, "tok_abcdef", *scratch);
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->size(), 1u);
    auto empty = scan(set, "nothing here", *scratch);
    ASSERT_TRUE(empty.has_value());
    EXPECT_TRUE(empty->empty());
  }
}

}  // namespace
}  // namespace keyward::engine
