// libFuzzer target: the content filter's input, a chat request body, from arbitrary bytes. Screens it with the
// built-in rules of every category and the default policy, as `keyward filter` does, and also walks it with the
// bare JSON reader. The filter must never fail open: a verdict that lets the request through must come with
// rewritten text, and an error with none.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "scanner/filter/filter.h"
#include "scanner/filter/json_text.h"

namespace {

const keyward::filter::Filter& the_filter() {
  static const keyward::filter::Filter filter = [] {
    auto rules = keyward::filter::load_filter_rules(std::nullopt);
    if (!rules) abort();
    auto made = keyward::filter::Filter::create(std::move(*rules), keyward::filter::Policy{});
    if (!made) abort();
    return std::move(*made);
  }();
  return filter;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)the_filter();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::size_t tokens = 0;
  if (keyward::filter::valid_utf8(text)) {
    auto walked = keyward::filter::walk_json(text, [&](const keyward::filter::JsonToken& token) {
      if (token.begin > token.end || token.end > text.size()) abort();  // spans lie inside the document
      ++tokens;
    });
    (void)walked;
  }
  auto screened = the_filter().screen_request(text);
  if (screened && screened->verdict != keyward::filter::Verdict::kBlocked && !screened->findings.empty() &&
      screened->text == text) {
    // Something was found and let through unchanged: only an allow action may do that.
    for (const auto& f : screened->findings) {
      if (f.action != keyward::filter::Action::kAllow) abort();
    }
  }
  return 0;
}
