#include "scanner/engine/decode.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "scanner/engine/decode_blocks.h"
#include "scanner/engine/decode_tables.h"
#include "scanner/engine/engine.h"

namespace keyward::engine {
namespace {

using decoding::Events;
using decoding::find_events;
using decoding::kBase64Class;
using decoding::kBase64Values;
using decoding::kClasses;
using decoding::kDigit;
using decoding::kHexValues;
using decoding::kLower;
using decoding::kSymbol;
using decoding::kTextBytes;
using decoding::kUpper;

// Kept on either side of a decoded run, within its line: room for the keywords that give a secret its context.
constexpr std::size_t kContextBytes = 160;
// Around an escape or a percent-encoded byte, the window of the line that is unescaped and scanned again.
constexpr std::size_t kWindowBytes = 160;
// Decoded before the rest of a run, to turn binary data (images, fonts, hashes) away cheaply.
constexpr std::size_t kProbeChars = 64;

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

// Every view worth scanning in [begin, end) of `source`, in one pass over its bytes.
std::vector<View> find_views(const Source& source, std::size_t begin, std::size_t end) {
  std::vector<View> views;
  const auto* b = reinterpret_cast<const unsigned char*>(source.bytes.data());
  // Reused by the thread, and free again before any nested decoding looks for its own.
  thread_local Events events;
  find_events(source.bytes, begin, end, events);

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
