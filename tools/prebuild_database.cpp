// Build step: compiles the default rule set (built-in rules, secret category, no config) the way `keyward`
// would and writes the cache's bytes with their key to OUTPUT, for linking into the executable.
// Usage: keyward_prebuild OUTPUT
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

#include "scanner/config/config.h"
#include "scanner/config/prebuilt_database.h"

int main(int argc, char** argv) {
  using namespace keyward;
  if (argc != 2) {
    std::cerr << "usage: keyward_prebuild OUTPUT\n";
    return 2;
  }
  auto rules = config::resolve_rules(config::RuleSources{}, std::nullopt);
  if (!rules) {
    std::cerr << "keyward_prebuild: " << rules.error().message << '\n';
    return 2;
  }
  std::string blob;
  const engine::DatabaseCache capture{
      .load = nullptr,
      .store = [&blob](const std::string& key, std::string_view bytes) { blob = config::encode_prebuilt(key, bytes); }};
  if (auto compiled = config::compile_rules(std::move(*rules), &capture); !compiled) {
    std::cerr << "keyward_prebuild: " << compiled.error().message << '\n';
    return 2;
  }
  std::ofstream out(argv[1], std::ios::binary | std::ios::trunc);
  out << blob;
  if (blob.empty() || !out.flush()) {
    std::cerr << "keyward_prebuild: cannot write " << argv[1] << '\n';
    return 2;
  }
  return 0;
}
