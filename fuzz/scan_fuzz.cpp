// libFuzzer target: arbitrary bytes through what `keyward scan` does to one file with the default rules (built-in,
// secret category) and decoding two levels deep, then every reporter: scan_and_report.h. The engine target stops at
// the engine's matches; the report stages after it (locate, redaction, the text report) are where issue 18's
// out-of-range substr lived.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "fuzz/scan_and_report.h"
#include "scanner/config/config.h"

namespace {

const keyward::engine::RuleSet& rules() {
  static const keyward::engine::RuleSet once = [] {
    auto file = keyward::config::resolve_rules(keyward::config::RuleSources{}, std::nullopt);
    if (!file) abort();
    auto compiled = keyward::config::compile_rules(std::move(*file));
    if (!compiled) abort();
    return std::move(*compiled);
  }();
  return once;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)rules();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  keyward::fuzz::scan_and_report(rules(), "src/input.txt", std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
