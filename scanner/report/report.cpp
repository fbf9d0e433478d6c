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

// A secret span of the line before redaction, and what hides it after.
struct Hidden {
  Span before;
  Span after;
};

// Where a byte offset of the line lands once the spans are hidden: an offset inside a hidden span lands on its
// start (or, for an end, on its end), one after it moves with the text that follows.
std::size_t moved(std::size_t offset, const std::vector<Hidden>& hidden, bool is_end) {
  std::size_t shift_from = 0, shift_to = 0;
  for (const Hidden& h : hidden) {
    if (offset < h.before.start || (is_end && offset == h.before.start)) break;
    if (offset < h.before.end || (is_end && offset == h.before.end)) return is_end ? h.after.end : h.after.start;
    shift_from = h.before.end;
    shift_to = h.after.end;
  }
  return offset - shift_from + shift_to;
}

// Replaces every secret span of the line with its redacted form, keeping `marked` on the finding's own secret.
// Spans that overlap are hidden as one (a generic match inside a quoted password), so no part of either shows
// and `marked` stays inside the new line; spans reaching past the line's end are cut at it.
void redact_line(Finding& finding) {
  const std::size_t size = finding.line_text.size();
  std::vector<Span> spans;
  for (Span span : finding.secrets_in_line) {
    span.end = std::min(span.end, size);
    if (span.start < span.end) spans.push_back(span);
  }
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.start < b.start; });
  std::vector<Span> merged;
  for (const Span& span : spans) {
    if (!merged.empty() && span.start < merged.back().end) {
      merged.back().end = std::max(merged.back().end, span.end);
    } else {
      merged.push_back(span);
    }
  }
  std::string out;
  std::vector<Hidden> hidden;
  std::size_t pos = 0;
  for (const Span& span : merged) {
    out.append(finding.line_text, pos, span.start - pos);
    const std::size_t start = out.size();
    out += redact(std::string_view(finding.line_text).substr(span.start, span.end - span.start));
    hidden.push_back({.before = span, .after = {start, out.size()}});
    pos = span.end;
  }
  out.append(finding.line_text, std::min(pos, size));
  const std::size_t marked_start = std::min(finding.marked.start, size);
  const std::size_t marked_end = std::clamp(finding.marked.end, marked_start, size);
  finding.marked = {moved(marked_start, hidden, false), moved(marked_end, hidden, marked_end > marked_start)};
  finding.line_text = std::move(out);
  finding.secrets_in_line.clear();
}

}  // namespace

void finalize(Report& report, Redaction redaction, Order order) {
  auto& findings = report.findings;
  std::sort(findings.begin(), findings.end(), [order](const Finding& a, const Finding& b) {
    if (order == Order::kBySeverity && a.severity != b.severity) return a.severity > b.severity;
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
