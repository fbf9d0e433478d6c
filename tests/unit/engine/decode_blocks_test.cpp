// The block pass of decoding: every classifier this CPU runs tells the same classes, and the events come out the
// same wherever they fall against the 64-byte blocks (inside one, across two, in the bytes after the last).
#include "scanner/engine/decode_blocks.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace keyward::engine {
namespace {

// Every byte value at every position of a block, classified alike by the portable, SSE2, AVX2 and AVX-512 code;
// the portable classifier is checked byte by byte against the alphabet itself. The second and third characters
// of base64 or hex of text are hex digits and the base64 characters whose value is 0 or 2-7 modulo 16 (second)
// or 0 or 1 modulo 4 (third); n, t, r, quotes and hex digits may follow a '%' or '\\' that triggers. A classifier
// may not tell one of these three classes (SSE2 tells none, AVX2 only the last), and then says all bytes are in
// it.
TEST(DecodeBlocks, EveryClassifierAgreesOnEveryByteAtEveryPosition) {
  std::string blocks;
  for (int shift = 0; shift < 64; ++shift) {
    for (int c = 0; c < 256; ++c) blocks += static_cast<char>((c + shift * 7) & 0xff);
  }
  ASSERT_EQ(blocks.size() % 64, 0u);
  const auto each = detail::classify_every_way(blocks);
  ASSERT_GE(each.size(), 1u);
  const std::string_view base64_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_";
  const std::string_view text_first = "IJKLMNOPQRSTUVWXYZabcdef234567";
  const std::string_view second = "0123456789ABCDEFGHQSTUVWXabcdefgijklmnwyz";
  const std::string_view third = "0123456789ABCDEFIJMNQRUVYZabcdefghklopstwx";
  const std::string_view after_special = "0123456789ABCDEFabcdefnrt\"'";
  for (std::size_t block = 0; block < each[0].size(); ++block) {
    for (std::size_t k = 0; k < 64; ++k) {
      const char c = blocks[block * 64 + k];
      const int code = static_cast<unsigned char>(c);
      EXPECT_EQ((each[0][block].base64 >> k) & 1, base64_alphabet.find(c) != std::string_view::npos ? 1u : 0u) << code;
      EXPECT_EQ((each[0][block].text_first >> k) & 1, text_first.find(c) != std::string_view::npos ? 1u : 0u) << code;
      EXPECT_EQ((each[0][block].special >> k) & 1, c == '%' || c == '\\' ? 1u : 0u) << code;
      EXPECT_EQ((each[0][block].second >> k) & 1, second.find(c) != std::string_view::npos ? 1u : 0u) << code;
      EXPECT_EQ((each[0][block].third >> k) & 1, third.find(c) != std::string_view::npos ? 1u : 0u) << code;
      EXPECT_EQ((each[0][block].after_special >> k) & 1, after_special.find(c) != std::string_view::npos ? 1u : 0u)
          << code;
    }
  }
  for (std::size_t way = 1; way < each.size(); ++way) {
    for (std::size_t block = 0; block < each[0].size(); ++block) {
      detail::BlockClasses told = each[way][block];
      for (auto field :
           {&detail::BlockClasses::second, &detail::BlockClasses::third, &detail::BlockClasses::after_special}) {
        if (told.*field == ~std::uint64_t{0}) told.*field = each[0][block].*field;  // a class it does not tell
      }
      EXPECT_TRUE(told == each[0][block]) << "classifier " << way << ", block " << block;
    }
  }
}

// A run of base64 of text is found whole, and a run that cannot start text is not, at every offset: inside a block,
// across a block's end, and in the last bytes after the blocks.
TEST(DecodeBlocks, FindsTheSameRunAtEveryOffset) {
  const std::string encoded = "aGVsbG8gd29ybGQgaGVsbG8";  // base64 of "hello world hello", its '=' not a part
  const std::string not_text(40, 'A');                    // 'A' starts no base64 of text
  decoding::Events events;
  for (std::size_t offset = 0; offset < 200; ++offset) {
    const std::string bytes = std::string(offset, ' ') + encoded + "= " + not_text + " tail";
    decoding::find_events(bytes, 0, bytes.size(), events);
    ASSERT_EQ(events.runs.size(), 1u) << "offset " << offset;
    EXPECT_EQ(events.runs[0], std::make_pair(offset, offset + encoded.size())) << "offset " << offset;
    EXPECT_TRUE(events.specials.empty()) << "offset " << offset;
  }
}

// A '%' before a token (a percent-encoded separator) is an event wherever it falls; the events of one text do not
// carry over into the next.
TEST(DecodeBlocks, FindsAPercentBeforeATokenAtEveryOffset) {
  decoding::Events events;
  for (std::size_t offset = 0; offset < 200; ++offset) {
    const std::string bytes = std::string(offset, ' ') + "key%3DAbCdEfGh12 " + std::string(70, '.');
    decoding::find_events(bytes, 0, bytes.size(), events);
    ASSERT_EQ(events.specials.size(), 1u) << "offset " << offset;
    EXPECT_EQ(events.specials[0], offset + 3) << "offset " << offset;
    EXPECT_TRUE(events.runs.empty()) << "offset " << offset;
  }
}

}  // namespace
}  // namespace keyward::engine
