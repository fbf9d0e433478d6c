// GitHub Actions workflow commands: one `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`
// line per finding (`::warning` for medium, `::notice` for low), escaped as the runner unescapes them.
#include <fmt/format.h>

#include "scanner/report/reporters.h"

namespace keyward::report {
namespace {

// The message: '%', CR and LF are percent-encoded.
std::string escape_data(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '%':
        out += "%25";
        break;
      case '\r':
        out += "%0D";
        break;
      case '\n':
        out += "%0A";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A property value: as the message, plus ':' and ',' which would end it.
std::string escape_property(std::string_view text) {
  std::string out;
  for (char c : escape_data(text)) {
    switch (c) {
      case ':':
        out += "%3A";
        break;
      case ',':
        out += "%2C";
        break;
      default:
        out += c;
    }
  }
  return out;
}

const char* command_of(engine::Severity severity) {
  switch (severity) {
    case engine::Severity::kCritical:
    case engine::Severity::kHigh:
      return "error";
    case engine::Severity::kMedium:
      return "warning";
    case engine::Severity::kLow:
      return "notice";
  }
  return "error";
}

}  // namespace

std::string github_annotation(const Finding& f) {
  std::string properties = "file=" + escape_property(f.path);
  if (f.line > 0) {
    properties += fmt::format(",line={},col={},endLine={},endColumn={}", f.line, f.column, f.end_line, f.end_column);
  }
  properties += ",title=" + escape_property(fmt::format("keyward: {}", f.rule_id));
  std::string message = f.description;
  if (!f.secret.empty()) message += ": " + f.secret;
  if (!f.encoding.empty()) message += " (" + f.encoding + ")";
  if (!f.git.commit.empty()) message += fmt::format(" in commit {} by {}", f.git.commit.substr(0, 12), f.git.author);
  if (!f.message.empty()) message += "\n" + f.message;
  return fmt::format("::{} {}::{}", command_of(f.severity), properties, escape_data(message));
}

void write_github(const Report& report, std::ostream& out) {
  for (const auto& f : report.findings) out << github_annotation(f) << '\n';
  for (const auto& d : report.diagnostics) {
    out << "::warning title=keyward::" << escape_data(d.origin + ": " + d.message) << '\n';
  }
}

}  // namespace keyward::report
