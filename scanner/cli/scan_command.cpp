// `keyward scan [PATH...]`: the working tree (or standard input) through the engine, reported.
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "scanner/cli/commands.h"
#include "scanner/cli/rule_loading.h"
#include "scanner/report/reporters.h"
#include "scanner/scan.h"

namespace keyward::cli {

void add_scan_command(CLI::App& app, ScanOptions& options) {
  CLI::App* cmd = app.add_subcommand("scan", "Scan files and directories ('-' reads standard input)");
  cmd->add_option("paths", options.paths, "Files or directories to scan (default: .)");
  add_rule_options(*cmd, options.rule_options);
  cmd->add_option("-f,--format", options.format, "Report format")->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("-o,--report-path", options.report_path, "Write the report to this file instead of stdout");
  cmd->add_option("-j,--threads", options.threads, "Worker threads (default: one per core)")
      ->check(CLI::Range(1, 1024));
  cmd->add_flag("--no-ignore", options.no_ignore, "Also scan files .gitignore excludes");
  cmd->add_flag("-L,--follow-symlinks", options.follow_symlinks, "Follow symbolic links");
  cmd->add_option("--max-file-size", options.max_file_size, "Skip files larger than this (default 10MiB)")
      ->transform(CLI::AsSizeValue(false));
  cmd->add_flag("--no-redact", options.no_redact, "Show secrets in full in the report");
  cmd->add_option("--color", options.color, "Colour the text report")
      ->check(CLI::IsMember({"auto", "always", "never"}));
}

namespace {

report::Color pick_color(const ScanOptions& options) {
  if (options.color == "always") return report::Color::kAlways;
  if (options.color == "never" || options.report_path || std::getenv("NO_COLOR") != nullptr) {
    return report::Color::kNever;
  }
  return isatty(STDOUT_FILENO) ? report::Color::kAlways : report::Color::kNever;
}

bool write_report(const report::Report& report, const ScanOptions& options) {
  auto write = [&](std::ostream& out) {
    if (options.format == "json") {
      report::write_json(report, out);
    } else {
      report::write_text(report, out, pick_color(options));
    }
    out.flush();
    return static_cast<bool>(out);
  };
  if (!options.report_path) return write(std::cout);
  std::ofstream file(*options.report_path, std::ios::binary | std::ios::trunc);
  if (!file) {
    print_error(fmt::format("cannot write report to {}", *options.report_path));
    return false;
  }
  if (!write(file)) {
    print_error(fmt::format("cannot write report to {}", *options.report_path));
    return false;
  }
  return true;
}

}  // namespace

int run_scan(const ScanOptions& options) {
  const std::vector<std::string> paths = options.paths.empty() ? std::vector<std::string>{"."} : options.paths;
  auto rules = load_rules(options.rule_options, paths.front());
  if (!rules) {
    print_error(rules.error().message);
    return kExitError;
  }
  keyward::ScanOptions scan_options{
      .threads = options.threads,
      .max_file_bytes = options.max_file_size,
      .walk = {
          .symlinks = options.follow_symlinks ? sources::SymlinkPolicy::kFollow : sources::SymlinkPolicy::kSkip,
          .ignore = options.no_ignore ? sources::IgnorePolicy::kScanAll : sources::IgnorePolicy::kRespectGitignore}};
  report::Report report = scan_paths(*rules, paths, scan_options);
  report::finalize(report, options.no_redact ? report::Redaction::kShow : report::Redaction::kRedact);

  const bool written = write_report(report, options);
  for (const auto& d : report.diagnostics) {
    std::cerr << fmt::format("keyward: warning: {}: {}\n", d.origin, d.message);
  }
  std::cerr << report::summary_line(report) << '\n';
  if (!written || !report.diagnostics.empty()) return kExitError;
  return report.findings.empty() ? kExitClean : kExitFindings;
}

void print_error(const std::string& message) {
  std::size_t start = 0;
  while (start <= message.size()) {
    const auto end = message.find('\n', start);
    const std::string line = message.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!line.empty()) std::cerr << "keyward: error: " << line << '\n';
    if (end == std::string::npos) break;
    start = end + 1;
  }
}

}  // namespace keyward::cli
