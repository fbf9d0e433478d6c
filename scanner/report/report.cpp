#include "scanner/report/report.h"

#include <algorithm>
#include <tuple>

namespace keyward::report {

void SkipCounts::add(const SkipCounts& other) {
  binary += other.binary;
  too_large += other.too_large;
  ignored += other.ignored;
  symlinks += other.symlinks;
  special += other.special;
  allowlisted += other.allowlisted;
  submodules += other.submodules;
}

std::string redact(std::string_view secret) {
  const std::size_t keep = std::min<std::size_t>(4, secret.size() / 4);
  return std::string(secret.substr(0, keep)) + "…";
}

namespace {

// Replaces every secret span of the line with its redacted form, keeping `marked` on the finding's own secret.
void redact_line(Finding& finding) {
  std::vector<Span> spans = finding.secrets_in_line;
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.start < b.start; });
  std::string out;
  Span marked = finding.marked;
  std::size_t pos = 0;
  for (const Span& span : spans) {
    if (span.start < pos) continue;  // overlapping secrets: the first one covers it
    out.append(finding.line_text, pos, span.start - pos);
    const std::string hidden = redact(std::string_view(finding.line_text).substr(span.start, span.end - span.start));
    if (span.start == finding.marked.start) marked = {out.size(), out.size() + hidden.size()};
    out += hidden;
    pos = span.end;
  }
  out.append(finding.line_text, std::min(pos, finding.line_text.size()));
  finding.line_text = std::move(out);
  finding.marked = marked;
  finding.secrets_in_line.clear();
}

}  // namespace

void finalize(Report& report, Redaction redaction) {
  auto& findings = report.findings;
  std::sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.path, a.line, a.column, a.rule_id, a.end_line, a.end_column, a.git.commit) <
           std::tie(b.path, b.line, b.column, b.rule_id, b.end_line, b.end_column, b.git.commit);
  });
  std::sort(report.diagnostics.begin(), report.diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.origin, a.message) < std::tie(b.origin, b.message);
  });
  if (redaction == Redaction::kShow) return;
  for (auto& finding : findings) {
    if (finding.secret.empty()) continue;  // a finding about a whole file has no secret to hide
    finding.secret = redact(finding.secret);
    redact_line(finding);
  }
}

}  // namespace keyward::report
