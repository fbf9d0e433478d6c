// What the scan fuzz targets share: one item through the whole per-item pipeline a `keyward scan` runs (engine with
// decoding, locate, required rules, rules on paths alone), then finalize (sorting, redaction) and every reporter.
// An exception anywhere would be the scan driver's "internal error" diagnostic in keyward; here it is a finding.
#pragma once

#include <cstdlib>
#include <sstream>
#include <string_view>

#include "scanner/engine/decode.h"
#include "scanner/report/locate.h"
#include "scanner/report/reporters.h"
#include "scanner/scan.h"

namespace keyward::fuzz {

inline void check_finding_spans(const report::Report& report) {
  for (const auto& f : report.findings) {
    if (f.line == 0) continue;  // about a whole file
    if (f.line < 1 || f.column < 1 || f.end_line < f.line) abort();
    if (f.marked.start > f.marked.end || f.marked.end > f.line_text.size()) abort();
    for (const auto& span : f.secrets_in_line) {
      if (span.start > span.end) abort();
    }
  }
}

inline void scan_and_report(const engine::RuleSet& rules, std::string_view path, std::string_view bytes) {
  report::Report report = scan_bytes(rules, path, bytes, engine::kUsualMaxDecodeDepth);
  if (!report.diagnostics.empty()) abort();  // an exception or an engine error on this input
  for (auto& finding : report::path_findings(rules, {.path = path, .commit = {}})) {
    report.findings.push_back(std::move(finding));
  }
  check_finding_spans(report);
  report::finalize(report, report::Redaction::kRedact);
  check_finding_spans(report);
  std::ostringstream out;
  report::write_text(report, out, report::Color::kAlways);
  report::write_json(report, out);
  report::write_sarif(report, out);
  report::write_github(report, out);
}

}  // namespace keyward::fuzz
