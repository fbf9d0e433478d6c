// The first pass of decoding (engine/decode.h), 64 bytes at a time: where the runs of base64 characters that may
// encode text are, and the '%' and '\\' that may trigger a window. The per-CPU classifiers (AVX-512 VBMI, AVX2,
// SSE2, portable) live here, the fastest one this CPU runs chosen once; all find the same events. Knows nothing of
// views, decoding or rules: decode.cpp decides what each event is worth.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace keyward::engine {

namespace decoding {

// What the blocks of a text hold that may need a look: runs of base64 characters of 16 or more whose first bytes
// may start an encoding of text, and the '%' and '\\' that may trigger a window; both in order.
struct Events {
  std::vector<std::pair<std::size_t, std::size_t>> runs;  // [begin, end)
  std::vector<std::size_t> specials;
};

// The events of bytes [begin, end) of `bytes`, into `out` (cleared first): whole blocks with the chosen
// classifier, the last bytes one at a time.
void find_events(std::string_view bytes, std::size_t begin, std::size_t end, Events& out);

}  // namespace decoding

namespace detail {
// Each 64-byte block of `blocks` classified by every classifier this CPU runs, the portable one first, as masks
// (bit i: byte i) of the base64 characters, of the first, second and third characters of base64 or hex of text,
// of the characters that may follow a '%' or '\\' that triggers a window (a classifier that does not tell the
// last three sets them all) and of '%' and '\\'. For the test that they all agree.
struct BlockClasses {
  std::uint64_t base64 = 0;
  std::uint64_t text_first = 0;
  std::uint64_t second = 0;
  std::uint64_t third = 0;
  std::uint64_t after_special = 0;
  std::uint64_t special = 0;
  bool operator==(const BlockClasses&) const = default;
};
std::vector<std::vector<BlockClasses>> classify_every_way(std::string_view blocks);
}  // namespace detail

}  // namespace keyward::engine
