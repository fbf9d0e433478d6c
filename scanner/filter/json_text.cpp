#include "scanner/filter/json_text.h"

#include <cstdint>
#include <optional>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <fmt/format.h>

namespace keyward::filter {
namespace {

// Where the plain characters of a string that start at `pos` end: at its closing quote, a backslash or a control
// character (or the end of the text). Sixteen bytes at a time, since most of a request is such characters.
std::size_t plain_run_end(std::string_view text, std::size_t pos) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i below_space = _mm_set1_epi8(0x1f);
  while (text.size() - pos >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + pos));
    const __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                                      _mm_cmpeq_epi8(_mm_max_epu8(v, below_space), below_space));  // v <= 0x1f
    if (const int mask = _mm_movemask_epi8(stop); mask != 0) return pos + static_cast<std::size_t>(__builtin_ctz(mask));
    pos += 16;
  }
#endif
  while (pos < text.size()) {
    const auto c = static_cast<unsigned char>(text[pos]);
    if (c == '"' || c == '\\' || c < 0x20) break;
    ++pos;
  }
  return pos;
}

struct Invalid {
  std::size_t offset;
  const char* why;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool starts_with_data_url(std::string_view value) {
  if (value.size() < 5) return false;
  for (std::size_t i = 0; i < 5; ++i) {
    if ((value[i] | 0x20) != "data:"[i]) return false;
  }
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, std::uint32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

// One pass over the document; throws Invalid at the first problem (caught in walk_json).
class Reader {
 public:
  Reader(std::string_view text, const JsonVisitor& visit, const std::string& base)
      : text_(text), visit_(visit), pointer_(base) {}

  JsonSummary read() {
    JsonSummary summary;
    skip_space();
    value(0, false, pos_ < text_.size() && text_[pos_] == '{' ? &summary : nullptr);
    skip_space();
    if (pos_ != text_.size()) throw Invalid{pos_, "unexpected text after the JSON value"};
    return summary;
  }

 private:
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

  void skip_space() {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
  }

  void expect(char c, const char* why) {
    if (peek() != c) throw Invalid{pos_, why};
    ++pos_;
  }

  // Reads the value at pos_; `top` collects the members when this is the top-level object.
  JsonKind value(int depth, bool opaque, JsonSummary* top, std::size_t* elements = nullptr) {
    if (depth > kMaxJsonDepth) throw Invalid{pos_, "nested too deeply"};
    switch (peek()) {
      case '{':
        object(depth, opaque, top);
        return JsonKind::kObject;
      case '[':
        array(depth, opaque, elements);
        return JsonKind::kArray;
      case '"': {
        const std::size_t begin = pos_;
        string();
        visit_(JsonToken{.kind = JsonTokenKind::kString,
                         .pointer = pointer_,
                         .begin = begin,
                         .end = pos_,
                         .value = decoded_,
                         .opaque = opaque || starts_with_data_url(decoded_)});
        return JsonKind::kString;
      }
      case 't':
        literal("true");
        return JsonKind::kBool;
      case 'f':
        literal("false");
        return JsonKind::kBool;
      case 'n':
        literal("null");
        return JsonKind::kNull;
      default: {
        const std::size_t begin = pos_;
        number();
        visit_(JsonToken{.kind = JsonTokenKind::kNumber,
                         .pointer = pointer_,
                         .begin = begin,
                         .end = pos_,
                         .value = text_.substr(begin, pos_ - begin),
                         .opaque = opaque});
        return JsonKind::kNumber;
      }
    }
  }

  void object(int depth, bool opaque, JsonSummary* top) {
    ++pos_;
    skip_space();
    if (peek() == '}') {
      ++pos_;
      return;
    }
    for (;;) {
      skip_space();
      if (peek() != '"') throw Invalid{pos_, "expected a string key"};
      const std::size_t key_begin = pos_;
      string();
      const std::size_t parent_size = pointer_.size();
      append_pointer_token(pointer_, decoded_);
      const bool member_opaque = opaque || decoded_ == "input_audio";
      std::string key = top != nullptr ? decoded_ : std::string();
      visit_(JsonToken{.kind = JsonTokenKind::kKey,
                       .pointer = pointer_,
                       .begin = key_begin,
                       .end = pos_,
                       .value = decoded_,
                       .opaque = false});
      skip_space();
      expect(':', "expected ':' after a key");
      skip_space();
      const std::size_t value_begin = pos_;
      std::size_t elements = 0;
      const JsonKind kind = value(depth + 1, member_opaque, nullptr, &elements);
      if (top != nullptr) {
        // Scalars only: an array or object is counted, never copied (messages are most of a request).
        const bool scalar = kind != JsonKind::kObject && kind != JsonKind::kArray;
        std::string text = kind == JsonKind::kString ? decoded_
                           : scalar                  ? std::string(text_.substr(value_begin, pos_ - value_begin))
                                                     : std::string();
        top->top_level.push_back({.key = std::move(key), .kind = kind, .value = std::move(text), .elements = elements});
      }
      pointer_.resize(parent_size);
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      expect('}', "expected ',' or '}' in an object");
      return;
    }
  }

  void array(int depth, bool opaque, std::size_t* elements) {
    ++pos_;
    skip_space();
    if (peek() == ']') {
      ++pos_;
      return;
    }
    std::size_t index = 0;
    for (;;) {
      skip_space();
      const std::size_t parent_size = pointer_.size();
      pointer_ += '/';
      pointer_ += std::to_string(index++);
      value(depth + 1, opaque, nullptr);
      pointer_.resize(parent_size);
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      expect(']', "expected ',' or ']' in an array");
      if (elements != nullptr) *elements = index;
      return;
    }
  }

  void literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) throw Invalid{pos_, "unexpected character"};
    pos_ += word.size();
  }

  void number() {
    const std::size_t begin = pos_;
    if (peek() == '-') ++pos_;
    if (peek() == '0') {
      ++pos_;
    } else if (is_digit(peek())) {
      while (is_digit(peek())) ++pos_;
    } else {
      throw Invalid{begin, "unexpected character"};
    }
    if (peek() == '.') {
      ++pos_;
      if (!is_digit(peek())) throw Invalid{pos_, "expected a digit after '.'"};
      while (is_digit(peek())) ++pos_;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (!is_digit(peek())) throw Invalid{pos_, "expected a digit in the exponent"};
      while (is_digit(peek())) ++pos_;
    }
  }

  std::uint32_t hex4() {
    if (pos_ + 4 > text_.size()) throw Invalid{pos_, "truncated \\u escape"};
    std::uint32_t code = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit = hex_value(text_[pos_++]);
      if (digit < 0) throw Invalid{pos_ - 1, "bad hex digit in a \\u escape"};
      code = code * 16 + static_cast<std::uint32_t>(digit);
    }
    return code;
  }

  // Reads the string at pos_ (on its opening quote) into decoded_.
  void string() {
    ++pos_;
    decoded_.clear();
    for (;;) {
      const std::size_t run = pos_;
      pos_ = plain_run_end(text_, pos_);
      decoded_.append(text_.data() + run, pos_ - run);
      if (pos_ >= text_.size()) throw Invalid{pos_, "unterminated string"};
      const char c = text_[pos_++];
      if (c == '"') return;
      if (c != '\\') throw Invalid{pos_ - 1, "control character in a string"};
      escape();
    }
  }

  void escape() {
    const char c = peek();
    ++pos_;
    switch (c) {
      case '"':
      case '\\':
      case '/':
        decoded_ += c;
        return;
      case 'b':
        decoded_ += '\b';
        return;
      case 'f':
        decoded_ += '\f';
        return;
      case 'n':
        decoded_ += '\n';
        return;
      case 'r':
        decoded_ += '\r';
        return;
      case 't':
        decoded_ += '\t';
        return;
      case 'u': {
        std::uint32_t code = hex4();
        if (code >= 0xDC00 && code <= 0xDFFF) throw Invalid{pos_, "lone low surrogate"};
        if (code >= 0xD800 && code <= 0xDBFF) {
          if (text_.substr(pos_, 2) != "\\u") throw Invalid{pos_, "lone high surrogate"};
          pos_ += 2;
          const std::uint32_t low = hex4();
          if (low < 0xDC00 || low > 0xDFFF) throw Invalid{pos_, "bad low surrogate"};
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
        }
        append_utf8(decoded_, code);
        return;
      }
      default:
        throw Invalid{pos_ - 1, "bad escape in a string"};
    }
  }

  std::string_view text_;
  const JsonVisitor& visit_;
  std::string pointer_;
  std::string decoded_;
  std::size_t pos_ = 0;
};

}  // namespace

Expected<JsonSummary> walk_json(std::string_view text, const JsonVisitor& visit, const std::string& base_pointer) {
  try {
    Reader reader(text, visit, base_pointer);
    return reader.read();
  } catch (const Invalid& invalid) {
    return fail(fmt::format("invalid JSON at byte {}: {}", invalid.offset, invalid.why));
  }
}

bool valid_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    // Fast path: eight ASCII bytes at a time.
    while (end - p >= 8) {
      std::uint64_t word;
      __builtin_memcpy(&word, p, 8);
      if ((word & 0x8080808080808080ull) != 0) break;
      p += 8;
    }
    if (p >= end) break;
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int extra = 0;
    std::uint32_t code = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
      code = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      code = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      code = c & 0x07;
    } else {
      return false;
    }
    if (end - p <= extra) return false;
    for (int i = 1; i <= extra; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      code = (code << 6) | (p[i] & 0x3F);
    }
    if ((extra == 2 && (code < 0x800 || (code >= 0xD800 && code <= 0xDFFF))) ||
        (extra == 3 && (code < 0x10000 || code > 0x10FFFF))) {
      return false;
    }
    p += extra + 1;
  }
  return true;
}

bool looks_like_json(std::string_view text) {
  for (char c : text) {
    if (is_space(c)) continue;
    return c == '{' || c == '[';
  }
  return false;
}

void append_json_string(std::string& out, std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : value) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out += kHex[(c >> 4) & 0xF];
          out += kHex[c & 0xF];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void append_pointer_token(std::string& pointer, std::string_view name) {
  pointer += '/';
  if (name.find_first_of("~/") == std::string_view::npos) {
    pointer += name;
    return;
  }
  for (char c : name) {
    if (c == '~') {
      pointer += "~0";
    } else if (c == '/') {
      pointer += "~1";
    } else {
      pointer += c;
    }
  }
}

}  // namespace keyward::filter
