#include "scanner/engine/decode_blocks.h"

#include <algorithm>
#include <array>
#include <bit>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "scanner/engine/decode.h"
#include "scanner/engine/decode_tables.h"

namespace keyward::engine {
namespace decoding {
namespace {

// What the block pass tells of each byte, one table for every classifier (the AVX-512 one looks up its first 128
// entries). A run may start base64 or hex of text at kFirstOfText (I-Z a-f, 2-7); base64's second character holds
// the high nibble of the second byte (0 or 2-7 in text) and its third the top two bits of the third byte (0 or
// 1), and in hex any digit may follow. A '%' or '\\' triggers a window (is_trigger) only before n t r " ' or a hex
// digit. Used only to drop runs and escapes early: starts_like_text, run_candidate and is_trigger (decode.cpp)
// decide.
enum BlockClass : std::uint8_t {
  kInBase64 = 1,
  kFirstOfText = 2,
  kSpecial = 4,  // '%' or '\\'
  kSecondOfText = 8,
  kThirdOfText = 16,
  kAfterSpecial = 32,
};
struct alignas(64) BlockClassTable {
  std::array<std::uint8_t, 256> bits{};
};
constexpr BlockClassTable make_block_classes() {
  BlockClassTable table;
  for (std::size_t c = 0; c < 256; ++c) {
    const int v = kBase64Values[c];
    const bool hex = kHexValues[c] >= 0;
    const bool second = hex || (v >= 0 && ((v & 15) == 0 || ((v & 15) >= 2 && (v & 15) <= 7)));
    const bool third = hex || (v >= 0 && (v & 3) <= 1);
    const bool after = hex || c == 'n' || c == 't' || c == 'r' || c == '"' || c == '\'';
    table.bits[c] = static_cast<std::uint8_t>(
        ((kClasses[c] & kBase64Class) != 0 ? kInBase64 : 0) | ((kClasses[c] & kTextFirst) != 0 ? kFirstOfText : 0) |
        ((kClasses[c] & (kPercent | kBackslash)) != 0 ? kSpecial : 0) | (second ? kSecondOfText : 0) |
        (third ? kThirdOfText : 0) | (after ? kAfterSpecial : 0));
  }
  return table;
}
constexpr BlockClassTable kBlockClasses = make_block_classes();
static_assert([] {  // the AVX-512 lookup takes bytes of 0x80 and above as in no class
  for (std::size_t c = 0x80; c < 256; ++c) {
    if (kBlockClasses.bits[c] != 0) return false;
  }
  return true;
}());

// Which of 64 bytes are in each BlockClass (bit i: byte i). A classifier that does not tell the second, third and
// after-special characters sets all their bits. The same type the test compares (decode_blocks.h).
using BlockMasks = detail::BlockClasses;

using Classifier = BlockMasks (*)(const unsigned char* p);

BlockMasks classify_portable(const unsigned char* p) {
  BlockMasks masks;
  for (int k = 0; k < 64; ++k) {
    const std::uint8_t c = kBlockClasses.bits[p[k]];
    const std::uint64_t bit = std::uint64_t{1} << k;
    if ((c & kInBase64) != 0) masks.base64 |= bit;
    if ((c & kFirstOfText) != 0) masks.text_first |= bit;
    if ((c & kSecondOfText) != 0) masks.second |= bit;
    if ((c & kThirdOfText) != 0) masks.third |= bit;
    if ((c & kAfterSpecial) != 0) masks.after_special |= bit;
    if ((c & kSpecial) != 0) masks.special |= bit;
  }
  return masks;
}

#if defined(__SSE2__)
// Without a byte shuffle, the second, third and after-special characters are not told: all bytes may be.
BlockMasks classify_sse2(const unsigned char* p) {
  // In [first, first + n): v + (0x80 - first) below -128 + n, as signed bytes.
  auto in_range = [](__m128i v, char first, int n) {
    return _mm_cmpgt_epi8(_mm_set1_epi8(static_cast<char>(-128 + n)),
                          _mm_add_epi8(v, _mm_set1_epi8(static_cast<char>(0x80 - first))));
  };
  BlockMasks masks{.second = ~std::uint64_t{0}, .third = ~std::uint64_t{0}, .after_special = ~std::uint64_t{0}};
  for (int k = 0; k < 4; ++k) {
    const __m128i v =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + std::size_t{16} * static_cast<std::size_t>(k)));
    const __m128i letter = in_range(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 26);  // A-Z folded onto a-z
    const __m128i symbol = _mm_or_si128(  // '+' and '/' both become '/' with bit 2 set
        _mm_or_si128(_mm_cmpeq_epi8(_mm_or_si128(v, _mm_set1_epi8(0x04)), _mm_set1_epi8('/')),
                     _mm_cmpeq_epi8(v, _mm_set1_epi8('-'))),
        _mm_cmpeq_epi8(v, _mm_set1_epi8('_')));
    const __m128i base64 = _mm_or_si128(_mm_or_si128(letter, in_range(v, '0', 10)), symbol);
    const __m128i text = _mm_or_si128(_mm_or_si128(in_range(v, 'I', 18), in_range(v, 'a', 6)), in_range(v, '2', 6));
    const __m128i special = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('%')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
    const int shift = 16 * k;
    masks.base64 |= std::uint64_t{static_cast<std::uint32_t>(_mm_movemask_epi8(base64))} << shift;
    masks.text_first |= std::uint64_t{static_cast<std::uint32_t>(_mm_movemask_epi8(text))} << shift;
    masks.special |= std::uint64_t{static_cast<std::uint32_t>(_mm_movemask_epi8(special))} << shift;
  }
  return masks;
}
#endif

#if defined(__x86_64__)
// The characters that may follow a '%' or '\\' that triggers, by nibble: a byte's high nibble (2-7) picks one bit
// of `row`, and the entry of its low nibble holds the bits of the rows where that byte is in the class. Twice
// over, for both lanes of vpshufb. (The second and third characters of text could be told the same way, but with
// AVX2 that costs more than the runs it drops: bench/README.md.)
struct alignas(32) NibbleTables {
  std::array<std::uint8_t, 32> row{};
  std::array<std::uint8_t, 32> after_special{};
};
constexpr NibbleTables make_nibble_tables() {
  NibbleTables tables;
  for (std::size_t k = 0; k < 32; ++k) {
    const std::size_t nibble = k % 16;
    tables.row[k] = static_cast<std::uint8_t>(nibble >= 2 && nibble <= 7 ? 1u << (nibble - 2) : 0u);
    for (std::size_t high = 2; high <= 7; ++high) {
      if ((kBlockClasses.bits[high * 16 + nibble] & kAfterSpecial) != 0) {
        tables.after_special[k] = static_cast<std::uint8_t>(tables.after_special[k] | 1u << (high - 2));
      }
    }
  }
  return tables;
}
constexpr NibbleTables kNibbleTables = make_nibble_tables();
static_assert([] {  // every character of the class is in rows 2-7
  for (std::size_t c = 0; c < 256; ++c) {
    if ((kBlockClasses.bits[c] & kAfterSpecial) != 0 && (c < 0x20 || c >= 0x80)) return false;
  }
  return true;
}());

// The classes from table lookups on each byte's high and low nibble (vpshufb): a byte is in a class when the two
// entries share a bit of it. In the first pair of tables bits 0-4 are the base64 groups (+-/, 0-9, A-O a-o,
// P-Z p-z, _) and bits 5-6 are '%' and '\\'; in the second, bits 0-3 are the groups of kTextFirst (2-7, I-O,
// P-Z, a-f); the after-special class comes from kNibbleTables, and the second and third characters are not told.
// Bytes of 0x80 and above have no bits.
__attribute__((target("avx2"), always_inline)) inline BlockMasks classify_avx2(const unsigned char* p) {
  const __m256i low_table = _mm256_setr_epi8(                                                          //
      0x0a, 0x0e, 0x0e, 0x0e, 0x0e, 0x2e, 0x0e, 0x0e, 0x0e, 0x0e, 0x0c, 0x05, 0x44, 0x05, 0x04, 0x15,  //
      0x0a, 0x0e, 0x0e, 0x0e, 0x0e, 0x2e, 0x0e, 0x0e, 0x0e, 0x0e, 0x0c, 0x05, 0x44, 0x05, 0x04, 0x15);
  const __m256i high_table = _mm256_setr_epi8(                           //
      0, 0, 0x21, 0x02, 0x04, 0x58, 0x04, 0x08, 0, 0, 0, 0, 0, 0, 0, 0,  //
      0, 0, 0x21, 0x02, 0x04, 0x58, 0x04, 0x08, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m256i text_low_table = _mm256_setr_epi8(                                                     //
      0x04, 0x0c, 0x0d, 0x0d, 0x0d, 0x0d, 0x0d, 0x05, 0x04, 0x06, 0x06, 0x02, 0x02, 0x02, 0x02, 0x02,  //
      0x04, 0x0c, 0x0d, 0x0d, 0x0d, 0x0d, 0x0d, 0x05, 0x04, 0x06, 0x06, 0x02, 0x02, 0x02, 0x02, 0x02);
  const __m256i text_high_table = _mm256_setr_epi8(                //
      0, 0, 0, 0x01, 0x02, 0x04, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0,  //
      0, 0, 0, 0x01, 0x02, 0x04, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m256i row_table = _mm256_load_si256(reinterpret_cast<const __m256i*>(kNibbleTables.row.data()));
  const __m256i after_table = _mm256_load_si256(reinterpret_cast<const __m256i*>(kNibbleTables.after_special.data()));
  const __m256i nibble = _mm256_set1_epi8(0x0f);
  const __m256i zero = _mm256_setzero_si256();
  const __m256i base64_bits = _mm256_set1_epi8(0x1f);
  const __m256i special_bits = _mm256_set1_epi8(0x60);
  const __m256i v[2] = {_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)),
                        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32))};
  // Per half: masks of the bytes with none of a class's bits (inverted below).
  std::uint32_t not_base64[2], not_special[2], not_text[2], not_after[2];
#pragma GCC unroll 2
  for (int half = 0; half < 2; ++half) {
    const __m256i low_nibbles = _mm256_and_si256(v[half], nibble);
    const __m256i high_nibbles = _mm256_and_si256(_mm256_srli_epi16(v[half], 4), nibble);
    const __m256i classes =
        _mm256_and_si256(_mm256_shuffle_epi8(low_table, low_nibbles), _mm256_shuffle_epi8(high_table, high_nibbles));
    const __m256i text = _mm256_and_si256(_mm256_shuffle_epi8(text_low_table, low_nibbles),
                                          _mm256_shuffle_epi8(text_high_table, high_nibbles));
    const __m256i rows = _mm256_shuffle_epi8(row_table, high_nibbles);
    const __m256i after = _mm256_and_si256(_mm256_shuffle_epi8(after_table, low_nibbles), rows);
    not_base64[half] = static_cast<std::uint32_t>(
        _mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_and_si256(classes, base64_bits), zero)));
    not_special[half] = static_cast<std::uint32_t>(
        _mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_and_si256(classes, special_bits), zero)));
    not_text[half] = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(text, zero)));
    not_after[half] = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(after, zero)));
  }
  auto join = [](const std::uint32_t* halves) {
    return ~(std::uint64_t{halves[0]} | (std::uint64_t{halves[1]} << 32));
  };
  return {.base64 = join(not_base64),
          .text_first = join(not_text),
          .second = ~std::uint64_t{0},
          .third = ~std::uint64_t{0},
          .after_special = join(not_after),
          .special = join(not_special)};
}

// All 64 bytes looked up at once in the first 128 entries of kBlockClasses by their low seven bits (AVX-512
// VBMI); bytes of 0x80 and above are in no class.
__attribute__((target("avx512f,avx512bw,avx512vbmi"), always_inline)) inline BlockMasks classify_avx512(
    const unsigned char* p) {
  const __m512i low_half = _mm512_load_si512(kBlockClasses.bits.data());
  const __m512i high_half = _mm512_load_si512(kBlockClasses.bits.data() + 64);
  const __m512i v = _mm512_loadu_si512(p);
  const __m512i classes = _mm512_permutex2var_epi8(low_half, v, high_half);
  const __mmask64 ascii = ~_mm512_movepi8_mask(v);
  return {.base64 = _mm512_mask_test_epi8_mask(ascii, classes, _mm512_set1_epi8(kInBase64)),
          .text_first = _mm512_mask_test_epi8_mask(ascii, classes, _mm512_set1_epi8(kFirstOfText)),
          .second = _mm512_mask_test_epi8_mask(ascii, classes, _mm512_set1_epi8(kSecondOfText)),
          .third = _mm512_mask_test_epi8_mask(ascii, classes, _mm512_set1_epi8(kThirdOfText)),
          .after_special = _mm512_mask_test_epi8_mask(ascii, classes, _mm512_set1_epi8(kAfterSpecial)),
          .special = _mm512_mask_test_epi8_mask(ascii, classes, _mm512_set1_epi8(kSpecial))};
}
#endif

// Bit i set where bits i..i+7 of `mask` are all set: a run of 8 within the block.
inline std::uint64_t runs_of_8(std::uint64_t mask) {
  mask &= mask >> 1;
  mask &= mask >> 2;
  mask &= mask >> 4;
  return mask;
}

constexpr std::size_t kNone = ~std::size_t{0};

// Carried from one block to the next: its base64 characters, those of its runs that may encode text, and the
// start of such a run of 16 or more that reached its end, if one did.
struct BlockState {
  std::uint64_t all = 0;
  std::uint64_t runs = 0;
  std::size_t open_run = kNone;
};
static_assert(kMinBase64Chars == 16);

// A block that needs a look, kept for the second stage: where it starts, its base64 characters, those of its runs
// that may encode text, where windows of 16 of those end within it, its '%' and '\\', and the runs of the block
// before it. No member initializers: a batch of them is left as it is until written, not cleared for each text.
struct BlockRecord {
  std::size_t at;
  std::uint64_t all;
  std::uint64_t runs;
  std::uint64_t ends;
  std::uint64_t special;
  std::uint64_t runs_before;
};

// The first stage, without a branch: one block's runs and windows from its masks, into `record`; true when the
// block needs a look. Only runs whose first bytes may start base64 or hex of text count (text's first byte,
// 0x20-0x7e, encodes to one of I-Z a-f in base64 and 2-7 in hex, and the next two have their own sets), so words,
// paths and hashes mostly drop out here, with all their bits: adding a run's first bit to the mask carries
// through the run and clears it, so `all & (all + bad)` keeps only the others. A window of 16 ends at bit e when
// bits e-15..e of those are set. A block needs a look when such a window ends in it, when it holds a '%' or '\\'
// that may trigger, or when a run that may encode text reached the last one's end (the second stage follows it
// across).
__attribute__((always_inline)) inline bool block_record(const BlockMasks& masks, std::size_t at, BlockState& state,
                                                        BlockRecord& record) {
  const std::uint64_t all = masks.base64;
  const std::uint64_t starts = all & ~((all << 1) | (state.all >> 63));  // the last block's last byte before bit 0
  // The second and third characters of a run at the block's end are in the next block: they may do.
  const std::uint64_t may_start = masks.text_first & ((masks.second >> 1) | (std::uint64_t{1} << 63)) &
                                  ((masks.third >> 2) | (std::uint64_t{3} << 62));
  // A run that goes on from the last block keeps that block's verdict: bad unless its bits survived there.
  const std::uint64_t bad = (starts & ~may_start) | (all & ((state.all & ~state.runs) >> 63));
  const std::uint64_t runs = all & (all + bad);
  std::uint64_t ends = runs;
  ends &= ends << 1;
  ends &= ends << 2;
  ends &= ends << 4;
  ends &= ends << 8;
  // A '%' or '\\' triggers only before one of a few characters; the next block's first may be one.
  const std::uint64_t special = masks.special & ((masks.after_special >> 1) | (std::uint64_t{1} << 63));
  record = {.at = at, .all = all, .runs = runs, .ends = ends, .special = special, .runs_before = state.runs};
  const std::uint64_t carried = state.runs >> 63;
  state.all = all;
  state.runs = runs;
  return (ends | special | carried) != 0;
}

// The second stage: a recorded block's events, in order. `open_run` is the start of a run of 16 or more that
// reached the end of the last recorded block, or kNone.
inline void record_events(const BlockRecord& record, std::size_t& open_run, Events& out) {
  std::uint64_t ends = record.ends;
  if (open_run != kNone) {  // it ends here, or goes on
    const int lead = std::countr_one(record.all);
    if (lead == 64) return;  // a data: URL can run for megabytes; no escape can be in here
    out.runs.emplace_back(open_run, record.at + static_cast<std::size_t>(lead));
    open_run = kNone;
    ends &= ~std::uint64_t{0} << lead;           // the windows of the run just ended
  } else if ((record.runs_before >> 63) != 0) {  // a run shorter than 16 reached the last block's end: it goes on
    const int before = std::countl_one(record.runs_before);
    const int lead = std::countr_one(record.runs);
    if (before + lead >= static_cast<int>(kMinBase64Chars)) {
      const std::size_t begin = record.at - static_cast<std::size_t>(before);
      if (lead == 64) {
        open_run = begin;
        return;
      }
      out.runs.emplace_back(begin, record.at + static_cast<std::size_t>(lead));
    }
    ends &= ~std::uint64_t{0} << lead;  // its windows, if any
  }
  if (record.special != 0) {
    // An escape or '%' triggers only before a token (is_trigger): at least 8 base64 characters 2 or 3 bytes on.
    // From byte 53 on, the token may go on into the next block: there, all the bytes from 3 on must be base64.
    const std::uint64_t tokens = runs_of_8(record.all);
    const int tail = std::countl_one(record.all);
    const std::uint64_t to_the_end = tail >= 61 ? ~std::uint64_t{0} : ~std::uint64_t{0} << (61 - tail);
    for (std::uint64_t special =
             record.special & ((tokens >> 2) | (tokens >> 3) | (to_the_end & (~std::uint64_t{0} << 53)));
         special != 0; special &= special - 1) {
      out.specials.push_back(record.at + static_cast<std::size_t>(std::countr_zero(special)));
    }
  }
  while (ends != 0) {
    const int e = std::countr_zero(ends);
    // The first window of a run: it starts at e - 15, else a window would have ended earlier.
    const std::size_t begin = record.at + static_cast<std::size_t>(e) + 1 - kMinBase64Chars;
    const int stop = e + std::countr_one(record.runs >> e);  // the run's end in this block, or 64
    if (stop == 64) {
      open_run = begin;
      return;
    }
    out.runs.emplace_back(begin, record.at + static_cast<std::size_t>(stop));
    ends &= ~std::uint64_t{0} << stop;
  }
}

// The events of `blocks` blocks of 64 bytes from b + at, a batch at a time: the first stage over the batch, then
// the second over the blocks it recorded, so the branches of the few do not slow the many.
template <typename Classify>
__attribute__((always_inline)) inline void find_block_events(Classify classify, const unsigned char* b, std::size_t at,
                                                             std::size_t blocks, BlockState& state, Events& out) {
  constexpr std::size_t kBatch = 256;
  std::array<BlockRecord, kBatch> records;  // the block at k is written at `kept`, never beyond k
  BlockState local = state;                 // kept in registers: `out` cannot alias it
  for (std::size_t done = 0; done < blocks;) {
    const std::size_t batch = std::min(kBatch, blocks - done);
    std::size_t kept = 0;
    for (std::size_t k = 0; k < batch; ++k, at += 64) {
      kept += static_cast<std::size_t>(block_record(classify(b + at), at, local, records[kept]));
    }
    for (std::size_t k = 0; k < kept; ++k) record_events(records[k], local.open_run, out);
    done += batch;
  }
  state = local;
}

// The events of `blocks` blocks of 64 bytes from b + at; one per classifier, the fastest chosen once.
using EventFinder = void (*)(const unsigned char* b, std::size_t at, std::size_t blocks, BlockState& state,
                             Events& out);

// Where the compiler has no SSE2 (never on x86-64, so unused there).
[[maybe_unused]] void block_events_portable(const unsigned char* b, std::size_t at, std::size_t blocks,
                                            BlockState& state, Events& out) {
  find_block_events([](const unsigned char* p) { return classify_portable(p); }, b, at, blocks, state, out);
}

#if defined(__SSE2__)
void block_events_sse2(const unsigned char* b, std::size_t at, std::size_t blocks, BlockState& state, Events& out) {
  find_block_events([](const unsigned char* p) { return classify_sse2(p); }, b, at, blocks, state, out);
}
#endif

#if defined(__x86_64__)
__attribute__((target("avx2,bmi,bmi2,lzcnt,popcnt"))) void block_events_avx2(const unsigned char* b, std::size_t at,
                                                                             std::size_t blocks, BlockState& state,
                                                                             Events& out) {
  find_block_events(
      [](const unsigned char* p) __attribute__((target("avx2"))) { return classify_avx2(p); }, b, at, blocks, state,
      out);
}

__attribute__((target("avx512f,avx512bw,avx512vbmi,avx2,bmi,bmi2,lzcnt,popcnt"))) void block_events_avx512(
    const unsigned char* b, std::size_t at, std::size_t blocks, BlockState& state, Events& out) {
  find_block_events(
      [](const unsigned char* p) __attribute__((target("avx512f,avx512bw,avx512vbmi"))) { return classify_avx512(p); },
      b, at, blocks, state, out);
}

bool has_avx512_vbmi() {
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
}
#endif

EventFinder pick_event_finder() {
#if defined(__x86_64__)
  if (has_avx512_vbmi()) return block_events_avx512;
  // Every CPU with AVX2 and BMI2 also has LZCNT (Haswell, Excavator and later).
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2")) {
    return block_events_avx2;
  }
#endif
#if defined(__SSE2__)
  return block_events_sse2;
#else
  return block_events_portable;
#endif
}
const EventFinder kFindBlockEvents = pick_event_finder();

}  // namespace

void find_events(std::string_view bytes, std::size_t begin, std::size_t end, Events& out) {
  out.runs.clear();
  out.specials.clear();
  const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
  BlockState state;
  const std::size_t blocks = (end - begin) / 64;
  kFindBlockEvents(b, begin, blocks, state, out);
  std::size_t i = begin + 64 * blocks;
  // The run the blocks left at their end, long or not yet, then the last bytes one at a time.
  if (state.open_run != kNone || (state.all >> 63) != 0) {
    const bool good = state.open_run != kNone || (state.runs >> 63) != 0;
    const std::size_t run_begin =
        state.open_run != kNone ? state.open_run : i - static_cast<std::size_t>(std::countl_one(state.runs));
    while (i < end && (kClasses[b[i]] & kBase64Class) != 0) ++i;
    if (good && i - run_begin >= kMinBase64Chars) out.runs.emplace_back(run_begin, i);
  }
  while (i < end) {
    const std::uint8_t c = kClasses[b[i]];
    if ((c & kBase64Class) == 0) {
      if ((c & (kPercent | kBackslash)) != 0) out.specials.push_back(i);
      ++i;
      continue;
    }
    const std::size_t run_begin = i;
    while (i < end && (kClasses[b[i]] & kBase64Class) != 0) ++i;
    if (i - run_begin >= kMinBase64Chars && (kClasses[b[run_begin]] & kTextFirst) != 0) {
      out.runs.emplace_back(run_begin, i);
    }
  }
}

}  // namespace decoding

namespace detail {

std::vector<std::vector<BlockClasses>> classify_every_way(std::string_view blocks) {
  using namespace decoding;  // the classifiers
  std::vector<Classifier> classifiers{classify_portable};
#if defined(__SSE2__)
  classifiers.push_back(classify_sse2);
#endif
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx2")) classifiers.push_back(classify_avx2);
  if (has_avx512_vbmi()) classifiers.push_back(classify_avx512);
#endif
  std::vector<std::vector<BlockClasses>> out;
  const auto* p = reinterpret_cast<const unsigned char*>(blocks.data());
  for (const Classifier classify : classifiers) {
    auto& each = out.emplace_back();
    for (std::size_t at = 0; at + 64 <= blocks.size(); at += 64) {
      each.push_back(classify(p + at));
    }
  }
  return out;
}

}  // namespace detail

}  // namespace keyward::engine
