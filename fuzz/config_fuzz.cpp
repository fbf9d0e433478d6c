// libFuzzer target: a config file from arbitrary bytes, read the way `keyward scan --config FILE` reads it: told
// apart (gitleaks or .keyward.toml) by its keys, then parsed by the gitleaks reader or the rule-file parser.
// The gitleaks reader takes a path (its [extend] path is relative to it), so each input is written to a file in a
// private temporary directory first.
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "scanner/config/gitleaks.h"
#include "scanner/config/rule_file.h"

namespace {

std::string config_path() {
  char dir[] = "/tmp/keyward-fuzz-config-XXXXXX";
  if (mkdtemp(dir) == nullptr) abort();
  return std::string(dir) + "/config.toml";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = config_path();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (keyward::config::looks_like_gitleaks(text)) {
    FILE* file = std::fopen(path.c_str(), "wb");
    if (file == nullptr) abort();
    if (size > 0 && std::fwrite(data, 1, size, file) != size) abort();
    std::fclose(file);
    (void)keyward::config::load_gitleaks_config(path);
  } else {
    (void)keyward::config::parse_rule_file(text, ".keyward.toml");
  }
  return 0;
}
