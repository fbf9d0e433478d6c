// `keyward baseline [PATH...]`: what `keyward scan` would find, written as a baseline (fingerprints, never
// secrets) for `--baseline FILE` to hide. Same sources and flags as `scan`. Every finding recorded is listed; a
// finding that is fixed by removing or ignoring a file (audit/baseline_guard.h) is left out unless asked for.
#include <cerrno>
#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "scanner/audit/baseline_guard.h"
#include "scanner/cli/commands.h"
#include "scanner/cli/path_checks.h"
#include "scanner/cli/report_output.h"
#include "scanner/cli/repository_paths.h"
#include "scanner/cli/rule_loading.h"
#include "scanner/cli/worktree_scan.h"
#include "scanner/config/baseline.h"

namespace keyward::cli {
namespace {

// "path:line:column rule [severity] secret…", as the scan reported it, the secret redacted.
std::string listed(const report::Finding& f) {
  const std::string where = f.line > 0 ? fmt::format("{}:{}:{}", f.path, f.line, f.column) : f.path;
  const std::string secret = f.secret.empty() ? "" : " " + report::redact(f.secret);
  return fmt::format("{} {} [{}]{}", where, f.rule_id, engine::to_string(f.severity), secret);
}

// Which findings a baseline must not hold (none outside a git repository, or when asked to include them).
Expected<std::vector<audit::Refusal>> refusals(const report::Report& report, const std::vector<std::string>& paths,
                                               const BaselineOptions& options, const std::string& first_path) {
  std::vector<audit::Refusal> out(report.findings.size(), audit::Refusal::kNone);
  if (options.include_untracked) return out;
  auto tracked = audit::read_tracked_paths(first_path);
  if (!tracked) return tl::unexpected(tracked.error());
  if (!*tracked) return out;
  auto sensitive = load_sensitive_paths(options.scan.rule_options.config, first_path);
  if (!sensitive) return tl::unexpected(sensitive.error());
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = audit::baseline_refusal(report.findings[i], paths[i], **tracked, *sensitive);
  }
  return out;
}

}  // namespace

void add_baseline_command(CLI::App& app, BaselineOptions& options) {
  CLI::App* cmd = app.add_subcommand("baseline", "Write the current findings' fingerprints as a baseline file");
  ScanOptions& scan = options.scan;
  cmd->add_option("paths", scan.paths, "Files or directories to scan (default: .)");
  add_rule_options(*cmd, scan.rule_options);
  cmd->add_option("-o,--output", options.output, "Write the baseline to this file instead of stdout");
  cmd->add_flag("--include-untracked", options.include_untracked,
                "Also record critical secrets in files git does not track and sensitive files it has not committed "
                "(left out by default: fix them instead)");
  cmd->add_option("-j,--threads", scan.report_options.threads, "Worker threads (default: one per core)")
      ->check(CLI::Range(1, 1024));
  add_max_file_size_option(*cmd, scan.report_options.max_file_size);
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
  const std::string first_path = scan.paths.empty() ? std::string(".") : scan.paths.front();
  auto resolved = resolve_report_options(scan.report_options, scan.rule_options, first_path);
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
  report::finalize(*report, report::Redaction::kShow);  // sorted; secrets stay for the fingerprints
  const auto paths = repository_paths(*report);
  fingerprint_by_repository_path(*report, paths);
  const auto refused = refusals(*report, paths, options, first_path);
  if (!refused) {
    print_error(refused.error().message);
    return kExitError;
  }

  report::Report recorded;  // what the baseline holds, by path from the top of the repository
  std::vector<std::string> recorded_lines, refused_lines;
  for (std::size_t i = 0; i < report->findings.size(); ++i) {
    const report::Finding& finding = report->findings[i];
    if ((*refused)[i] != audit::Refusal::kNone) {
      refused_lines.push_back(fmt::format("  {}: {}", listed(finding), audit::advice((*refused)[i])));
      continue;
    }
    recorded_lines.push_back("  " + listed(finding));
    recorded.findings.push_back(finding);
    recorded.findings.back().path = paths[i];
  }
  const config::Baseline baseline = config::baseline_of(recorded);
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

  for (const auto& d : report->diagnostics) std::cerr << fmt::format("keyward: warning: {}: {}\n", d.origin, d.message);
  const std::string where = options.output ? " in " + *options.output : "";
  std::cerr << fmt::format("keyward: baseline of {} finding{}{}{}\n", recorded_lines.size(),
                           recorded_lines.size() == 1 ? "" : "s", where, recorded_lines.empty() ? "" : ":");
  for (const auto& line : recorded_lines) std::cerr << line << '\n';
  if (!refused_lines.empty()) {
    std::cerr << fmt::format(
        "keyward: left out of the baseline, {} finding{} to fix, not to hide (--include-untracked records them):\n",
        refused_lines.size(), refused_lines.size() == 1 ? "" : "s");
    for (const auto& line : refused_lines) std::cerr << line << '\n';
  }
  if (!report->diagnostics.empty()) return kExitError;
  return refused_lines.empty() ? kExitClean : kExitFindings;
}

}  // namespace keyward::cli
