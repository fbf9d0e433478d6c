// What a candidate secret is when it is really code: an identifier built of words (snake, camel, dotted, `?.`
// or `::` member access, a type union), a path, a route (controller#action), a format string (%s, {}, {0}) or
// a template (${...}, {{ }}, <% %>). The `not_code` check of generic rules. A pure function of the bytes; a
// random key is almost never taken for code (tests measure it on 100,000 of them).
#pragma once

#include <string_view>

namespace keyward::engine {

enum class CodeShape { kNone, kIdentifier, kPath, kRoute, kFormatString, kTemplate };

const char* to_string(CodeShape shape);

CodeShape code_shape(std::string_view token);

}  // namespace keyward::engine
