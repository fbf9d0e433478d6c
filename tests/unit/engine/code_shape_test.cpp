#include "scanner/engine/code_shape.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace keyward::engine {
namespace {

// Issue 17: the values generic rules took for tokens in real code (ansible, rails, monaco-editor, prettier,
// googleapis, aws-sdk), and others of their families.
TEST(CodeShape, IdentifiersBuiltOfWordsAreCode) {
  for (std::string_view token : {
           "n?.blockCommentStartToken",        // a minified member chain
           "c?.blockCommentStartToken??null",  // the same with a nullish default
           "?InterpolationInTemplate",         // prettier's token names
           "?NoLineTerminatorHere",
           "my_recaptchaV3Token",
           "Buffer|Uint8Array|Blob|string",  // a TypeScript union
           "process.env.API_TOKEN",
           "settings.SECRET_KEY",
           "token_type::value",
           "NonEmptyMaxLength64String",
           "XMLHttpRequestEventTarget",
           "this.accessToken",
           "__omit_place_holder__",
           "mistral-large-latest",
           "@auth.refresh_token",
       }) {
    EXPECT_EQ(code_shape(token), CodeShape::kIdentifier) << token;
  }
}

TEST(CodeShape, PathsRoutesFormatStringsAndTemplatesAreCode) {
  EXPECT_EQ(code_shape("active_storage/disk#update"), CodeShape::kRoute);
  EXPECT_EQ(code_shape("Admin::UsersController#index"), CodeShape::kRoute);
  EXPECT_EQ(code_shape("users#show"), CodeShape::kRoute);
  EXPECT_EQ(code_shape("/disk/:encoded_token"), CodeShape::kPath);
  EXPECT_EQ(code_shape("/usr/local/share/keyrings"), CodeShape::kPath);
  EXPECT_EQ(code_shape("./config/credentials.yml.enc"), CodeShape::kPath);
  EXPECT_EQ(code_shape("lib/Sources/main.swift"), CodeShape::kPath);
  EXPECT_EQ(code_shape("__omit_place_holder__%s"), CodeShape::kFormatString);
  EXPECT_EQ(code_shape("token-%08d"), CodeShape::kFormatString);
  EXPECT_EQ(code_shape("%(secret_name)s"), CodeShape::kFormatString);
  EXPECT_EQ(code_shape("Bearer_{}"), CodeShape::kFormatString);
  EXPECT_EQ(code_shape("api-key-{0}-{env}"), CodeShape::kFormatString);
  EXPECT_EQ(code_shape("${SECRET_TOKEN}"), CodeShape::kTemplate);
  EXPECT_EQ(code_shape("{{.Values.apiKey}}"), CodeShape::kTemplate);
  EXPECT_EQ(code_shape("<%=ENV['TOKEN']%>"), CodeShape::kTemplate);
  EXPECT_EQ(code_shape("#{secret_key}"), CodeShape::kTemplate);
}

TEST(CodeShape, KeysAndPercentEncodedSignaturesAreNotCode) {
  for (std::string_view token : {
           "WK59PFkl0JfI2yyVlbPegBPrUhRZdsvD",                        // a Mistral-shaped key
           "mUc3m00RsqyRe",                                           // a made-up password
           "aBBKDWQvyuVcTPH9EBp%2FXTI9E%2F%2Fmq171%2BZU178wcwqU%3D",  // a SAS signature, percent-encoded
           "pass%2fis%40bad",
           "W8LL06vPZkmnKQnwMKIlxbuoCbLi6XkHDib+8G4pPG4UceF2s3bS/iaiYOKGWeeVOUh4QhinpKuRfT17j39ZrQ==",
           "dXNlcm5hbWU6cGFzc3dvcmQ",
           "SCWLCJDQHS6ZF18RVV59",
           "kjfhueyt9485osdfasdkljfh4lkjhakldjfhalkdsjf",
       }) {
    EXPECT_EQ(code_shape(token), CodeShape::kNone) << token;
  }
}

TEST(CodeShape, PlaceholdersAreShortSoManyBracesStayCheap) {
  EXPECT_EQ(code_shape("token_{" + std::string(100, 'a') + "}"), CodeShape::kNone);  // no placeholder that long
  std::string braces;
  for (int i = 0; i < 20000; ++i) braces += "{a%(";
  EXPECT_EQ(code_shape(braces), CodeShape::kNone);  // linear: each '{' and '%(' looks at most 64 bytes ahead
}

// How often a random key is taken for code, measured on 100,000 keys of each alphabet and length (a fixed seed,
// so the same keys on every run). Random keys split into many short words, so they almost never pass.
TEST(CodeShape, RandomKeysAreAlmostNeverCode) {
  struct Alphabet {
    std::string_view name;
    std::string_view characters;
  };
  constexpr Alphabet kAlphabets[] = {
      {"base62", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"},
      {"base64url", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"},
      {"base64", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"},
  };
  constexpr int kKeys = 100000;
  std::mt19937_64 random(17);
  for (const auto& alphabet : kAlphabets) {
    for (std::size_t length : {20, 32, 40}) {
      std::uniform_int_distribution<std::size_t> pick(0, alphabet.characters.size() - 1);
      int taken_for_code = 0;
      std::string key(length, ' ');
      for (int i = 0; i < kKeys; ++i) {
        for (auto& c : key) c = alphabet.characters[pick(random)];
        if (code_shape(key) != CodeShape::kNone) ++taken_for_code;
      }
      // 20 characters: at most 0.3% (a 20-character key has few words to split); 32 and more: at most 0.05%.
      const int limit = length == 20 ? kKeys * 3 / 1000 : kKeys * 5 / 10000;
      EXPECT_LE(taken_for_code, limit) << alphabet.name << " keys of " << length << " characters";
      RecordProperty(std::string(alphabet.name) + "_" + std::to_string(length), taken_for_code);
    }
  }
}

}  // namespace
}  // namespace keyward::engine
