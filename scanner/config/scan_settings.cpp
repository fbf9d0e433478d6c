#include "scanner/config/scan_settings.h"

#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "scanner/config/gitleaks.h"

namespace keyward::config {
namespace {

const std::set<std::string, std::less<>> kScanKeys = {"max_file_bytes", "max_decode_depth", "redact"};

// "FILE:LINE: what", the line of the key at fault.
std::string problem(const std::string& name, const toml::node& node, std::string_view what) {
  return fmt::format("{}:{}: {}", name, node.source().begin.line, what);
}

}  // namespace

Expected<ScanSettings> parse_scan_settings(std::string_view text, const std::string& name) {
  toml::table document;
  try {
    document = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    return fail(fmt::format("{}:{}:{}: {}", name, e.source().begin.line, e.source().begin.column, e.description()));
  }
  ScanSettings settings;
  const toml::node* scan = document.get("scan");
  if (scan == nullptr) return settings;
  const auto* table = scan->as_table();
  if (table == nullptr) return fail(problem(name, *scan, "scan must be a table ([scan])"));
  std::vector<std::string> errors;
  for (const auto& [key, value] : *table) {
    if (!kScanKeys.contains(key.str())) {
      errors.push_back(problem(name, value, fmt::format("unknown key 'scan.{}'", key.str())));
    }
  }
  if (const toml::node* node = table->get("max_file_bytes")) {
    const auto bytes = node->value<std::int64_t>();
    if (!node->is_integer() || !bytes || *bytes <= 0) {
      errors.push_back(problem(name, *node, "scan.max_file_bytes must be a positive integer"));
    } else {
      settings.max_file_bytes = static_cast<std::uint64_t>(*bytes);
    }
  }
  if (const toml::node* node = table->get("max_decode_depth")) {
    const auto depth = node->value<std::int64_t>();
    if (!node->is_integer() || !depth || *depth < 0 || *depth > 4) {
      errors.push_back(problem(name, *node, "scan.max_decode_depth must be an integer from 0 to 4"));
    } else {
      settings.max_decode_depth = static_cast<int>(*depth);
    }
  }
  if (const toml::node* node = table->get("redact")) {
    if (!node->is_boolean()) {
      errors.push_back(problem(name, *node, "scan.redact must be true or false"));
    } else {
      settings.redact = node->value<bool>();
    }
  }
  if (!errors.empty()) return fail(errors);
  return settings;
}

Expected<ScanSettings> load_scan_settings(const std::optional<std::string>& path) {
  if (!path) return ScanSettings{};
  std::ifstream in(*path, std::ios::binary);
  if (!in) return fail(fmt::format("{}: cannot read config", *path));
  std::ostringstream text;
  text << in.rdbuf();
  if (looks_like_gitleaks(text.str())) return ScanSettings{};
  return parse_scan_settings(text.str(), *path);
}

}  // namespace keyward::config
