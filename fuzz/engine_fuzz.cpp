// libFuzzer target: the engine on arbitrary bytes with the default rules (built-in, secret category), compiled
// once. Every match must lie inside the input, and decoding (two levels, as `--max-decode-depth 2`) must hold too.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "scanner/config/config.h"
#include "scanner/engine/decode.h"
#include "scanner/engine/engine.h"
#include "scanner/engine/scratch.h"

namespace {

struct Compiled {
  keyward::engine::RuleSet rules;
  keyward::engine::Scratch scratch;
};

Compiled& compiled() {
  static Compiled once = [] {
    auto file = keyward::config::resolve_rules(keyward::config::RuleSources{}, std::nullopt);
    if (!file) abort();
    auto rules = keyward::config::compile_rules(std::move(*file));
    if (!rules) abort();
    auto scratch = keyward::engine::Scratch::create(*rules);
    if (!scratch) abort();
    return Compiled{std::move(*rules), std::move(*scratch)};
  }();
  return once;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)compiled();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Compiled& c = compiled();
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto plain = keyward::engine::scan(c.rules, bytes, c.scratch);
  if (!plain) abort();
  for (const auto& m : *plain) {
    if (m.secret_start > m.secret_end || m.secret_end > size) abort();
  }
  auto decoded = keyward::engine::scan_decoded(c.rules, bytes, c.scratch, keyward::engine::kUsualMaxDecodeDepth);
  if (!decoded) abort();
  return 0;
}
