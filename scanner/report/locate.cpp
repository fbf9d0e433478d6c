#include "scanner/report/locate.h"

#include <algorithm>

#include "scanner/engine/allowlist.h"
#include "scanner/engine/engine.h"
#include "scanner/report/fingerprint.h"

namespace keyward::report {
namespace {

struct Position {
  int line = 1;
  std::size_t line_start = 0;
};

// Walks forward through the bytes, counting lines; positions must be asked for in increasing order. The end of
// the current line is found once, however many positions on it are asked for.
class LineCounter {
 public:
  explicit LineCounter(std::string_view bytes, Position from = {}) : bytes_(bytes), current_(from) {}

  Position at(std::size_t offset) {
    while (true) {
      if (!newline_known_) {
        newline_ = bytes_.find('\n', current_.line_start);
        newline_known_ = true;
      }
      if (newline_ == std::string_view::npos || newline_ >= offset) return current_;
      current_ = {current_.line + 1, newline_ + 1};
      newline_known_ = false;
    }
  }

 private:
  std::string_view bytes_;
  Position current_;
  std::size_t newline_ = 0;  // the first '\n' at or after current_.line_start, once known
  bool newline_known_ = false;
};

std::size_t line_end(std::string_view bytes, std::size_t line_start) {
  const auto newline = bytes.find('\n', line_start);
  std::size_t end = newline == std::string_view::npos ? bytes.size() : newline;
  if (end > line_start && bytes[end - 1] == '\r') --end;
  return end;
}

}  // namespace

std::vector<Finding> locate(const engine::RuleSet& rules, std::string_view path, std::string_view bytes,
                            const std::vector<engine::Match>& matches) {
  std::vector<Finding> out;
  std::vector<engine::Match> sorted = matches;
  std::sort(sorted.begin(), sorted.end(),
            [](const engine::Match& a, const engine::Match& b) { return a.secret_start < b.secret_start; });
  LineCounter starts(bytes);
  // Findings on one line share its end and its inline-allow verdict, found once: a minified file's line can be
  // megabytes long and hold thousands of findings.
  std::size_t known_line_start = std::string_view::npos;
  std::size_t first_line_end = 0;
  bool line_allowed = false;
  for (const auto& match : sorted) {
    const auto& rule = rules.rules()[match.rule];
    const Position begin = starts.at(match.secret_start);
    if (begin.line_start != known_line_start) {
      known_line_start = begin.line_start;
      first_line_end = line_end(bytes, begin.line_start);
      line_allowed = engine::line_has_inline_allow(bytes.substr(begin.line_start, first_line_end - begin.line_start));
    }
    if (line_allowed) continue;

    const std::size_t last_byte = match.secret_end > match.secret_start ? match.secret_end - 1 : match.secret_start;
    const Position finish = last_byte < first_line_end ? begin : LineCounter(bytes, begin).at(last_byte);
    // A secret spanning lines may be allowed on its last line too (the end of a private key block).
    if (finish.line != begin.line && engine::line_has_inline_allow(bytes.substr(
                                         finish.line_start, line_end(bytes, finish.line_start) - finish.line_start))) {
      continue;
    }

    // Found through a decoding: the span is the encoded text, the secret is what it decodes to.
    const std::string_view secret = match.encoding.empty()
                                        ? bytes.substr(match.secret_start, match.secret_end - match.secret_start)
                                        : std::string_view(match.decoded_secret);
    const std::size_t excerpt_start =
        std::max(begin.line_start, match.secret_start > kExcerptContextBytes ? match.secret_start - kExcerptContextBytes
                                                                             : std::size_t{0});
    const std::size_t excerpt_end =
        std::min(first_line_end, std::min(match.secret_end, first_line_end) + kExcerptContextBytes);
    Finding finding{
        .rule_id = rule.rule.id,
        .description = rule.rule.description,
        .category = rule.rule.category,
        .severity = rule.rule.severity,
        .path = std::string(path),
        .line = begin.line,
        .column = static_cast<int>(match.secret_start - begin.line_start) + 1,
        .end_line = finish.line,
        .end_column = static_cast<int>(last_byte - finish.line_start) + 2,
        .secret = std::string(secret),
        .encoding = match.encoding,
        .entropy = match.entropy,
        .fingerprint = fingerprint(rule.rule.id, path, secret),
        .line_text = std::string(bytes.substr(excerpt_start, excerpt_end - excerpt_start)),
        .marked = {match.secret_start - excerpt_start, std::min(match.secret_end, excerpt_end) - excerpt_start},
        .secrets_in_line = {},
        .git = {},
        .message = {},
    };
    // Every secret reaching into the excerpt, so redaction hides them all; a secret starts at most one confirm
    // window before the excerpt it reaches into.
    auto last = std::lower_bound(sorted.begin(), sorted.end(), excerpt_end,
                                 [](const engine::Match& m, std::size_t at) { return m.secret_start < at; });
    for (auto it = last; it != sorted.begin();) {
      --it;
      if (it->secret_start + std::size_t{2} * engine::kMaxConfirmWindowBytes < excerpt_start) break;
      const std::size_t s = std::max(it->secret_start, excerpt_start);
      const std::size_t e = std::min(it->secret_end, excerpt_end);
      if (s < e) finding.secrets_in_line.push_back({s - excerpt_start, e - excerpt_start});
    }
    out.push_back(std::move(finding));
  }
  return out;
}

std::vector<Finding> path_findings(const engine::RuleSet& rules, const engine::Item& item) {
  std::vector<Finding> out;
  if (engine::item_allowed(rules.global_allowlists(), item)) return out;
  for (const auto& rule : rules.rules()) {
    if (!rule.on_paths_only() || !engine::rule_applies(rule, item)) continue;
    Finding finding;
    finding.rule_id = rule.rule.id;
    finding.description = rule.rule.description;
    finding.category = rule.rule.category;
    finding.severity = rule.rule.severity;
    finding.path = std::string(item.path);
    finding.fingerprint = fingerprint(rule.rule.id, item.path, "");
    finding.message = "the file itself: its path matches the rule";
    out.push_back(std::move(finding));
  }
  return out;
}

}  // namespace keyward::report
