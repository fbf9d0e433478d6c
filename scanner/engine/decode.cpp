#include "scanner/engine/decode.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
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

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A part of a view: positions [view_begin, view_end) come from the original's [src_begin, src_end), copied as is
// when `chain` is empty, else decoded (every position of it then stands for the whole source span).
struct Segment {
  std::size_t view_begin = 0;
  std::size_t view_end = 0;
  std::size_t src_begin = 0;
  std::size_t src_end = 0;
  std::string chain;  // the encodings undone, outermost first: "base64", "base64,hex", "escape"
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
  return {first.chain.empty() ? first.src_begin + (begin - first.view_begin) : first.src_begin,
          last.chain.empty() ? last.src_begin + (end - 1 - last.view_begin) + 1 : last.src_end};
}

// The first decoding under [begin, end), or "" when all of it is copied as is.
std::string chain_over(const Source& source, std::size_t begin, std::size_t end) {
  if (source.segments == nullptr || begin >= end) return {};
  for (auto it = &segment_at(*source.segments, begin); it != source.segments->data() + source.segments->size(); ++it) {
    if (it->view_begin >= end) break;
    if (!it->chain.empty()) return it->chain;
  }
  return {};
}

// Appends `parent` bytes [a, b) to `view` as they are, mapped to the original through the parent's segments.
void copy_into(const Source& parent, std::size_t a, std::size_t b, View& view) {
  std::size_t at = view.bytes.size();
  view.bytes.append(parent.bytes.substr(a, b - a));
  if (parent.segments == nullptr) {
    if (a < b) {
      view.segments.push_back({.view_begin = at, .view_end = at + (b - a), .src_begin = a, .src_end = b, .chain = {}});
    }
    return;
  }
  for (std::size_t pos = a; pos < b;) {
    const Segment& seg = segment_at(*parent.segments, pos);
    const std::size_t stop = std::min(b, seg.view_end);
    if (seg.chain.empty()) {
      view.segments.push_back({.view_begin = at,
                               .view_end = at + (stop - pos),
                               .src_begin = seg.src_begin + (pos - seg.view_begin),
                               .src_end = seg.src_begin + (stop - seg.view_begin),
                               .chain = {}});
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
void decode_into(const Source& parent, std::size_t a, std::size_t b, std::string_view decoded, std::string_view label,
                 View& view) {
  const std::size_t at = view.bytes.size();
  view.bytes.append(decoded);
  if (decoded.empty()) return;
  const Span src = source_span(parent, a, b);
  const std::string outer = chain_over(parent, a, b);
  view.segments.push_back({.view_begin = at,
                           .view_end = at + decoded.size(),
                           .src_begin = src.begin,
                           .src_end = src.end,
                           .chain = outer.empty() ? std::string(label) : outer + "," + std::string(label)});
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
              std::string_view decoded, std::string_view label) {
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

// The escape at `pos` (a backslash), decoded; its length in the source is returned through `length`.
std::optional<std::string> unescape_at(std::string_view bytes, std::size_t pos, std::size_t end, std::size_t& length) {
  if (pos + 1 >= end) return std::nullopt;
  length = 2;
  switch (bytes[pos + 1]) {
    case 'n':
      return "\n";
    case 't':
      return "\t";
    case 'r':
      return "\r";
    case '"':
      return "\"";
    case '\'':
      return "'";
    case '\\':
      return "\\";
    case '/':
      return "/";
    case 'u': {
      if (pos + 6 > end) return std::nullopt;
      int code = 0;
      for (std::size_t k = 2; k < 6; ++k) {
        const int v = hex_value(bytes[pos + k]);
        if (v < 0) return std::nullopt;
        code = code * 16 + v;
      }
      length = 6;
      std::string out;
      if (code < 0x80) {
        out += static_cast<char>(code);
      } else if (code < 0x800) {
        out += static_cast<char>(0xc0 | (code >> 6));
        out += static_cast<char>(0x80 | (code & 0x3f));
      } else {
        out += static_cast<char>(0xe0 | (code >> 12));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (code & 0x3f));
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

// Where an escape or a percent-encoded byte may hide a secret or break its context: an escaped line break
// glued to a token (`\nghp_...`), an escaped quote before a value (`=\"...`), a percent-encoded separator
// before a token (`key%3D...`). Escapes and percent signs in running text and code trigger nothing.
bool is_trigger(std::string_view bytes, std::size_t pos, std::size_t end) {
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
      return token_at(bytes, pos + 2, end, kValueChars);
    default:
      return false;
  }
}

// A window of the line with every escape and percent-encoded byte in it undone.
View window_view(const Source& parent, std::size_t from, std::size_t to) {
  View view;
  std::size_t copied = from;
  for (std::size_t i = from; i < to; ++i) {
    const char c = parent.bytes[i];
    if (c == '\\') {
      std::size_t length = 0;
      if (auto decoded = unescape_at(parent.bytes, i, to, length)) {
        copy_into(parent, copied, i, view);
        decode_into(parent, i, i + length, *decoded, "escape", view);
        copied = i + length;
        i += length - 1;
      }
    } else if (c == '%') {
      if (auto decoded = percent_at(parent.bytes, i, to)) {
        copy_into(parent, copied, i, view);
        decode_into(parent, i, i + 3, std::string_view(&*decoded, 1), "percent", view);
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
      return run_view(parent, begin, end, run_begin, padded_end, *decoded, "hex");
    }
  }
  if (!printable_start(run, false)) return std::nullopt;
  // Base64 of text mixes cases and nearly always digits or symbols; an identifier seldom does.
  std::uint8_t seen = 0;
  for (std::size_t k = 0; k < std::min(length, kProbeChars); ++k) seen |= kClasses[static_cast<unsigned char>(run[k])];
  if ((seen & kUpper) == 0 || (seen & kLower) == 0 || (seen & (kDigit | kSymbol)) == 0) return std::nullopt;
  auto decoded = decode_base64(run);
  if (!decoded || !mostly_printable(*decoded)) return std::nullopt;
  return run_view(parent, begin, end, run_begin, padded_end, *decoded, "base64");
}

// Which of 64 bytes are base64 characters, and which are '%' or '\\' (bit i: byte i).
struct BlockMasks {
  std::uint64_t base64 = 0;
  std::uint64_t special = 0;
};

BlockMasks classify_block(const unsigned char* p) {
  BlockMasks masks;
#if defined(__SSE2__)
  // Range tests by signed comparison: shifted so that a range's first byte becomes -128.
  const __m128i letter_shift = _mm_set1_epi8(static_cast<char>(0x80 - 'a'));
  const __m128i letter_limit = _mm_set1_epi8(static_cast<char>(-128 + 26));
  const __m128i digit_shift = _mm_set1_epi8(static_cast<char>(0x80 - '0'));
  const __m128i digit_limit = _mm_set1_epi8(static_cast<char>(-128 + 10));
  for (int k = 0; k < 4; ++k) {
    const __m128i v =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + std::size_t{16} * static_cast<std::size_t>(k)));
    const __m128i folded = _mm_or_si128(v, _mm_set1_epi8(0x20));  // A-Z onto a-z
    const __m128i letter = _mm_cmpgt_epi8(letter_limit, _mm_add_epi8(folded, letter_shift));
    const __m128i digit = _mm_cmpgt_epi8(digit_limit, _mm_add_epi8(v, digit_shift));
    const __m128i symbol = _mm_or_si128(  // '+' and '/' both become '/' with bit 2 set
        _mm_or_si128(_mm_cmpeq_epi8(_mm_or_si128(v, _mm_set1_epi8(0x04)), _mm_set1_epi8('/')),
                     _mm_cmpeq_epi8(v, _mm_set1_epi8('-'))),
        _mm_cmpeq_epi8(v, _mm_set1_epi8('_')));
    const __m128i special = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('%')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
    const auto base64 =
        static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(letter, digit), symbol)));
    masks.base64 |= std::uint64_t{base64} << (16 * k);
    masks.special |= std::uint64_t{static_cast<std::uint32_t>(_mm_movemask_epi8(special))} << (16 * k);
  }
#else
  for (int k = 0; k < 64; ++k) {
    const std::uint8_t c = kClasses[p[k]];
    if ((c & kBase64Class) != 0) masks.base64 |= std::uint64_t{1} << k;
    if ((c & (kPercent | kBackslash)) != 0) masks.special |= std::uint64_t{1} << k;
  }
#endif
  return masks;
}

// Bit i set where bits i..i+15 of `mask` are all set: a run of kMinBase64Chars within the block.
std::uint64_t runs_of_16(std::uint64_t mask) {
  mask &= mask >> 1;
  mask &= mask >> 2;
  mask &= mask >> 4;
  mask &= mask >> 8;
  return mask;
}
static_assert(kMinBase64Chars == 16);

// Every view worth scanning in [begin, end) of `source`, in one pass over its bytes.
std::vector<View> find_views(const Source& source, std::size_t begin, std::size_t end) {
  std::vector<View> views;
  const auto* b = reinterpret_cast<const unsigned char*>(source.bytes.data());
  std::size_t window_from = 0, window_to = 0;  // the window being gathered, empty when equal
  auto close_window = [&] {
    if (window_to > window_from) views.push_back(window_view(source, window_from, window_to));
    window_from = window_to = 0;
  };
  auto trigger = [&](std::size_t at) {
    if (!is_trigger(source.bytes, at, end)) return;
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
  // A run of base64 characters [run_begin, run_end): padding taken, then looked at when long enough.
  auto take_run = [&](std::size_t run_begin, std::size_t run_end) {
    std::size_t padded = run_end;
    while (padded < end && padded - run_end < 2 && b[padded] == '=') ++padded;
    // Text's first byte (0x20-0x7e) starts its base64 with one of I-Z a-f, and its hex with 2-7: most runs
    // (words, paths, hashes) are turned away here.
    const unsigned char first = b[run_begin];
    const bool may_be_text =
        (first >= 'I' && first <= 'Z') || (first >= 'a' && first <= 'f') || (first >= '2' && first <= '7');
    if (run_end - run_begin >= kMinBase64Chars && may_be_text) {
      if (auto view = run_candidate(source, begin, end, run_begin, run_end, padded)) views.push_back(std::move(*view));
    }
    return padded;
  };
  std::size_t i = begin;
  constexpr std::size_t kNone = ~std::size_t{0};
  std::size_t open_run = kNone;  // the start of a run that reached the previous block's last byte
  // Sixty-four bytes at a time, each block classified once: triggers from one mask, runs from the other.
  while (end - i >= 64) {
    const BlockMasks masks = classify_block(b + i);
    std::uint64_t runs = masks.base64;
    if (open_run != kNone) {
      const int lead = std::countr_one(runs);
      if (lead == 64) {  // still going (a data: URL can run for megabytes); no trigger can be in here
        i += 64;
        continue;
      }
      if (i + static_cast<std::size_t>(lead) - open_run >= kMinBase64Chars) {
        take_run(open_run, i + static_cast<std::size_t>(lead));
      }
      open_run = kNone;
      runs &= ~std::uint64_t{0} << lead;
    }
    for (std::uint64_t special = masks.special; special != 0; special &= special - 1) {
      trigger(i + static_cast<std::size_t>(std::countr_zero(special)));
    }
    // Only runs of 16 or more matter, and the last run when it reaches the next block; most blocks of text and
    // code have neither. The lowest bit of `long_runs` is always a run's first byte.
    const int top = std::countl_one(runs);
    std::uint64_t long_runs = runs_of_16(runs);
    // The top run is taken with the next block. A block that is all one run has top == 64: no shift by 64 (UB,
    // found by fuzz_engine), just nothing to take here.
    if (top > 0) long_runs = top == 64 ? 0 : long_runs & (~std::uint64_t{0} >> top);
    while (long_runs != 0) {
      const int first = std::countr_zero(long_runs);
      const int length = std::countr_one(runs >> first);  // ends before bit 63: the top run is not among these
      take_run(i + static_cast<std::size_t>(first), i + static_cast<std::size_t>(first + length));
      long_runs &= ~std::uint64_t{0} << (first + length);
    }
    if (top > 0) open_run = i + 64 - static_cast<std::size_t>(top);
    i += 64;
  }
  // The last bytes, one at a time.
  if (open_run != kNone) {
    while (i < end && (kClasses[b[i]] & kBase64Class) != 0) ++i;
    i = take_run(open_run, i);
  }
  while (i < end) {
    const std::uint8_t c = kClasses[b[i]];
    if ((c & kBase64Class) == 0) {
      if ((c & (kPercent | kBackslash)) != 0) trigger(i);
      ++i;
      continue;
    }
    const std::size_t run_begin = i;
    while (i < end && (kClasses[b[i]] & kBase64Class) != 0) ++i;
    i = take_run(run_begin, i);
  }
  close_window();
  return views;
}

bool overlaps(Span a, Span b) { return a.begin < b.end && b.begin < a.end; }

// A view's match, kept when a decoding is part of it and nothing found it already; mapped to the original.
void keep_if_new(const Source& view, Match match, std::vector<Match>& out) {
  // A decoded byte in the match or right beside it (an escape that glued a letter to a token, breaking \b).
  const std::string chain = chain_over(view, match.start > 0 ? match.start - 1 : 0, match.end + 1);
  if (chain.empty() || match.secret_end <= match.secret_start) return;  // the parent's own match, found already
  const Span secret = source_span(view, match.secret_start, match.secret_end);
  for (const Match& seen : out) {
    if (seen.rule == match.rule && overlaps({seen.secret_start, seen.secret_end}, secret)) return;
  }
  const std::string secret_chain = chain_over(view, match.secret_start, match.secret_end);
  const Span whole = source_span(view, match.start, match.end);
  match.decoded_secret = std::string(view.bytes.substr(match.secret_start, match.secret_end - match.secret_start));
  match.encoding = secret_chain.empty() ? chain : secret_chain;
  match.start = std::min(whole.begin, secret.begin);
  match.end = std::max(whole.end, secret.end);
  match.secret_start = secret.begin;
  match.secret_end = secret.end;
  out.push_back(std::move(match));
}

Expected<bool> scan_views(const RuleSet& rules, const Source& source, std::size_t begin, std::size_t end,
                          Scratch& scratch, int depth_left, std::vector<Match>& out) {
  for (const View& view : find_views(source, begin, end)) {
    auto found = scan(rules, view.bytes, scratch);
    if (!found) return tl::unexpected(found.error());
    const Source inner{.bytes = view.bytes, .segments = &view.segments};
    for (Match& match : *found) keep_if_new(inner, std::move(match), out);
    if (depth_left > 1 && view.decoded_end > view.decoded_begin) {
      if (auto nested = scan_views(rules, inner, view.decoded_begin, view.decoded_end, scratch, depth_left - 1, out);
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

Expected<std::vector<Match>> scan_decoded(const RuleSet& rules, std::string_view bytes, Scratch& scratch,
                                          int max_depth) {
  auto matches = scan(rules, bytes, scratch);
  if (!matches || max_depth <= 0) return matches;
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
  if (auto ok = scan_views(rules, original, 0, bytes.size(), scratch, max_depth, *matches); !ok) {
    return tl::unexpected(ok.error());
  }
  drop_shadowed_fallbacks(rules, *matches);  // a key decoded from base64 outranks a generic match of the base64
  return matches;
}

}  // namespace keyward::engine
