#include "scanner/config/baseline.h"

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <iterator>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace keyward::config {
namespace {

using Json = nlohmann::ordered_json;

constexpr int kBaselineVersion = 1;

void sort_unique(std::vector<BaselineEntry>& entries) {
  std::sort(entries.begin(), entries.end(), [](const BaselineEntry& a, const BaselineEntry& b) {
    return std::tie(a.path, a.rule_id, a.fingerprint) < std::tie(b.path, b.rule_id, b.fingerprint);
  });
  std::set<std::string> seen;
  std::erase_if(entries, [&](const BaselineEntry& e) { return !seen.insert(e.fingerprint).second; });
}

Expected<BaselineEntry> parse_entry(const Json& item, std::size_t index) {
  if (!item.is_object() || !item.contains("fingerprint") || !item["fingerprint"].is_string() ||
      item["fingerprint"].get<std::string>().empty()) {
    return fail(fmt::format("findings[{}] has no \"fingerprint\" string", index));
  }
  BaselineEntry entry{.fingerprint = item["fingerprint"].get<std::string>(), .rule_id = {}, .path = {}};
  if (item.contains("rule_id") && item["rule_id"].is_string()) entry.rule_id = item["rule_id"].get<std::string>();
  if (item.contains("path") && item["path"].is_string()) entry.path = item["path"].get<std::string>();
  return entry;
}

}  // namespace

Expected<Baseline> read_baseline(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return fail(fmt::format("baseline {}: {}", path, errno_text(errno)));
  const std::string text{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  Json document;
  try {
    document = Json::parse(text);
  } catch (const Json::parse_error& e) {
    return fail(fmt::format("baseline {}: not JSON (at byte {})", path, e.byte));
  }
  if (!document.is_object() || !document.contains("findings") || !document["findings"].is_array()) {
    return fail(
        fmt::format("baseline {}: not a keyward baseline (no \"findings\" array; make one with "
                    "`keyward baseline`)",
                    path));
  }
  if (document.contains("version") && document["version"] != kBaselineVersion) {
    return fail(fmt::format("baseline {}: version {} is not supported (this keyward reads {})", path,
                            document["version"].dump(), kBaselineVersion));
  }
  Baseline baseline;
  const Json& findings = document["findings"];
  for (std::size_t i = 0; i < findings.size(); ++i) {
    auto entry = parse_entry(findings[i], i);
    if (!entry) return fail(fmt::format("baseline {}: {}", path, entry.error().message));
    baseline.entries.push_back(std::move(*entry));
  }
  sort_unique(baseline.entries);
  return baseline;
}

Baseline baseline_of(const report::Report& report) {
  Baseline baseline;
  for (const auto& f : report.findings) {
    baseline.entries.push_back({.fingerprint = f.fingerprint, .rule_id = f.rule_id, .path = f.path});
  }
  sort_unique(baseline.entries);
  return baseline;
}

void write_baseline(const Baseline& baseline, std::ostream& out) {
  Json findings = Json::array();
  for (const auto& e : baseline.entries) {
    findings.push_back(Json{{"fingerprint", e.fingerprint}, {"rule_id", e.rule_id}, {"path", e.path}});
  }
  const Json document{{"version", kBaselineVersion}, {"findings", std::move(findings)}};
  out << document.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

BaselineOutcome apply_baseline(const Baseline& baseline, report::Report& report) {
  std::set<std::string> known;
  for (const auto& e : baseline.entries) known.insert(e.fingerprint);
  std::set<std::string> matched;
  BaselineOutcome outcome;
  std::erase_if(report.findings, [&](const report::Finding& f) {
    if (!known.contains(f.fingerprint)) return false;
    matched.insert(f.fingerprint);
    ++outcome.hidden;
    return true;
  });
  for (const auto& e : baseline.entries) {
    if (!matched.contains(e.fingerprint)) outcome.stale.push_back(e);
  }
  return outcome;
}

}  // namespace keyward::config
