#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "scanner/report/reporters.h"

namespace keyward::report {
namespace {

struct Style {
  const char* path = "";
  const char* rule = "";
  const char* mark = "";
  const char* dim = "";
  const char* reset = "";
};

Style style_for(Color color) {
  if (color == Color::kNever) return {};
  return {.path = "\x1b[35m", .rule = "\x1b[1;31m", .mark = "\x1b[1;33m", .dim = "\x1b[2m", .reset = "\x1b[0m"};
}

// Control bytes would move a terminal's cursor or worse: each shows as '?', a tab as one space.
std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (c == '\t') {
      out += ' ';
    } else if (c < 0x20 || c == 0x7f) {
      out += '?';
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// Columns as a terminal counts them: UTF-8 continuation bytes take no column.
std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (unsigned char c : text) width += (c & 0xC0) != 0x80;
  return width;
}

std::string human_bytes(std::uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  if (bytes < 1024ull * 1024) return fmt::format("{:.1f} KiB", static_cast<double>(bytes) / 1024);
  if (bytes < 1024ull * 1024 * 1024) return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024 * 1024));
  return fmt::format("{:.2f} GiB", static_cast<double>(bytes) / (1024.0 * 1024 * 1024));
}

std::string counted(std::uint64_t count, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", count, count == 1 ? one : many);
}

// What was not scanned and why, with the flag that scans it where there is one.
std::string skipped_part(const SkipCounts& skipped) {
  std::vector<std::string> parts;
  if (skipped.ignored > 0) {
    parts.push_back(fmt::format("{} ignored by .gitignore (--no-ignore to scan them)", skipped.ignored));
  }
  if (skipped.too_large > 0) {
    parts.push_back(fmt::format("{} over the size limit (--max-file-size to scan them)", skipped.too_large));
  }
  if (skipped.binary > 0) parts.push_back(fmt::format("{} binary", skipped.binary));
  if (skipped.symlinks > 0) {
    parts.push_back(counted(skipped.symlinks, "symlink (-L to follow it)", "symlinks (-L to follow them)"));
  }
  if (skipped.special > 0) parts.push_back(counted(skipped.special, "special file", "special files"));
  if (skipped.allowlisted > 0) parts.push_back(fmt::format("{} allowlisted by the config", skipped.allowlisted));
  if (skipped.submodules > 0) parts.push_back(counted(skipped.submodules, "submodule", "submodules"));
  return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace

void write_text(const Report& report, std::ostream& out, Color color) {
  const Style s = style_for(color);
  for (const auto& f : report.findings) {
    if (f.line == 0) {  // about a whole file (or a pattern): no line to show
      out << fmt::format("{}{}{}: {}{}{} [{}] {}\n", s.path, printable(f.path), s.reset, s.rule, f.rule_id, s.reset,
                         engine::to_string(f.severity), f.description);
      if (!f.git.commit.empty()) {
        out << fmt::format("    commit: {} by {} <{}> on {}\n", f.git.commit, printable(f.git.author),
                           printable(f.git.email), f.git.date);
      }
      if (!f.message.empty()) out << fmt::format("    {}\n", printable(f.message));
      continue;
    }
    out << fmt::format("{}{}:{}:{}{}: {}{}{} [{}] {}\n", s.path, printable(f.path), f.line, f.column, s.reset, s.rule,
                       f.rule_id, s.reset, engine::to_string(f.severity), f.description);
    out << fmt::format("    secret: {}\n", printable(f.secret));
    if (!f.encoding.empty()) out << fmt::format("    encoding: {}\n", f.encoding);
    if (!f.git.commit.empty()) {
      out << fmt::format("    commit: {} by {} <{}> on {}\n", f.git.commit, printable(f.git.author),
                         printable(f.git.email), f.git.date);
    }
    const std::string line_number = std::to_string(f.line);
    const std::string before = printable(std::string_view(f.line_text).substr(0, f.marked.start));
    const std::string marked =
        printable(std::string_view(f.line_text).substr(f.marked.start, f.marked.end - f.marked.start));
    const std::string after = printable(std::string_view(f.line_text).substr(f.marked.end));
    out << fmt::format("  {}{} |{} {}{}{}{}{}\n", s.dim, line_number, s.reset, before, s.mark, marked, s.reset, after);
    const std::string carets(std::max<std::size_t>(1, display_width(marked)), '^');
    out << fmt::format("  {} | {}{}\n", std::string(line_number.size(), ' '), std::string(display_width(before), ' '),
                       carets);
  }
}

std::string summary_line(const Report& report) {
  const auto& st = report.stats;
  std::string line = "keyward: ";
  if (st.commits > 0) line += counted(st.commits, "commit", "commits") + ", ";
  const std::uint64_t warnings = std::min<std::uint64_t>(st.warnings, report.findings.size());
  line += fmt::format("{}, {}, {:.2f} s, {}", counted(st.files, "file", "files"), human_bytes(st.bytes), st.seconds,
                      counted(report.findings.size() - warnings, "finding", "findings"));
  if (warnings > 0) line += ", " + counted(warnings, "warning", "warnings");
  if (st.baseline.hidden > 0) line += fmt::format(", {} baselined", st.baseline.hidden);
  if (!report.diagnostics.empty()) line += ", " + counted(report.diagnostics.size(), "error", "errors");
  if (st.skipped.total() > 0) line += "; skipped " + skipped_part(st.skipped);
  return line;
}

}  // namespace keyward::report
