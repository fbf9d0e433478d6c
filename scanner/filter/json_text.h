// The text inside a JSON document: a strict one-pass reader (RFC 8259, UTF-8) that hands every key, string and
// number to a visitor with its RFC 6901 JSON pointer and its byte span in the document, so a caller can screen
// each one and splice replacements into the original bytes (everything it does not touch stays byte-identical).
// `data:` URLs and audio payloads are marked opaque. Knows nothing of rules, policies or chat APIs beyond that.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/error.h"

namespace keyward::filter {

enum class JsonTokenKind { kKey, kString, kNumber };

struct JsonToken {
  JsonTokenKind kind = JsonTokenKind::kString;
  const std::string& pointer;  // of the value; for a key, of the member it names
  std::size_t begin = 0;       // the raw token in the document, quotes included: [begin, end)
  std::size_t end = 0;
  std::string_view value;  // decoded (keys, strings) or as written (numbers); valid during the visit only
  bool opaque = false;     // a data: URL or inside an `input_audio` member: not text, left alone
};

using JsonVisitor = std::function<void(const JsonToken&)>;

enum class JsonKind { kObject, kArray, kString, kNumber, kBool, kNull };

// A member of the top-level object, for request-level checks (model, max_tokens, messages).
struct JsonMember {
  std::string key;
  JsonKind kind = JsonKind::kNull;
  std::string value;         // decoded for strings, as written for numbers and literals
  std::size_t elements = 0;  // for arrays
};

struct JsonSummary {
  std::vector<JsonMember> top_level;
};

inline constexpr int kMaxJsonDepth = 256;

// Reads the whole document (one value, whitespace around it) and visits its tokens in document order; pointers
// start with `base_pointer`. An invalid document is an error naming the byte offset. Does not check UTF-8: call
// valid_utf8 first.
Expected<JsonSummary> walk_json(std::string_view text, const JsonVisitor& visit, const std::string& base_pointer = "");

bool valid_utf8(std::string_view text);

// True when the text, after leading whitespace, opens a JSON object or array.
bool looks_like_json(std::string_view text);

// Appends `value` as a JSON string: quoted, with `"`, `\` and control characters escaped, UTF-8 kept as is.
void append_json_string(std::string& out, std::string_view value);

// Appends one RFC 6901 reference token ("/" then the name with `~` as `~0` and `/` as `~1`).
void append_pointer_token(std::string& pointer, std::string_view name);

}  // namespace keyward::filter
