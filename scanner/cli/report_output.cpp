#include "scanner/cli/report_output.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "scanner/cli/config_check.h"
#include "scanner/cli/path_checks.h"
#include "scanner/config/config.h"
#include "scanner/config/scan_settings.h"
#include "scanner/engine/decode.h"
#include "scanner/limits.h"
#include "scanner/report/reporters.h"
#include "scanner/scan.h"

namespace keyward::cli {
namespace {

report::Color pick_color(const ReportOptions& options) {
  if (options.color == "always") return report::Color::kAlways;
  if (options.color == "never" || options.report_path || std::getenv("NO_COLOR") != nullptr) {
    return report::Color::kNever;
  }
  return isatty(STDOUT_FILENO) ? report::Color::kAlways : report::Color::kNever;
}

// A path on one line of stderr: a name may hold any byte but '/' and NUL, and a newline in it must not forge a
// line of its own (nor a control byte drive the terminal).
std::string one_line(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (byte < 0x20 || byte == 0x7f) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out += c;
    }
  }
  return out;
}

bool write_report(const report::Report& report, const ReportOptions& options) {
  auto write = [&](std::ostream& out) {
    if (options.format == "json") {
      report::write_json(report, out);
    } else if (options.format == "sarif") {
      report::write_sarif(report, out);
    } else if (options.format == "github") {
      report::write_github(report, out);
    } else {
      report::write_text(report, out, pick_color(options));
    }
    out.flush();
    return static_cast<bool>(out);
  };
  if (!options.report_path) return write(std::cout);
  std::ofstream file(*options.report_path, std::ios::binary | std::ios::trunc);
  if (!file || !write(file)) {
    print_error(fmt::format("cannot write report to {}: {}", *options.report_path, errno_text(errno)));
    return false;
  }
  return true;
}

}  // namespace

void add_max_file_size_option(CLI::App& cmd, std::optional<std::uint64_t>& max_file_size) {
  cmd.add_option("--max-file-size", max_file_size,
                 fmt::format("Skip files larger than this (default {}MiB)", kDefaultMaxInputBytes >> 20))
      ->transform(CLI::AsSizeValue(false));
}

void add_report_options(CLI::App& cmd, ReportOptions& options) {
  cmd.add_option("-f,--format", options.format, "Report format")
      ->check(CLI::IsMember({"text", "json", "sarif", "github"}));
  cmd.add_option("-o,--report-path", options.report_path, "Write the report to this file instead of stdout");
  cmd.add_flag("--no-redact", options.no_redact, "Show secrets in full in the report");
  cmd.add_option("--color", options.color, "Colour the text report")->check(CLI::IsMember({"auto", "always", "never"}));
  cmd.add_option("-j,--threads", options.threads, "Worker threads (default: one per core)")->check(CLI::Range(1, 1024));
  add_max_file_size_option(cmd, options.max_file_size);
  cmd.add_option("--baseline", options.baseline,
                 "Hide the findings this baseline file holds (`keyward baseline` writes one); note stale entries");
  cmd.add_option("--max-decode-depth", options.max_decode_depth,
                 "Decode base64, hex, percent-encoding and escapes up to this many times deep to find secrets (default "
                 "2: base64 of base64; 0: off)")
      ->check(CLI::Range(0, 4));
}

Expected<ReportOptions> resolve_report_options(ReportOptions options, const RuleOptions& rule_options,
                                               const std::string& first_path) {
  const auto config_path = rule_options.config ? rule_options.config : config::discover_config(first_path);
  if (auto ok = check_output_path(options.report_path, "report"); !ok) return tl::unexpected(ok.error());
  auto notes = check_config(config_path, rule_options.rules);
  if (!notes) return tl::unexpected(notes.error());
  for (const auto& note : *notes) std::cerr << "keyward: note: " << note << '\n';
  auto settings = config::load_scan_settings(config_path);
  if (!settings) return tl::unexpected(settings.error());
  if (!options.max_file_size) options.max_file_size = settings->max_file_bytes.value_or(kDefaultMaxInputBytes);
  if (!options.max_decode_depth)
    options.max_decode_depth = settings->max_decode_depth.value_or(engine::kUsualMaxDecodeDepth);
  if (!options.no_redact && settings->redact == false) options.no_redact = true;
  return options;
}

Expected<std::optional<config::Baseline>> load_baseline(const ReportOptions& options) {
  if (!options.baseline) return std::optional<config::Baseline>{};
  auto baseline = config::read_baseline(*options.baseline);
  if (!baseline) return tl::unexpected(baseline.error());
  return std::optional<config::Baseline>(std::move(*baseline));
}

int finish_report(report::Report& report, const ReportOptions& options, const std::optional<config::Baseline>& baseline,
                  StaleNote stale_note, report::Order order) {
  if (baseline) {
    const auto outcome = config::apply_baseline(*baseline, report);
    report.stats.baseline = {.used = true, .hidden = outcome.hidden, .stale = outcome.stale.size()};
    if (!outcome.stale.empty() && stale_note == StaleNote::kShow) {
      std::cerr << fmt::format(
          "keyward: note: {} baseline entr{} in {} matched no finding (fixed, moved to another file, or not "
          "scanned); `keyward baseline` writes a fresh one\n",
          outcome.stale.size(), outcome.stale.size() == 1 ? "y" : "ies", *options.baseline);
    }
  }
  report::finalize(report, options.no_redact ? report::Redaction::kShow : report::Redaction::kRedact, order);
  const bool written = write_report(report, options);
  for (const auto& d : report.diagnostics) {
    std::cerr << fmt::format("keyward: warning: {}: {}\n", one_line(d.origin), one_line(d.message));
  }
  std::cerr << report::summary_line(report) << '\n';
  if (!written || !report.diagnostics.empty()) return kExitError;
  return report.findings.empty() ? kExitClean : kExitFindings;
}

}  // namespace keyward::cli
