// `keyward baseline [PATH...]`: what `keyward scan` would find, written as a baseline (fingerprints, never
// secrets) for `--baseline FILE` to hide. Same sources and flags as `scan`.
#include <cerrno>
#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "scanner/cli/commands.h"
#include "scanner/cli/path_checks.h"
#include "scanner/cli/report_output.h"
#include "scanner/cli/rule_loading.h"
#include "scanner/cli/worktree_scan.h"
#include "scanner/config/baseline.h"

namespace keyward::cli {

void add_baseline_command(CLI::App& app, BaselineOptions& options) {
  CLI::App* cmd = app.add_subcommand("baseline", "Write the current findings' fingerprints as a baseline file");
  ScanOptions& scan = options.scan;
  cmd->add_option("paths", scan.paths, "Files or directories to scan (default: .)");
  add_rule_options(*cmd, scan.rule_options);
  cmd->add_option("-o,--output", options.output, "Write the baseline to this file instead of stdout");
  cmd->add_option("-j,--threads", scan.report_options.threads, "Worker threads (default: one per core)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--max-file-size", scan.report_options.max_file_size, "Skip files larger than this (default 10MiB)")
      ->transform(CLI::AsSizeValue(false));
  cmd->add_option("--max-decode-depth", scan.report_options.max_decode_depth,
                  "Decode encodings up to this many times deep to find secrets (default 2; 0: off)")
      ->check(CLI::Range(0, 4));
  cmd->add_flag("--no-ignore", scan.no_ignore, "Also scan files .gitignore excludes");
  cmd->add_flag("-L,--follow-symlinks", scan.follow_symlinks, "Follow symbolic links");
}

int run_baseline(const BaselineOptions& options) {
  if (auto ok = check_output_path(options.output, "baseline"); !ok) {
    print_error(ok.error().message);
    return kExitError;
  }
  ScanOptions scan = options.scan;
  auto resolved = resolve_report_options(scan.report_options, scan.rule_options,
                                         scan.paths.empty() ? std::string(".") : scan.paths.front());
  if (!resolved) {
    print_error(resolved.error().message);
    return kExitError;
  }
  scan.report_options = std::move(*resolved);
  auto report = scan_worktree(scan);
  if (!report) {
    print_error(report.error().message);
    return kExitError;
  }
  for (const auto& d : report->diagnostics) std::cerr << fmt::format("keyward: warning: {}: {}\n", d.origin, d.message);
  const config::Baseline baseline = config::baseline_of(*report);
  if (options.output) {
    std::ofstream file(*options.output, std::ios::binary | std::ios::trunc);
    config::write_baseline(baseline, file);
    file.flush();
    if (!file) {
      print_error(fmt::format("cannot write baseline to {}: {}", *options.output, errno_text(errno)));
      return kExitError;
    }
  } else {
    config::write_baseline(baseline, std::cout);
  }
  std::cerr << fmt::format("keyward: baseline of {} finding{}\n", baseline.entries.size(),
                           baseline.entries.size() == 1 ? "" : "s");
  return report->diagnostics.empty() ? kExitClean : kExitError;
}

}  // namespace keyward::cli
