#include "scanner/engine/code_shape.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

namespace keyward::engine {
namespace {

bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return is_lower(c) || is_upper(c); }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool contains(std::string_view set, char c) { return set.find(c) != std::string_view::npos; }

// A placeholder's name is short: looking no further keeps a token of many '{' or '%(' linear.
constexpr std::size_t kLongestPlaceholderName = 64;

// Where `close` is within kLongestPlaceholderName bytes after `at`, or npos.
std::size_t close_near(std::string_view token, std::size_t at, char close) {
  return token.substr(0, std::min(token.size(), at + 1 + kLongestPlaceholderName)).find(close, at + 1);
}

bool has_template_marker(std::string_view token) {
  static constexpr std::array<std::string_view, 9> kMarkers = {"${", "{{", "}}", "<%", "%>", "{%", "%}", "#{", "$("};
  return std::any_of(kMarkers.begin(), kMarkers.end(),
                     [&](std::string_view marker) { return token.find(marker) != std::string_view::npos; });
}

// A printf directive at `at` (token[at] == '%'): %s, %-8d, %.2f, %lld, %(name)s. It must end the token or be
// followed by something other than a letter or digit, so "%2FX" is not "%2F".
bool printf_directive_at(std::string_view token, std::size_t at) {
  std::size_t i = at + 1;
  if (i < token.size() && token[i] == '(') {
    const auto close = close_near(token, i, ')');
    if (close == std::string_view::npos) return false;
    i = close + 1;
  }
  while (i < token.size() && contains("-+ #0", token[i])) ++i;
  while (i < token.size() && is_digit(token[i])) ++i;
  if (i < token.size() && token[i] == '.') {
    ++i;
    while (i < token.size() && is_digit(token[i])) ++i;
  }
  while (i < token.size() && contains("lhzjt", token[i])) ++i;
  if (i >= token.size() || !contains("sdiufFeEgGxXocpqrv", token[i])) return false;
  return i + 1 == token.size() || !is_alnum(token[i + 1]);
}

// {}, {0}, {name}, {0:>8}, {name!r}: Python, Rust, C# and fmt placeholders.
bool brace_placeholder_at(std::string_view token, std::size_t at) {
  const auto close = close_near(token, at, '}');
  if (close == std::string_view::npos) return false;
  const std::string_view inner = token.substr(at + 1, close - at - 1);
  std::size_t i = 0;
  if (i < inner.size() && (is_alpha(inner[i]) || inner[i] == '_')) {
    while (i < inner.size() && (is_alnum(inner[i]) || inner[i] == '_' || inner[i] == '.')) ++i;
  } else {
    while (i < inner.size() && is_digit(inner[i])) ++i;
  }
  return i == inner.size() || inner[i] == ':' || inner[i] == '!';
}

// A format string: a printf directive or a brace placeholder. A token holding a percent-escape that is no
// directive ("%40b", "%2BZ") is percent-encoded, and its other escapes ("%2F") are escapes too.
bool is_format_string(std::string_view token) {
  bool directive = false;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '{' && brace_placeholder_at(token, i)) return true;
    if (token[i] != '%') continue;
    const bool escape_shaped = i + 2 < token.size() && is_hex(token[i + 1]) && is_hex(token[i + 2]);
    const bool is_directive = printf_directive_at(token, i);
    if (escape_shaped && !is_directive) return false;
    directive = directive || is_directive;
  }
  return directive;
}

struct WordStats {
  int words = 0;
  int short_letter_words = 0;  // one or two letters: minified names, "In", the V of V3
  int digit_groups = 0;
  int letters = 0;
  int digits = 0;
  int longest_digit_group = 0;
};

// Words are runs of letters, split where camelCase turns (blockComment -> block Comment) and after an acronym
// (HTTPServer -> HTTP Server), and runs of digits; anything else separates them.
WordStats word_stats(std::string_view token) {
  WordStats stats;
  std::size_t i = 0;
  while (i < token.size()) {
    if (!is_alnum(token[i])) {
      ++i;
      continue;
    }
    std::size_t j = i + 1;
    if (is_digit(token[i])) {
      while (j < token.size() && is_digit(token[j])) ++j;
      const int length = static_cast<int>(j - i);
      ++stats.digit_groups;
      stats.digits += length;
      stats.longest_digit_group = std::max(stats.longest_digit_group, length);
    } else {
      if (is_upper(token[i]) && j < token.size() && is_upper(token[j])) {
        while (j < token.size() && is_upper(token[j])) ++j;
        if (j < token.size() && is_lower(token[j])) --j;  // the last capital starts the next word
      } else {
        while (j < token.size() && is_lower(token[j])) ++j;
      }
      const int length = static_cast<int>(j - i);
      stats.letters += length;
      if (length <= 2) ++stats.short_letter_words;
    }
    ++stats.words;
    i = j;
  }
  return stats;
}

// Built of words: few short words, at most one group of up to four digits, words of 3.5 characters on average.
// A random 32-character key splits into a dozen short words, so it passes this about once in 10,000.
bool is_identifier(std::string_view token) {
  const bool code_characters =
      std::all_of(token.begin(), token.end(), [](char c) { return is_alnum(c) || contains("_$.?:!|<>@-", c); });
  if (!code_characters) return false;
  const WordStats stats = word_stats(token);
  if (stats.letters == 0 || stats.longest_digit_group > 4 || 2 * stats.digits > stats.letters) return false;
  if (stats.short_letter_words > 2 || stats.digit_groups > 1) return false;
  return 2 * (stats.letters + stats.digits) >= 7 * stats.words;
}

// A path segment: an identifier or file name, a plain word (usr, bin, Library), a version (v1, 2024), a route
// parameter (:id), or . .. * ** ~. A word of one letter, or of two or three in capitals, is too likely a slice
// of base64 to count.
bool is_path_segment(std::string_view segment) {
  if (segment == "." || segment == ".." || segment == "*" || segment == "**" || segment == "~") return true;
  if (segment.size() > 1 && segment[0] == ':') segment.remove_prefix(1);
  const bool plain_word =
      (segment.size() >= 2 && std::all_of(segment.begin(), segment.end(), is_lower)) ||
      (segment.size() >= 4 && is_upper(segment[0]) && std::all_of(segment.begin() + 1, segment.end(), is_lower));
  if (plain_word) return true;
  std::string_view number = segment;
  if (number.size() > 1 && (number[0] == 'v' || number[0] == 'V')) number.remove_prefix(1);
  if (number.size() <= 4 && std::all_of(number.begin(), number.end(), is_digit)) return true;
  return is_identifier(segment);
}

// Segments joined by '/', every one a path segment. A single segment counts when the token starts with /, ./
// or ~/.
bool is_path(std::string_view token) {
  if (token.find('/') == std::string_view::npos) return false;
  const bool rooted = token[0] == '/' || token.starts_with("./") || token.starts_with("~/");
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= token.size()) {
    const auto slash = std::min(token.find('/', start), token.size());
    if (slash > start) segments.push_back(token.substr(start, slash - start));
    start = slash + 1;
  }
  if (segments.empty() || (segments.size() == 1 && !rooted)) return false;
  return std::all_of(segments.begin(), segments.end(), is_path_segment);
}

// controller#action, Admin::UsersController#index.
bool is_route(std::string_view token) {
  const auto hash = token.rfind('#');
  if (hash == std::string_view::npos || hash == 0 || hash + 1 == token.size()) return false;
  std::string_view action = token.substr(hash + 1);
  if (action.back() == '!' || action.back() == '?') action.remove_suffix(1);
  const bool action_word = !action.empty() && std::all_of(action.begin(), action.end(), [](char c) {
    return is_lower(c) || is_digit(c) || c == '_';
  });
  const std::string_view controller = token.substr(0, hash);
  return action_word && (is_path(controller) || is_identifier(controller) || is_path_segment(controller));
}

}  // namespace

const char* to_string(CodeShape shape) {
  switch (shape) {
    case CodeShape::kNone:
      return "none";
    case CodeShape::kIdentifier:
      return "identifier";
    case CodeShape::kPath:
      return "path";
    case CodeShape::kRoute:
      return "route";
    case CodeShape::kFormatString:
      return "format string";
    case CodeShape::kTemplate:
      return "template";
  }
  return "none";
}

CodeShape code_shape(std::string_view token) {
  if (token.empty()) return CodeShape::kNone;
  if (has_template_marker(token)) return CodeShape::kTemplate;
  if (is_format_string(token)) return CodeShape::kFormatString;
  if (is_route(token)) return CodeShape::kRoute;
  if (is_path(token)) return CodeShape::kPath;
  if (is_identifier(token)) return CodeShape::kIdentifier;
  return CodeShape::kNone;
}

}  // namespace keyward::engine
