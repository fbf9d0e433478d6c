// The byte tables of decoding (engine/decode.h), read by both of its halves: the view logic (decode.cpp) and
// the block pass with its per-CPU classifiers (decode_blocks.cpp). Compile-time data only.
#pragma once

#include <array>
#include <cstdint>

namespace keyward::engine::decoding {

enum ByteClass : std::uint8_t {
  kUpper = 1,
  kLower = 2,
  kDigit = 4,
  kSymbol = 8,      // + / - _
  kHexLetter = 16,  // a-f A-F
  kPercent = 32,
  kBackslash = 64,
  kTextFirst = 128,  // I-Z a-f 2-7: the first character of base64 or hex that encodes printable text
};
inline constexpr std::uint8_t kBase64Class = kUpper | kLower | kDigit | kSymbol;

constexpr std::array<std::uint8_t, 256> make_classes() {
  std::array<std::uint8_t, 256> classes{};
  for (int c = 'A'; c <= 'Z'; ++c) classes[c] = kUpper;
  for (int c = 'a'; c <= 'z'; ++c) classes[c] = kLower;
  for (int c = '0'; c <= '9'; ++c) classes[c] = kDigit;
  for (const unsigned char c : {'+', '/', '-', '_'}) classes[c] = kSymbol;
  for (int c = 'a'; c <= 'f'; ++c) classes[c] |= kHexLetter;
  for (int c = 'A'; c <= 'F'; ++c) classes[c] |= kHexLetter;
  for (int c = 'I'; c <= 'Z'; ++c) classes[c] |= kTextFirst;
  for (int c = 'a'; c <= 'f'; ++c) classes[c] |= kTextFirst;
  for (int c = '2'; c <= '7'; ++c) classes[c] |= kTextFirst;
  classes['%'] = kPercent;
  classes['\\'] = kBackslash;
  return classes;
}
inline constexpr auto kClasses = make_classes();

constexpr std::array<int, 256> make_base64_values() {
  std::array<int, 256> values{};
  values.fill(-1);
  for (int c = 'A'; c <= 'Z'; ++c) values[c] = c - 'A';
  for (int c = 'a'; c <= 'z'; ++c) values[c] = 26 + c - 'a';
  for (int c = '0'; c <= '9'; ++c) values[c] = 52 + c - '0';
  values['+'] = values['-'] = 62;
  values['/'] = values['_'] = 63;
  return values;
}
inline constexpr auto kBase64Values = make_base64_values();

// Bytes of text: printable ASCII, tab, line feed, carriage return (1; others 0). Numbers, not bools, so that
// starts_like_text can join three lookups with a branch-free `&`.
constexpr std::array<std::uint8_t, 256> make_text_bytes() {
  std::array<std::uint8_t, 256> text{};
  for (int c = 0x20; c < 0x7f; ++c) text[c] = 1;
  text['\t'] = text['\n'] = text['\r'] = 1;
  return text;
}
inline constexpr auto kTextBytes = make_text_bytes();

constexpr std::array<int, 256> make_hex_values() {
  std::array<int, 256> values{};
  values.fill(-1);
  for (int c = '0'; c <= '9'; ++c) values[c] = c - '0';
  for (int c = 'a'; c <= 'f'; ++c) values[c] = c - 'a' + 10;
  for (int c = 'A'; c <= 'F'; ++c) values[c] = c - 'A' + 10;
  return values;
}
inline constexpr auto kHexValues = make_hex_values();

}  // namespace keyward::engine::decoding
