// libFuzzer target: a rule file (rules/*.toml, --rules FILE) parsed from arbitrary bytes. Any outcome is fine but
// a crash, a hang, a leak or undefined behaviour; a parsed rule set is not compiled (Hyperscan is the engine
// target's business, and compiling each input would make this one too slow to find anything).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scanner/config/rule_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = keyward::config::parse_rule_file(text, "fuzz.toml");
  if (parsed) {
    for (const auto& rule : parsed->rules) {
      if (rule.id.empty() && rule.regex.empty()) return 0;  // touch the result
    }
  }
  return 0;
}
