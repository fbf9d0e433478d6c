// libFuzzer target: arbitrary content scanned as `keyward scan --config gitleaks.toml` scans a file, with gitleaks'
// default config loaded (read from gitleaks' repository at configure time; without it, gitleaks_config.toml here,
// written from gitleaks' documented schema), then every reporter: scan_and_report.h. The first byte picks the
// file's path from paths the config's rules and allowlists narrow to (.tf, .yaml, nuget.config, .p12, ...), so
// path-narrowed and path-only rules, AND allowlists with paths and several regexTargets all run. Issue 18's crash
// came from this pairing of content with a real gitleaks config, which no target made before.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz/scan_and_report.h"
#include "scanner/config/config.h"

namespace {

const keyward::engine::RuleSet& rules() {
  static const keyward::engine::RuleSet once = [] {
    const std::string config = KEYWARD_FUZZ_GITLEAKS_CONFIG;
    keyward::config::RuleSources sources;
    sources.config_path = config;
    auto file = keyward::config::resolve_rules(sources, config);
    if (!file || !file->notes.empty()) abort();  // every key of the config is honoured
    auto compiled = keyward::config::compile_rules(std::move(*file));
    if (!compiled) abort();
    return std::move(*compiled);
  }();
  return once;
}

constexpr std::string_view kPaths[] = {
    "deploy/secret.yaml", "infra/main.tf",  "NuGet.Config",   "wp/freemius.php",
    "certs/client.p12",   "src/app.py",     ".env",           "package-lock.json",
    "meta/recipe.bb",     "k8s/values.yml", "infra/vars.hcl", "README.md",
    "vendor/modules.txt", "gitleaks.toml",  "keys/store.pfx", "",
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)rules();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view path = kPaths[data[0] % std::size(kPaths)];
  keyward::fuzz::scan_and_report(rules(), path, std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  return 0;
}
