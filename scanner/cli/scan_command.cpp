// `keyward scan [PATH...]`: the working tree (or standard input) through the engine, reported.
#include <iostream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "scanner/cli/commands.h"
#include "scanner/cli/path_checks.h"
#include "scanner/cli/report_output.h"
#include "scanner/cli/repository_paths.h"
#include "scanner/cli/rule_loading.h"
#include "scanner/cli/worktree_scan.h"
#include "scanner/engine/decode.h"
#include "scanner/limits.h"
#include "scanner/scan.h"

namespace keyward::cli {

void add_scan_command(CLI::App& app, ScanOptions& options) {
  CLI::App* cmd = app.add_subcommand("scan", "Scan files and directories ('-' reads standard input)");
  cmd->add_option("paths", options.paths, "Files or directories to scan (default: .)");
  add_rule_options(*cmd, options.rule_options);
  add_report_options(*cmd, options.report_options);
  cmd->add_flag("--no-ignore", options.no_ignore, "Also scan files .gitignore excludes");
  cmd->add_flag("-L,--follow-symlinks", options.follow_symlinks, "Follow symbolic links");
}

Expected<report::Report> scan_worktree(const ScanOptions& options) {
  const std::vector<std::string> paths = options.paths.empty() ? std::vector<std::string>{"."} : options.paths;
  if (auto exist = check_inputs_exist(paths); !exist) return tl::unexpected(exist.error());
  auto rules = load_rules(options.rule_options, paths.front());
  if (!rules) return tl::unexpected(rules.error());
  const keyward::ScanOptions scan_options{
      .threads = options.report_options.threads,
      .max_file_bytes = options.report_options.max_file_size.value_or(kDefaultMaxInputBytes),
      .max_decode_depth = options.report_options.max_decode_depth.value_or(engine::kUsualMaxDecodeDepth),
      .walk = {
          .symlinks = options.follow_symlinks ? sources::SymlinkPolicy::kFollow : sources::SymlinkPolicy::kSkip,
          .ignore = options.no_ignore ? sources::IgnorePolicy::kScanAll : sources::IgnorePolicy::kRespectGitignore}};
  return scan_paths(*rules, paths, scan_options);
}

int run_scan(const ScanOptions& given) {
  ScanOptions options = given;
  auto resolved = resolve_report_options(options.report_options, options.rule_options,
                                         options.paths.empty() ? std::string(".") : options.paths.front());
  if (!resolved) {
    print_error(resolved.error().message);
    return kExitError;
  }
  options.report_options = std::move(*resolved);
  auto baseline = load_baseline(options.report_options);
  if (!baseline) {
    print_error(baseline.error().message);
    return kExitError;
  }
  auto report = scan_worktree(options);
  if (!report) {
    print_error(report.error().message);
    return kExitError;
  }
  fingerprint_by_repository_path(*report, repository_paths(*report));  // a baseline matches from any directory
  return finish_report(*report, options.report_options, *baseline);
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
