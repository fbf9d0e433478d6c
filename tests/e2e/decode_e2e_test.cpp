// Encoded secrets (issue: encoded secrets): base64, hex, percent-encoding and JSON escapes are undone and the
// result scanned with the same rules; each finding names the encoded text's line and the encodings, and binary
// data in base64 (images, fonts, certificates, lockfile hashes) gives nothing.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "tests/e2e/fixtures.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace keyward::testing {
namespace {

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const auto n = (std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16) |
                   (std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8) |
                   static_cast<unsigned char>(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out += kAlphabet[(n >> shift) & 63];
  }
  if (i < bytes.size()) {
    std::uint32_t n = std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16;
    if (i + 1 < bytes.size()) n |= std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    out += kDigits[static_cast<unsigned char>(c) >> 4];
    out += kDigits[static_cast<unsigned char>(c) & 15];
  }
  return out;
}

std::string random_bytes(std::uint32_t seed, std::size_t n) {
  std::mt19937 rng(seed);
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += static_cast<char>(rng() & 0xff);
  return out;
}

// The JSON report's finding for `rule`, as text, or "" when there is none.
std::string finding(const std::string& json, const std::string& rule, const std::string& path) {
  for (auto at = json.find("\"rule_id\": \"" + rule + "\""); at != std::string::npos;
       at = json.find("\"rule_id\": \"" + rule + "\"", at + 1)) {
    const auto end = json.find('}', at);
    std::string entry = json.substr(at, end - at);
    if (entry.find("\"path\": \"" + path + "\"") != std::string::npos) return entry;
  }
  return {};
}

TEST(DecodeE2E, FindsEncodedSecretsAtTheirLineWithRuleAndEncoding) {
  TempDir dir;
  const std::string mistral = fake_token(71);
  const std::string github = fake_github_token(72);
  const std::string aws_secret = fake_token(73, 40);
  const std::string word = fake_token(76, 10);
  const std::string password = "x%" + word + "@!";  // in the URL: x%25<word>%40%21
  dir.write("k8s/secret.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\ndata:\n"
            "  MISTRAL_API_KEY: " +
                base64(mistral) +
                "\n"
                "  GITHUB_TOKEN: " +
                base64(github) + "\n");
  dir.write("db.env",
            "# the app's database\nDATABASE_URL=postgres://app:x%25" + word + "%40%21@db.example.com/orders\n");
  dir.write("ci.env", "REGION=eu-west-3\nAWS_CREDENTIALS_HEX=" + hex("aws_secret_access_key=" + aws_secret) + "\n");
  dir.write("notebook.ipynb",
            "{\n \"cells\": [\n  {\n   \"cell_type\": \"code\",\n   \"source\": [\n    \"import os\\n\",\n"
            "    \"client = Mistral(api_key=\\\"" +
                mistral +
                "\\\")\\n\",\n"
                "    \"print(\\\"token:\\n" +
                github + "\\\")\\n\"\n   ]\n  }\n ]\n}\n");
  dir.write("double.txt", "blob: " + base64(base64("GITHUB_TOKEN=" + github)) + "\n");
  const std::string registry_password = fake_token(77, 24);
  dir.write("docker/config.json", "{\n  \"auths\": {\n    \"registry.acme.example\": {\n      \"auth\": \"" +
                                      base64("acmebot:" + registry_password) + "\"\n    }\n  }\n}\n");

  const auto run =
      run_keyward({"scan", "--max-decode-depth", "2", "--format", "json", "--no-redact", "."}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  struct Expected {
    std::string rule, path;
    int line;
    std::string encoding, secret;
  };
  for (const Expected& e : {
           Expected{"mistral-api-key", "k8s/secret.yaml", 7, "base64", mistral},
           Expected{"github-pat", "k8s/secret.yaml", 8, "base64", github},
           Expected{"postgres-connection-url", "db.env", 2, "percent", password},
           Expected{"aws-secret-access-key", "ci.env", 2, "hex", aws_secret},
           Expected{"mistral-api-key", "notebook.ipynb", 7, "", mistral},
           Expected{"github-pat", "notebook.ipynb", 8, "escape", github},
           Expected{"github-pat", "double.txt", 1, "base64,base64", github},
           // The auth field is a credential in its base64 form: found as it is written.
           Expected{"docker-config-auth", "docker/config.json", 4, "", base64("acmebot:" + registry_password)},
       }) {
    const std::string entry = finding(run.out, e.rule, e.path);
    ASSERT_FALSE(entry.empty()) << e.rule << " in " << e.path << ":\n" << run.out;
    EXPECT_NE(entry.find("\"line\": " + std::to_string(e.line) + ","), std::string::npos) << entry;
    EXPECT_NE(entry.find("\"secret\": \"" + e.secret + "\""), std::string::npos) << entry;
    if (e.encoding.empty()) {
      EXPECT_EQ(entry.find("\"encoding\""), std::string::npos) << entry;
    } else {
      EXPECT_NE(entry.find("\"encoding\": \"" + e.encoding + "\""), std::string::npos) << entry;
    }
  }
  // The decoded key outranks the generic rules that see only its base64.
  EXPECT_EQ(finding(run.out, "generic-api-key", "k8s/secret.yaml"), "") << run.out;
  EXPECT_EQ(finding(run.out, "generic-token", "k8s/secret.yaml"), "") << run.out;
}

TEST(DecodeE2E, RedactsTheEncodedAndTheDecodedForm) {
  TempDir dir;
  const std::string mistral = fake_token(74);
  const std::string encoded = base64(mistral);
  dir.write("secret.yaml", "data:\n  MISTRAL_API_KEY: " + encoded + "\n");
  const auto run = run_keyward({"scan", "--max-decode-depth", "2", "."}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.out.find("encoding: base64"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find(mistral.substr(4)), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find(encoded.substr(4)), std::string::npos) << run.out;
}

TEST(DecodeE2E, BinaryDataInBase64GivesNoFinding) {
  TempDir dir;
  // An image, a font and a certificate as data: URLs and PEM, and lockfile integrity hashes.
  std::string css =
      ".logo { background: url(data:image/png;base64," + base64("\x89PNG\r\n\x1a\n" + random_bytes(1, 3000)) +
      "); }\n@font-face { src: url(data:font/woff2;base64," + base64("wOF2" + random_bytes(2, 5000)) + "); }\n";
  dir.write("site.css", css);
  std::string pem = "-----BEGIN CERTIFICATE-----\n";
  const std::string der = base64("\x30\x82\x03\x0a" + random_bytes(3, 900));
  for (std::size_t i = 0; i < der.size(); i += 64) pem += der.substr(i, 64) + "\n";
  dir.write("ca.crt", pem + "-----END CERTIFICATE-----\n");
  std::string lock = "{\n  \"packages\": {\n";
  for (std::uint32_t i = 0; i < 50; ++i) {
    lock += "    \"node_modules/pkg" + std::to_string(i) + "\": {\n      \"integrity\": \"sha512-" +
            base64(random_bytes(10 + i, 64)) + "\",\n      \"resolved\": \"https://registry.npmjs.org/pkg/-/pkg-1.0." +
            std::to_string(i) + ".tgz\"\n    },\n";
  }
  dir.write("package-lock.json", lock + "  }\n}\n");
  dir.write("hashes.txt", "sha256 " + hex(random_bytes(4, 32)) + "\nmd5 " + hex(random_bytes(5, 16)) + "\n");
  const auto run = run_keyward({"scan", "--max-decode-depth", "2", "--format", "json", "."}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
}

// Decoding costs a tenth to a sixth of a large tree's scan time (bench/decode.sh); it is on by default, two
// encodings deep, as the issue asks; `--max-decode-depth 0` or `[scan] max_decode_depth = 0` turns it off.
TEST(DecodeE2E, DecodingIsOnByDefaultAndZeroTurnsItOff) {
  TempDir dir;
  dir.write("secret.yaml", "data:\n  GITHUB_TOKEN: " + base64(fake_github_token(75)) + "\n");
  const auto on = run_keyward({"scan", "--format", "json", "."}, {.cwd = dir.path()});
  const auto off = run_keyward({"scan", "--format", "json", "--max-decode-depth", "0", "."}, {.cwd = dir.path()});
  EXPECT_NE(finding(on.out, "github-pat", "secret.yaml"), "") << on.out;
  EXPECT_EQ(finding(off.out, "github-pat", "secret.yaml"), "") << off.out;
  dir.write(".keyward.toml", "[scan]\nmax_decode_depth = 0\n");
  const auto configured_off = run_keyward({"scan", "--format", "json", "."}, {.cwd = dir.path()});
  EXPECT_EQ(finding(configured_off.out, "github-pat", "secret.yaml"), "") << configured_off.out;
  const auto flag_wins = run_keyward({"scan", "--format", "json", "--max-decode-depth", "2", "."}, {.cwd = dir.path()});
  EXPECT_NE(finding(flag_wins.out, "github-pat", "secret.yaml"), "") << flag_wins.out;
  EXPECT_EQ(run_keyward({"scan", "--max-decode-depth", "9", "."}, {.cwd = dir.path()}).exit_code, 2);
}

}  // namespace
}  // namespace keyward::testing
