// The decoders and the decoding scan: spans point at the encoded bytes, nested encodings are named in order,
// binary data is not decoded, and a rule's context keyword outside the encoded run still counts.
#include "scanner/engine/decode.h"

#include <gtest/gtest.h>

#include <string>

namespace keyward::engine {
namespace {

RuleSet compile(std::vector<Rule> rules) {
  auto set = RuleSet::compile(std::move(rules), {.global_allowlists = {}, .phone_check = nullptr});
  EXPECT_TRUE(set.has_value()) << (set ? "" : set.error().message);
  return std::move(*set);
}

std::vector<Match> scan_text(const RuleSet& set, std::string_view text, int depth = kUsualMaxDecodeDepth) {
  auto scratch = Scratch::create(set);
  EXPECT_TRUE(scratch.has_value());
  auto matches = scan_decoded(set, text, *scratch, depth);
  EXPECT_TRUE(matches.has_value());
  return *matches;
}

TEST(Decode, Base64HexAndPercent) {
  EXPECT_EQ(decode_base64("aGVsbG8gd29ybGQ="), "hello world");
  EXPECT_EQ(decode_base64("aGVsbG8gd29ybGQ"), "hello world");
  EXPECT_EQ(decode_base64("-_8"), std::string("\xfb\xff", 2)) << "URL-safe alphabet";
  EXPECT_EQ(decode_base64("abcde"), std::nullopt) << "a length no encoder makes";
  EXPECT_EQ(decode_base64("ab$d"), std::nullopt);
  EXPECT_EQ(decode_hex("68656c6C6f"), "hello");
  EXPECT_EQ(decode_hex("6865f"), std::nullopt);
  EXPECT_EQ(decode_hex("zz"), std::nullopt);
  EXPECT_EQ(decode_percent("p%40ss%2"), "p@ss%2");
  EXPECT_TRUE(mostly_printable("plain text\twith a tab\n"));
  EXPECT_FALSE(mostly_printable(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16)));
  EXPECT_FALSE(mostly_printable(""));
}

TEST(Decode, FindsATokenInBase64AtTheEncodedSpan) {
  const auto set = compile({Rule{.id = "tok", .description = "t", .regex = R"(\b(tok_[a-z0-9]{12})\b)"}});
  const std::string encoded = "dG9rX2FiY2RlZjEyMzQ1Ng==";  // tok_abcdef123456
  const std::string text = "first line\nvalue: " + encoded + " end\n";
  const auto matches = scan_text(set, text);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].encoding, "base64");
  EXPECT_EQ(matches[0].decoded_secret, "tok_abcdef123456");
  EXPECT_EQ(text.substr(matches[0].secret_start, matches[0].secret_end - matches[0].secret_start), encoded);
  EXPECT_TRUE(scan_text(set, text, 0).empty()) << "depth 0 decodes nothing";
}

// Issue #8, found by fuzz_engine: a run that fills a whole 64-byte block shifted a 64-bit mask by 64 (undefined
// behaviour; on x86 the run was cut at the block's end). It is one run, decoded whole, found once.
TEST(Decode, ARunFillingAWholeBlockIsOneRun) {
  const auto set = compile({Rule{.id = "tok", .description = "t", .regex = R"(\b(tok_[a-z0-9]{12})\b)"}});
  const std::string encoded =
      "dG9rX2FiY2RlZjEyMzQ1NiBhbmQgdGhlbiBlbm91Z2ggcGxhaW4gd29yZHMgdG8gbWFrZSB0aGlzIHJ1biBvZiBiYXNlNjQgbG9uZ2VyIHRoYW4g"
      "dHdvIGJsb2NrcyBvZiA2NCBieXRlcw==";
  for (const std::string& text :
       {encoded + "\n", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde " + encoded}) {
    const auto matches = scan_text(set, text);
    ASSERT_EQ(matches.size(), 1u) << text;
    EXPECT_EQ(matches[0].decoded_secret, "tok_abcdef123456");
    EXPECT_EQ(text.substr(matches[0].secret_start, matches[0].secret_end - matches[0].secret_start), encoded);
  }
}

// The event pass follows runs across 64-byte blocks and drops those whose first byte cannot start text, bits and
// all: an encoded token is found at every offset, after and before runs of every length that may or may not
// start text, reaching into, across and out of the blocks.
TEST(Decode, AnEncodedTokenIsFoundAtEveryOffsetBesideRunsOfEveryKind) {
  const auto set = compile({Rule{.id = "tok", .description = "t", .regex = R"(\b(tok_[a-z0-9]{12})\b)"}});
  const std::string short_run = "dG9rX2FiY2RlZjEyMzQ1Ng==";
  const std::string long_run =
      "dG9rX2FiY2RlZjEyMzQ1NiBhbmQgdGhlbiBlbm91Z2ggcGxhaW4gd29yZHMgdG8gbWFrZSB0aGlzIHJ1biBvZiBiYXNlNjQgbG9uZ2VyIHRoYW4g"
      "dHdvIGJsb2NrcyBvZiA2NCBieXRlcw==";
  std::vector<std::string> beside{""};
  for (const std::size_t n : {1, 15, 16, 17, 48, 63, 64, 65, 130}) {
    beside.push_back(std::string(n, 'A'));                  // cannot start text: dropped whole
    beside.push_back(std::string("Z").append(n - 1, 'z'));  // may start text, decodes to bytes that are not
    beside.push_back("a/b_c-" + std::string(n, 'x'));       // a path of base64 characters
  }
  for (const std::string& encoded : {short_run, long_run}) {
    for (std::size_t offset = 0; offset <= 70; ++offset) {
      for (const std::string& run : beside) {
        const std::string text = std::string(offset, ' ') + run + " " + encoded + " " + run + "\n";
        const auto matches = scan_text(set, text);
        ASSERT_EQ(matches.size(), 1u) << offset << " [" << run << "]";
        EXPECT_EQ(text.substr(matches[0].secret_start, matches[0].secret_end - matches[0].secret_start), encoded)
            << offset << " [" << run << "]";
      }
    }
  }
  // Glued to a run that cannot start text, the token is part of that run, which decodes to 47 zero bytes first:
  // binary, not looked into, wherever the blocks cut it.
  for (const std::size_t offset : {0, 1, 63}) {
    const std::string text = std::string(offset, ' ') + std::string(63, 'A') + "/" + short_run + std::string(80, ' ');
    EXPECT_TRUE(scan_text(set, text).empty()) << offset;
  }
}

TEST(Decode, NestedEncodingsAreNamedOutermostFirst) {
  const auto set = compile({Rule{.id = "tok", .description = "t", .regex = R"(\b(tok_[a-z0-9]{12})\b)"}});
  // hex of "tok_abcdef123456", then base64 of that hex.
  const std::string hex = "746f6b5f616263646566313233343536";
  const std::string outer = "NzQ2ZjZiNWY2MTYyNjM2NDY1NjYzMTMyMzMzNDM1MzY=";
  ASSERT_EQ(decode_base64(outer), hex);
  const auto matches = scan_text(set, "x = " + outer + "\n");
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].encoding, "base64,hex");
  EXPECT_EQ(matches[0].decoded_secret, "tok_abcdef123456");
  EXPECT_TRUE(scan_text(set, "x = " + outer + "\n", 1).empty()) << "one level is not enough";
}

TEST(Decode, AKeywordBesideTheEncodedRunGivesContext) {
  Rule r{.id = "ctx", .description = "t", .regex = R"((?i)acme_key\s*[:=]\s*([A-Za-z0-9]{16})\b)"};
  r.keywords = {"acme"};
  const auto set = compile({r});
  const auto matches = scan_text(set, "ACME_KEY: UTd3RTlyVDV5VTF1STJvUDM=\n");  // Q7wE9rT5yU1uI2oP3
  ASSERT_EQ(matches.size(), 0u) << "17 characters: the rule wants 16 then a boundary";
  const auto found = scan_text(set, "ACME_KEY: UTd3RTlyVDV5VTF1STJvUA==\n");  // Q7wE9rT5yU1uI2oP
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].decoded_secret, "Q7wE9rT5yU1uI2oP");
}

TEST(Decode, EscapesAndPercentEncodingInAWindow) {
  const auto set = compile({Rule{.id = "tok", .description = "t", .regex = R"(\b(tok_[a-z0-9]{12})\b)"}});
  const std::string escaped = R"({"log": "started\ntok_abcdef123456 in use"})";
  const auto matches = scan_text(set, escaped);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].encoding, "escape");
  EXPECT_EQ(escaped.substr(matches[0].secret_start, matches[0].secret_end - matches[0].secret_start),
            "tok_abcdef123456");
  const std::string url = "https://example.com/?q=x%3Dtok_abcdef123456";
  const auto in_url = scan_text(set, url);
  ASSERT_EQ(in_url.size(), 1u);
  EXPECT_EQ(in_url[0].encoding, "percent");
}

// The block pass keeps an escape or '%' only before a token, and near a block's end only when base64 runs from
// it to the end: at every offset, across both block borders, the window still opens.
TEST(Decode, AnEscapeOrPercentIsFoundAtEveryOffset) {
  const auto set = compile({Rule{.id = "tok", .description = "t", .regex = R"(\b(tok_[a-z0-9]{12})\b)"}});
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"(log=started\ntok_abcdef123456 in use)", "escape"},
      {"q=x%3Dtok_abcdef123456", "percent"},
  };
  for (const auto& [line, encoding] : cases) {
    for (std::size_t offset = 0; offset <= 140; ++offset) {
      const std::string text = std::string(offset, ' ') + line + "\n";
      const auto matches = scan_text(set, text);
      ASSERT_EQ(matches.size(), 1u) << encoding << " at " << offset;
      EXPECT_EQ(matches[0].encoding, encoding) << offset;
      EXPECT_EQ(text.substr(matches[0].secret_start, matches[0].secret_end - matches[0].secret_start),
                "tok_abcdef123456")
          << encoding << " at " << offset;
    }
  }
}

TEST(Decode, BinaryAndIdentifiersAreNotDecoded) {
  const auto set = compile({Rule{.id = "any", .description = "t", .regex = R"(([\x00-\x08]{4}))"}});
  // Base64 of binary bytes, and long identifiers that happen to be valid base64.
  const std::string text =
      "img = iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==\n"
      "getElementsByClassName querySelectorAllForTesting node_modules/some-package/lib/index.js\n";
  EXPECT_TRUE(scan_text(set, text).empty());
}

}  // namespace
}  // namespace keyward::engine
