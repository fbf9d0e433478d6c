#include "scanner/engine/decode.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "scanner/engine/engine.h"

namespace keyward::engine {
namespace {

// Kept on either side of a decoded run, within its line: room for the keywords that give a secret its context.
constexpr std::size_t kContextBytes = 160;
// Around an escape or a percent-encoded byte, the window of the line that is unescaped and scanned again.
constexpr std::size_t kWindowBytes = 160;
// Decoded before the rest of a run, to turn binary data (images, fonts, hashes) away cheaply.
constexpr std::size_t kProbeChars = 64;

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
constexpr std::uint8_t kBase64Class = kUpper | kLower | kDigit | kSymbol;

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
constexpr auto kClasses = make_classes();

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
constexpr auto kBase64Values = make_base64_values();

// Bytes of text: printable ASCII, tab, line feed, carriage return (1; others 0). Numbers, not bools, so that
// starts_like_text can join three lookups with a branch-free `&`.
constexpr std::array<std::uint8_t, 256> make_text_bytes() {
  std::array<std::uint8_t, 256> text{};
  for (int c = 0x20; c < 0x7f; ++c) text[c] = 1;
  text['\t'] = text['\n'] = text['\r'] = 1;
  return text;
}
constexpr auto kTextBytes = make_text_bytes();

constexpr std::array<int, 256> make_hex_values() {
  std::array<int, 256> values{};
  values.fill(-1);
  for (int c = '0'; c <= '9'; ++c) values[c] = c - '0';
  for (int c = 'a'; c <= 'f'; ++c) values[c] = c - 'a' + 10;
  for (int c = 'A'; c <= 'F'; ++c) values[c] = c - 'A' + 10;
  return values;
}
constexpr auto kHexValues = make_hex_values();

// What the block pass tells of each byte, one table for every classifier (the AVX-512 one looks up its first 128
// entries). A run may start base64 or hex of text at kFirstOfText (I-Z a-f, 2-7); base64's second character holds
// the high nibble of the second byte (0 or 2-7 in text) and its third the top two bits of the third byte (0 or
// 1), and in hex any digit may follow. A '%' or '\\' triggers a window (is_trigger) only before n t r " ' or a hex
// digit. Used only to drop runs and escapes early: starts_like_text, run_candidate and is_trigger decide.
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

// Whether the first three bytes that a run of base64 characters (at least six of them at `p`) encodes, as
// base64 or as hex, are text. Straight-line code: most runs are identifiers, paths and hashes that fail here.
bool starts_like_text(const unsigned char* p) {
  const int v0 = kBase64Values[p[0]], v1 = kBase64Values[p[1]], v2 = kBase64Values[p[2]], v3 = kBase64Values[p[3]];
  const bool base64 = (kTextBytes[static_cast<unsigned>((v0 << 2) | (v1 >> 4)) & 0xffu] &
                       kTextBytes[static_cast<unsigned>(((v1 & 15) << 4) | (v2 >> 2))] &
                       kTextBytes[static_cast<unsigned>(((v2 & 3) << 6) | v3)]) != 0;
  const int h0 = kHexValues[p[0]], h1 = kHexValues[p[1]], h2 = kHexValues[p[2]], h3 = kHexValues[p[3]],
            h4 = kHexValues[p[4]], h5 = kHexValues[p[5]];
  const bool hex = (h0 | h1 | h2 | h3 | h4 | h5) >= 0 && kTextBytes[static_cast<unsigned>((h0 << 4) | h1)] != 0 &&
                   kTextBytes[static_cast<unsigned>((h2 << 4) | h3)] != 0 &&
                   kTextBytes[static_cast<unsigned>((h4 << 4) | h5)] != 0;
  return base64 || hex;
}

int hex_value(char c) { return kHexValues[static_cast<unsigned char>(c)]; }

// An encoding undone, and the encodings undone to reach a view's bytes: four bits a label, the outermost in the
// highest (base64 of hex: 0x12); 0 for bytes copied as they are. Plain numbers, since a window of escaped JSON
// makes two segments an escape. Depth is at most kMaxDecodeDepth, so its labels always fit.
enum class Label : std::uint32_t { kBase64 = 1, kHex = 2, kEscape = 3, kPercent = 4 };
using Chain = std::uint32_t;

Chain chain_with(Chain outer, Label label) { return (outer << 4) | static_cast<Chain>(label); }

// "base64,hex": outermost first.
std::string chain_name(Chain chain) {
  static constexpr std::array<std::string_view, 5> kNames = {"", "base64", "hex", "escape", "percent"};
  std::string out;
  for (int shift = 28; shift >= 0; shift -= 4) {
    const Chain label = (chain >> shift) & 0xfu;
    if (label == 0 || label >= kNames.size()) continue;
    if (!out.empty()) out += ',';
    out += kNames[label];
  }
  return out;
}

// A part of a view: positions [view_begin, view_end) come from the original's [src_begin, src_end), copied as is
// when `chain` is 0, else decoded (every position of it then stands for the whole source span).
struct Segment {
  std::size_t view_begin = 0;
  std::size_t view_end = 0;
  std::size_t src_begin = 0;
  std::size_t src_end = 0;
  Chain chain = 0;
};

// What is scanned: the original bytes (no segments) or a view of them.
struct Source {
  std::string_view bytes;
  const std::vector<Segment>* segments = nullptr;
};

struct View {
  std::string bytes;
  std::vector<Segment> segments;
  std::size_t decoded_begin = 0;  // the decoded run, where nested encodings are looked for; empty for windows
  std::size_t decoded_end = 0;
};

struct Span {
  std::size_t begin = 0;
  std::size_t end = 0;
};

const Segment& segment_at(const std::vector<Segment>& segments, std::size_t pos) {
  auto it = std::upper_bound(segments.begin(), segments.end(), pos,
                             [](std::size_t p, const Segment& s) { return p < s.view_begin; });
  return *(it - 1);
}

// The original bytes behind [begin, end) of `source`; begin < end.
Span source_span(const Source& source, std::size_t begin, std::size_t end) {
  if (source.segments == nullptr) return {begin, end};
  const Segment& first = segment_at(*source.segments, begin);
  const Segment& last = segment_at(*source.segments, end - 1);
  return {first.chain == 0 ? first.src_begin + (begin - first.view_begin) : first.src_begin,
          last.chain == 0 ? last.src_begin + (end - 1 - last.view_begin) + 1 : last.src_end};
}

// The first decoding under [begin, end), or 0 when all of it is copied as is.
Chain chain_over(const Source& source, std::size_t begin, std::size_t end) {
  if (source.segments == nullptr || begin >= end) return 0;
  for (auto it = &segment_at(*source.segments, begin); it != source.segments->data() + source.segments->size(); ++it) {
    if (it->view_begin >= end) break;
    if (it->chain != 0) return it->chain;
  }
  return 0;
}

// Appends `parent` bytes [a, b) to `view` as they are, mapped to the original through the parent's segments.
void copy_into(const Source& parent, std::size_t a, std::size_t b, View& view) {
  std::size_t at = view.bytes.size();
  view.bytes.append(parent.bytes.substr(a, b - a));
  if (parent.segments == nullptr) {
    if (a < b) {
      view.segments.push_back({.view_begin = at, .view_end = at + (b - a), .src_begin = a, .src_end = b, .chain = 0});
    }
    return;
  }
  for (std::size_t pos = a; pos < b;) {
    const Segment& seg = segment_at(*parent.segments, pos);
    const std::size_t stop = std::min(b, seg.view_end);
    if (seg.chain == 0) {
      view.segments.push_back({.view_begin = at,
                               .view_end = at + (stop - pos),
                               .src_begin = seg.src_begin + (pos - seg.view_begin),
                               .src_end = seg.src_begin + (stop - seg.view_begin),
                               .chain = 0});
    } else {
      view.segments.push_back({.view_begin = at,
                               .view_end = at + (stop - pos),
                               .src_begin = seg.src_begin,
                               .src_end = seg.src_end,
                               .chain = seg.chain});
    }
    at += stop - pos;
    pos = stop;
  }
}

// Appends `decoded`, which stands for `parent` bytes [a, b) undone by `label`.
void decode_into(const Source& parent, std::size_t a, std::size_t b, std::string_view decoded, Label label,
                 View& view) {
  const std::size_t at = view.bytes.size();
  view.bytes.append(decoded);
  if (decoded.empty()) return;
  const Span src = source_span(parent, a, b);
  const Chain outer = chain_over(parent, a, b);
  view.segments.push_back({.view_begin = at,
                           .view_end = at + decoded.size(),
                           .src_begin = src.begin,
                           .src_end = src.end,
                           .chain = chain_with(outer, label)});
}

std::size_t line_begin_near(std::string_view bytes, std::size_t pos, std::size_t reach, std::size_t floor) {
  const std::size_t lowest = pos - std::min(pos - floor, reach);
  for (std::size_t i = pos; i > lowest; --i) {  // never further back than `reach`: lines can be megabytes long
    if (bytes[i - 1] == '\n') return i;
  }
  return lowest;
}

std::size_t line_end_near(std::string_view bytes, std::size_t pos, std::size_t reach, std::size_t ceiling) {
  const std::size_t highest = pos + std::min(ceiling - pos, reach);
  const auto newline = bytes.substr(0, highest).find('\n', pos);
  return newline == std::string_view::npos ? highest : newline;
}

// A run decoded in place, with the rest of its line (up to kContextBytes either side) around it.
View run_view(const Source& parent, std::size_t begin, std::size_t end, std::size_t run_begin, std::size_t run_end,
              std::string_view decoded, Label label) {
  View view;
  const std::size_t from = line_begin_near(parent.bytes, run_begin, kContextBytes, begin);
  const std::size_t to = line_end_near(parent.bytes, run_end, kContextBytes, end);
  copy_into(parent, from, run_begin, view);
  view.decoded_begin = view.bytes.size();
  decode_into(parent, run_begin, run_end, decoded, label, view);
  view.decoded_end = view.bytes.size();
  copy_into(parent, run_end, to, view);
  return view;
}

// An escape undone: at most three bytes of UTF-8 (a \\u escape), and its length in the source.
struct Unescaped {
  std::array<char, 4> bytes{};
  std::size_t size = 0;
  std::size_t length = 0;
  std::string_view text() const { return {bytes.data(), size}; }
};

// The escape at `pos` (a backslash), decoded.
std::optional<Unescaped> unescape_at(std::string_view bytes, std::size_t pos, std::size_t end) {
  if (pos + 1 >= end) return std::nullopt;
  Unescaped out{.bytes = {}, .size = 1, .length = 2};
  switch (bytes[pos + 1]) {
    case 'n':
      out.bytes[0] = '\n';
      return out;
    case 't':
      out.bytes[0] = '\t';
      return out;
    case 'r':
      out.bytes[0] = '\r';
      return out;
    case '"':
    case '\'':
    case '\\':
    case '/':
      out.bytes[0] = bytes[pos + 1];
      return out;
    case 'u': {
      if (pos + 6 > end) return std::nullopt;
      int code = 0;
      for (std::size_t k = 2; k < 6; ++k) {
        const int v = hex_value(bytes[pos + k]);
        if (v < 0) return std::nullopt;
        code = code * 16 + v;
      }
      out.length = 6;
      if (code < 0x80) {
        out.bytes[0] = static_cast<char>(code);
      } else if (code < 0x800) {
        out.bytes[0] = static_cast<char>(0xc0 | (code >> 6));
        out.bytes[1] = static_cast<char>(0x80 | (code & 0x3f));
        out.size = 2;
      } else {
        out.bytes[0] = static_cast<char>(0xe0 | (code >> 12));
        out.bytes[1] = static_cast<char>(0x80 | ((code >> 6) & 0x3f));
        out.bytes[2] = static_cast<char>(0x80 | (code & 0x3f));
        out.size = 3;
      }
      return out;
    }
    default:
      return std::nullopt;
  }
}

std::optional<char> percent_at(std::string_view bytes, std::size_t pos, std::size_t end) {
  if (pos + 2 >= end) return std::nullopt;
  const int high = hex_value(bytes[pos + 1]);
  const int low = hex_value(bytes[pos + 2]);
  if (high < 0 || low < 0) return std::nullopt;
  return static_cast<char>(high * 16 + low);
}

// Whether at least `n` base64 characters (a token, or a value long enough to be one) start at `pos`.
bool token_at(std::string_view bytes, std::size_t pos, std::size_t end, std::size_t n) {
  if (end - pos < n) return false;
  for (std::size_t k = pos; k < pos + n; ++k) {
    if ((kClasses[static_cast<unsigned char>(bytes[k])] & kBase64Class) == 0) return false;
  }
  return true;
}

// Whether the escaped quote at `pos` opens a value: after `=`, `:` or `(`, with at most two spaces between
// (`key=\"`, `\"key\": \"`, `Mistral(\"`). An escaped quote that closes a value or opens a key or a list item
// does not: a bundle of JavaScript in a JSON string holds thousands of those.
bool opens_value(std::string_view bytes, std::size_t pos, std::size_t begin) {
  for (std::size_t i = pos, spaces = 0; i > begin && spaces <= 2; ++spaces) {
    const char c = bytes[--i];
    if (c == '=' || c == ':' || c == '(') return true;
    if (c != ' ') return false;
  }
  return false;
}

// Where an escape or a percent-encoded byte may hide a secret or break its context: an escaped line break
// glued to a token (`\nghp_...`), an escaped quote that opens a value (`=\"...`), a percent-encoded separator
// before a token (`key%3D...`). Escapes and percent signs in running text and code trigger nothing.
bool is_trigger(std::string_view bytes, std::size_t pos, std::size_t begin, std::size_t end) {
  constexpr std::size_t kValueChars = 8;
  if (bytes[pos] == '%') {
    const auto c = percent_at(bytes, pos, end);
    return c && *c >= 0x20 && *c < 0x7f && token_at(bytes, pos + 3, end, kMinBase64Chars);
  }
  if (pos + 2 >= end) return false;
  switch (bytes[pos + 1]) {
    case 'n':
    case 't':
    case 'r':
      return token_at(bytes, pos + 2, end, kMinBase64Chars);
    case '"':
    case '\'':
      return token_at(bytes, pos + 2, end, kValueChars) && opens_value(bytes, pos, begin);
    default:
      return false;
  }
}

// A window of the line with every escape and percent-encoded byte in it undone.
View window_view(const Source& parent, std::size_t from, std::size_t to) {
  View view;
  view.bytes.reserve(to - from);
  view.segments.reserve(16);
  std::size_t copied = from;
  for (std::size_t i = from; i < to; ++i) {
    const char c = parent.bytes[i];
    if (c == '\\') {
      if (const auto decoded = unescape_at(parent.bytes, i, to)) {
        copy_into(parent, copied, i, view);
        decode_into(parent, i, i + decoded->length, decoded->text(), Label::kEscape, view);
        copied = i + decoded->length;
        i += decoded->length - 1;
      }
    } else if (c == '%') {
      if (auto decoded = percent_at(parent.bytes, i, to)) {
        copy_into(parent, copied, i, view);
        decode_into(parent, i, i + 3, std::string_view(&*decoded, 1), Label::kPercent, view);
        copied = i + 3;
        i += 2;
      }
    }
  }
  copy_into(parent, copied, to, view);
  return view;
}

// A base64 or hex run that decodes to text.
// Whether the first characters of a run decode to plain printable ASCII: binary data (hashes, images, fonts) and
// identifiers that merely look like base64 fail within a dozen bytes, without decoding the rest.
bool printable_start(std::string_view run, bool hex) {
  const std::size_t chars = hex ? kMinHexChars : kMinBase64Chars;
  if (run.size() < chars) return false;
  std::uint32_t bits = 0;
  int count = 0;
  for (std::size_t k = 0; k < chars; ++k) {
    const int v = hex ? hex_value(run[k]) : kBase64Values[static_cast<unsigned char>(run[k])];
    if (v < 0) return false;
    bits = (bits << (hex ? 4 : 6)) | static_cast<std::uint32_t>(v);
    count += hex ? 4 : 6;
    if (count >= 8) {
      count -= 8;
      const unsigned byte = (bits >> count) & 0xffu;
      if ((byte < 0x20 && byte != '\n' && byte != '\r' && byte != '\t') || byte >= 0x7f) return false;
    }
  }
  return true;
}

// A base64 or hex run that decodes to text; the cheapest tests first, since most runs are words and paths.
std::optional<View> run_candidate(const Source& parent, std::size_t begin, std::size_t end, std::size_t run_begin,
                                  std::size_t run_end, std::size_t padded_end) {
  const std::size_t length = run_end - run_begin;
  const std::string_view run = parent.bytes.substr(run_begin, padded_end - run_begin);
  if (length >= kMinHexChars && length % 2 == 0 && padded_end == run_end && printable_start(run, true)) {
    if (auto decoded = decode_hex(run)) {  // empty when a non-hex character comes later: then it may be base64
      if (!mostly_printable(*decoded)) return std::nullopt;
      return run_view(parent, begin, end, run_begin, padded_end, *decoded, Label::kHex);
    }
  }
  if (!printable_start(run, false)) return std::nullopt;
  // Base64 of text mixes cases and nearly always digits or symbols; an identifier seldom does.
  std::uint8_t seen = 0;
  for (std::size_t k = 0; k < std::min(length, kProbeChars); ++k) seen |= kClasses[static_cast<unsigned char>(run[k])];
  if ((seen & kUpper) == 0 || (seen & kLower) == 0 || (seen & (kDigit | kSymbol)) == 0) return std::nullopt;
  auto decoded = decode_base64(run);
  if (!decoded || !mostly_printable(*decoded)) return std::nullopt;
  return run_view(parent, begin, end, run_begin, padded_end, *decoded, Label::kBase64);
}

// Which of 64 bytes are in each BlockClass (bit i: byte i). A classifier that does not tell the second, third and
// after-special characters sets all their bits.
struct BlockMasks {
  std::uint64_t base64 = 0;
  std::uint64_t text_first = 0;
  std::uint64_t second = 0;
  std::uint64_t third = 0;
  std::uint64_t after_special = 0;
  std::uint64_t special = 0;
};

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

// What the blocks of a text hold that may need a look: runs of base64 characters of 16 or more whose first bytes
// may start an encoding of text, and the '%' and '\\' that may trigger a window; both in order.
struct Events {
  std::vector<std::pair<std::size_t, std::size_t>> runs;  // [begin, end)
  std::vector<std::size_t> specials;
};

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

// Every view worth scanning in [begin, end) of `source`, in one pass over its bytes.
std::vector<View> find_views(const Source& source, std::size_t begin, std::size_t end) {
  std::vector<View> views;
  const auto* b = reinterpret_cast<const unsigned char*>(source.bytes.data());
  // Events of whole blocks, then of the last bytes one at a time; reused by the thread, and free again before
  // any nested decoding looks for its own.
  thread_local Events events;
  events.runs.clear();
  events.specials.clear();
  BlockState state;
  const std::size_t blocks = (end - begin) / 64;
  kFindBlockEvents(b, begin, blocks, state, events);
  std::size_t i = begin + 64 * blocks;
  // The run the blocks left at their end, long or not yet, then the last bytes one at a time.
  if (state.open_run != kNone || (state.all >> 63) != 0) {
    const bool good = state.open_run != kNone || (state.runs >> 63) != 0;
    const std::size_t run_begin =
        state.open_run != kNone ? state.open_run : i - static_cast<std::size_t>(std::countl_one(state.runs));
    while (i < end && (kClasses[b[i]] & kBase64Class) != 0) ++i;
    if (good && i - run_begin >= kMinBase64Chars) events.runs.emplace_back(run_begin, i);
  }
  while (i < end) {
    const std::uint8_t c = kClasses[b[i]];
    if ((c & kBase64Class) == 0) {
      if ((c & (kPercent | kBackslash)) != 0) events.specials.push_back(i);
      ++i;
      continue;
    }
    const std::size_t run_begin = i;
    while (i < end && (kClasses[b[i]] & kBase64Class) != 0) ++i;
    if (i - run_begin >= kMinBase64Chars && (kClasses[b[run_begin]] & kTextFirst) != 0) {
      events.runs.emplace_back(run_begin, i);
    }
  }

  std::size_t window_from = 0, window_to = 0;  // the window being gathered, empty when equal
  auto close_window = [&] {
    if (window_to > window_from) views.push_back(window_view(source, window_from, window_to));
    window_from = window_to = 0;
  };
  auto trigger = [&](std::size_t at) {
    if (!is_trigger(source.bytes, at, begin, end)) return;
    const std::size_t from = line_begin_near(source.bytes, at, kWindowBytes, begin);
    const std::size_t to = line_end_near(source.bytes, at, kWindowBytes, end);
    if (window_to > window_from && from <= window_to) {
      window_to = std::max(window_to, to);
    } else {
      close_window();
      window_from = from;
      window_to = to;
    }
  };
  // A run of base64 characters [run_begin, run_end) of 16 or more: looked at, padding taken.
  auto take_run = [&](std::size_t run_begin, std::size_t run_end) {
    // Its first three characters may start text (the block pass): do the first three bytes they encode? Most
    // runs fail here, before the bytes after them are read.
    if (!starts_like_text(b + run_begin)) return;
    std::size_t padded = run_end;
    while (padded < end && padded - run_end < 2 && b[padded] == '=') ++padded;
    if (auto view = run_candidate(source, begin, end, run_begin, run_end, padded)) views.push_back(std::move(*view));
  };
  // In the order of the text: a run and a window may make the same finding, and the first one found is kept.
  std::size_t r = 0, t = 0;
  while (r < events.runs.size() || t < events.specials.size()) {
    if (t == events.specials.size() || (r < events.runs.size() && events.runs[r].first < events.specials[t])) {
      take_run(events.runs[r].first, events.runs[r].second);
      ++r;
    } else {
      trigger(events.specials[t++]);
    }
  }
  close_window();
  return views;
}

bool overlaps(Span a, Span b) { return a.begin < b.end && b.begin < a.end; }

// A view's match, kept when a decoding is part of it and nothing found it already; mapped to the original.
void keep_if_new(const Source& view, Match match, std::vector<Match>& out) {
  // A decoded byte in the match or right beside it (an escape that glued a letter to a token, breaking \b).
  const Chain chain = chain_over(view, match.start > 0 ? match.start - 1 : 0, match.end + 1);
  if (chain == 0 || match.secret_end <= match.secret_start) return;  // the parent's own match, found already
  const Span secret = source_span(view, match.secret_start, match.secret_end);
  for (const Match& seen : out) {
    if (seen.rule == match.rule && overlaps({seen.secret_start, seen.secret_end}, secret)) return;
  }
  const Chain secret_chain = chain_over(view, match.secret_start, match.secret_end);
  const Span whole = source_span(view, match.start, match.end);
  match.decoded_secret = std::string(view.bytes.substr(match.secret_start, match.secret_end - match.secret_start));
  match.encoding = chain_name(secret_chain == 0 ? chain : secret_chain);
  match.start = std::min(whole.begin, secret.begin);
  match.end = std::max(whole.end, secret.end);
  match.secret_start = secret.begin;
  match.secret_end = secret.end;
  out.push_back(std::move(match));
}

Expected<bool> scan_views(const RuleSet& rules, const Source& source, std::size_t begin, std::size_t end,
                          Scratch& scratch, const Item& item, int depth_left, std::vector<Match>& out) {
  for (const View& view : find_views(source, begin, end)) {
    auto found = scan(rules, view.bytes, scratch, item);
    if (!found) return tl::unexpected(found.error());
    const Source inner{.bytes = view.bytes, .segments = &view.segments};
    for (Match& match : *found) keep_if_new(inner, std::move(match), out);
    if (depth_left > 1 && view.decoded_end > view.decoded_begin) {
      if (auto nested =
              scan_views(rules, inner, view.decoded_begin, view.decoded_end, scratch, item, depth_left - 1, out);
          !nested) {
        return nested;
      }
    }
  }
  return true;
}

}  // namespace

std::optional<std::string> decode_base64(std::string_view run) {
  while (!run.empty() && run.back() == '=') run.remove_suffix(1);
  if (run.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(run.size() * 3 / 4);
  std::uint32_t bits = 0;
  int count = 0;
  for (const char c : run) {
    const int v = kBase64Values[static_cast<unsigned char>(c)];
    if (v < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xff);
    }
  }
  return out;
}

std::optional<std::string> decode_hex(std::string_view run) {
  if (run.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(run.size() / 2);
  for (std::size_t i = 0; i < run.size(); i += 2) {
    const int high = hex_value(run[i]);
    const int low = hex_value(run[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
  }
  return out;
}

std::string decode_percent(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%') {
      if (auto c = percent_at(text, i, text.size())) {
        out += *c;
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

bool mostly_printable(std::string_view bytes) {
  if (bytes.empty()) return false;
  std::size_t control = 0, high = 0;
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80) {
      ++high;
    } else if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) {
      ++control;
    }
  }
  return control * 50 <= bytes.size() && high * 10 <= bytes.size() * 3;
}

namespace detail {

std::vector<std::vector<BlockClasses>> classify_every_way(std::string_view blocks) {
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
      const BlockMasks m = classify(p + at);
      each.push_back({.base64 = m.base64,
                      .text_first = m.text_first,
                      .second = m.second,
                      .third = m.third,
                      .after_special = m.after_special,
                      .special = m.special});
    }
  }
  return out;
}

}  // namespace detail

Expected<std::vector<Match>> scan_decoded(const RuleSet& rules, std::string_view bytes, Scratch& scratch, int max_depth,
                                          const Item& item) {
  auto matches = scan(rules, bytes, scratch, item);
  if (!matches || max_depth <= 0) return matches;
  max_depth = std::min(max_depth, kMaxDecodeDepth);  // a chain of encodings holds eight labels
  // A secret that is itself percent-encoded (a password in a URL) is reported decoded.
  for (Match& match : *matches) {
    const std::string_view secret = bytes.substr(match.secret_start, match.secret_end - match.secret_start);
    for (std::size_t i = secret.find('%'); i != std::string_view::npos; i = secret.find('%', i + 1)) {
      if (percent_at(secret, i, secret.size())) {
        match.decoded_secret = decode_percent(secret);
        match.encoding = "percent";
        break;
      }
    }
  }
  const Source original{.bytes = bytes};
  if (auto ok = scan_views(rules, original, 0, bytes.size(), scratch, item, max_depth, *matches); !ok) {
    return tl::unexpected(ok.error());
  }
  drop_shadowed_fallbacks(rules, *matches);  // a key decoded from base64 outranks a generic match of the base64
  return matches;
}

}  // namespace keyward::engine
