#include "scanner/filter/json_text.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace keyward::filter {
namespace {

struct Seen {
  JsonTokenKind kind;
  std::string pointer;
  std::string value;
  std::string raw;
  bool opaque;
};

std::vector<Seen> walk(std::string_view text) {
  std::vector<Seen> seen;
  auto walked = walk_json(text, [&](const JsonToken& t) {
    seen.push_back(
        {t.kind, t.pointer, std::string(t.value), std::string(text.substr(t.begin, t.end - t.begin)), t.opaque});
  });
  EXPECT_TRUE(walked) << walked.error().message;
  return seen;
}

TEST(JsonText, EveryKeyStringAndNumberWithItsPointerAndRawSpan) {
  const auto seen = walk(R"({"messages":[{"role":"user","content":"a\"b\u00e9\n"}],"a/b~c":[1.50,-2e3],"t":true})");
  std::vector<std::pair<std::string, std::string>> strings;
  for (const auto& s : seen) {
    if (s.kind == JsonTokenKind::kString) strings.push_back({s.pointer, s.value});
  }
  ASSERT_EQ(strings.size(), 2u);
  EXPECT_EQ(strings[0], (std::pair<std::string, std::string>{"/messages/0/role", "user"}));
  EXPECT_EQ(strings[1], (std::pair<std::string, std::string>{"/messages/0/content", "a\"b\xc3\xa9\n"}));
  bool saw_escaped_key = false;
  for (const auto& s : seen) {
    if (s.kind == JsonTokenKind::kNumber && s.pointer == "/a~1b~0c/0") {
      EXPECT_EQ(s.raw, "1.50");
      saw_escaped_key = true;
    }
    if (s.pointer == "/messages/0/content" && s.kind == JsonTokenKind::kString) {
      EXPECT_EQ(s.raw, R"("a\"b\u00e9\n")");
    }
  }
  EXPECT_TRUE(saw_escaped_key);
}

TEST(JsonText, DataUrlsAndAudioPayloadsAreOpaque) {
  const auto seen =
      walk(R"({"content":[{"type":"image_url","image_url":"data:image/png;base64,iVBORw0KGgo="},)"
           R"({"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}},{"type":"text","text":"hi"}]})");
  for (const auto& s : seen) {
    if (s.kind != JsonTokenKind::kString) continue;
    const bool payload = s.value.starts_with("data:") || s.pointer.find("/input_audio") != std::string::npos;
    EXPECT_EQ(s.opaque, payload) << s.pointer;
  }
}

TEST(JsonText, TopLevelMembersForRequestChecks) {
  auto summary =
      walk_json(R"({"model":"codestral-latest","max_tokens":64,"messages":[{},{},{}]})", [](const JsonToken&) {});
  ASSERT_TRUE(summary);
  ASSERT_EQ(summary->top_level.size(), 3u);
  EXPECT_EQ(summary->top_level[0].value, "codestral-latest");
  EXPECT_EQ(summary->top_level[1].kind, JsonKind::kNumber);
  EXPECT_EQ(summary->top_level[1].value, "64");
  EXPECT_EQ(summary->top_level[2].elements, 3u);
}

// Strings are read 16 bytes at a time until a quote, a backslash or a control byte: each of them, and a
// multi-byte character, at every offset across two such blocks.
TEST(JsonText, LongStringsStopAtEveryQuoteEscapeAndControlByteWhereverTheyFall) {
  for (std::size_t at = 0; at < 40; ++at) {
    const std::string head(at, 'a'), tail(20, 'b');
    auto content_of = [](std::string_view text) {
      std::string value;
      EXPECT_TRUE(walk_json(text, [&](const JsonToken& t) {
        if (t.kind == JsonTokenKind::kString) value = std::string(t.value);
      }));
      return value;
    };
    EXPECT_EQ(content_of("{\"c\":\"" + head + "\\\"" + tail + "\"}"), head + "\"" + tail) << at;
    EXPECT_EQ(content_of("{\"c\":\"" + head + "\\n" + tail + "\"}"), head + "\n" + tail) << at;
    EXPECT_EQ(content_of("{\"c\":\"" + head + "\xc3\xa9" + tail + "\"}"), head + "\xc3\xa9" + tail) << at;
    EXPECT_EQ(content_of("{\"c\":\"" + head + "\"}"), head) << at;
    EXPECT_FALSE(walk_json("{\"c\":\"" + head + "\x01" + tail + "\"}", [](const JsonToken&) {})) << at;
    EXPECT_FALSE(walk_json("{\"c\":\"" + head + tail, [](const JsonToken&) {})) << at;  // unterminated
  }
}

TEST(JsonText, InvalidDocumentsAreErrors) {
  for (const char* bad : {"", "{", "{\"a\":}", "{\"a\":1,}", "[1 2]", "{\"a\":\"\\x\"}", "{\"a\":\"\\ud800\"}",
                          "{\"a\":01}", "{\"a\":\"tab\there\"}", "{} {}", "nul"}) {
    EXPECT_FALSE(walk_json(bad, [](const JsonToken&) {})) << bad;
  }
  std::string deep(kMaxJsonDepth + 10, '[');
  deep += std::string(kMaxJsonDepth + 10, ']');
  EXPECT_FALSE(walk_json(deep, [](const JsonToken&) {}));
}

TEST(JsonText, Utf8Validation) {
  EXPECT_TRUE(valid_utf8("plain ascii and caf\xc3\xa9 and \xf0\x9f\x94\x91"));
  EXPECT_FALSE(valid_utf8("\xff"));
  EXPECT_FALSE(valid_utf8("caf\xc3"));
  EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));  // a surrogate
  EXPECT_FALSE(valid_utf8("\xc0\xaf"));      // overlong
}

TEST(JsonText, StringsAreEncodedBackAsValidJson) {
  std::string out;
  append_json_string(out, "a\"b\\c\n\x01 caf\xc3\xa9");
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u0001 caf\xc3\xa9\"");
  std::vector<std::string> values;
  ASSERT_TRUE(walk_json(out, [&](const JsonToken& t) { values.emplace_back(t.value); }));
  EXPECT_EQ(values, std::vector<std::string>{"a\"b\\c\n\x01 caf\xc3\xa9"});
}

}  // namespace
}  // namespace keyward::filter
