// `keyward git [--staged | --range A..B] [REPO]`: what is staged (pre-commit), what a range of commits adds (a
// pull request or a push), or every blob in history, through the engine and reported with commits. With --staged,
// a newly staged sensitive file (scanner/audit/staged_files.h) is a finding too.
#include <ctime>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "scanner/audit/staged_files.h"
#include "scanner/cli/commands.h"
#include "scanner/cli/path_checks.h"
#include "scanner/cli/progress_line.h"
#include "scanner/cli/report_output.h"
#include "scanner/cli/rule_loading.h"
#include "scanner/engine/decode.h"
#include "scanner/limits.h"
#include "scanner/scan.h"
#include "scanner/sources/git_plan.h"

namespace keyward::cli {
namespace {

Expected<std::vector<report::Finding>> staged_sensitive_files(const std::string& repository,
                                                              const std::optional<std::string>& config) {
  auto list = load_sensitive_paths(config, repository);
  if (!list) return tl::unexpected(list.error());
  return audit::staged_sensitive_files(repository, *list);
}

std::optional<std::int64_t> parse_date(const std::string& text) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%d", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return static_cast<std::int64_t>(timegm(&tm));
}

}  // namespace

void add_git_command(CLI::App& app, GitOptions& options) {
  CLI::App* cmd = app.add_subcommand("git", "Scan a git repository: staged changes, a commit range, or all history");
  cmd->add_option("repository", options.repository, "Repository (default: the one holding the current directory)");
  auto* staged = cmd->add_flag("--staged", options.staged, "Scan what is staged (the index), for a pre-commit hook");
  auto* range = cmd->add_option("--range", options.range, "Scan the lines commits in BASE..HEAD add");
  auto* uncommitted = cmd->add_flag("--uncommitted", options.uncommitted,
                                    "Scan what could leak next: staged, unstaged and untracked, not ignored");
  staged->excludes(range);
  uncommitted->excludes(staged)->excludes(range);
  cmd->add_option("--branch", options.branches, "History: only these branches or revisions (repeatable)")
      ->allow_extra_args(false)
      ->excludes(staged);
  cmd->add_option("--since", options.since, "History and ranges: skip commits older than this date (YYYY-MM-DD)")
      ->excludes(staged);
  cmd->add_flag("--no-progress", options.no_progress, "No progress line on stderr (shown only on a terminal)");
  add_rule_options(*cmd, options.rule_options);
  add_report_options(*cmd, options.report_options);
}

int run_git(const GitOptions& options) {
  if (auto ok = check_repository(options.repository); !ok) {
    print_error(ok.error().message);
    return kExitError;
  }
  sources::GitOptions git{.mode = options.staged           ? sources::GitMode::kStaged
                                  : options.uncommitted    ? sources::GitMode::kUncommitted
                                  : !options.range.empty() ? sources::GitMode::kRange
                                                           : sources::GitMode::kHistory,
                          .range = options.range,
                          .branches = options.branches,
                          .since = std::nullopt,
                          .threads = options.report_options.threads};
  if (!options.since.empty()) {
    git.since = parse_date(options.since);
    if (!git.since) {
      print_error(fmt::format("--since: '{}' is not a date (YYYY-MM-DD)", options.since));
      return kExitError;
    }
  }
  auto report_options = resolve_report_options(options.report_options, options.rule_options, options.repository);
  if (!report_options) {
    print_error(report_options.error().message);
    return kExitError;
  }
  auto baseline = load_baseline(*report_options);
  if (!baseline) {
    print_error(baseline.error().message);
    return kExitError;
  }
  auto rules = load_rules(options.rule_options, options.repository);
  if (!rules) {
    print_error(rules.error().message);
    return kExitError;
  }
  auto plan = sources::plan_git(options.repository, git);
  if (!plan) {
    print_error(plan.error().message);
    return kExitError;
  }
  const keyward::ScanOptions scan_options{
      .threads = options.report_options.threads,
      .max_file_bytes = report_options->max_file_size.value_or(kDefaultMaxInputBytes),
      .max_decode_depth = report_options->max_decode_depth.value_or(engine::kUsualMaxDecodeDepth),
      .walk = {},
      .on_progress = progress_line(options.no_progress ? ProgressDisplay::kOff : ProgressDisplay::kAuto)};
  report::Report report = scan_git(*rules, *plan, scan_options);
  if (git.mode == sources::GitMode::kStaged) {
    // A newly staged .env or private key is a finding even when no rule matches its content (issue #5).
    auto sensitive = staged_sensitive_files(options.repository, options.rule_options.config);
    if (!sensitive) {
      print_error(sensitive.error().message);
      return kExitError;
    }
    for (auto& finding : *sensitive) report.findings.push_back(std::move(finding));
  }
  const bool partial = git.mode == sources::GitMode::kStaged || git.mode == sources::GitMode::kUncommitted;
  return finish_report(report, *report_options, *baseline, partial ? StaleNote::kHide : StaleNote::kShow);
}

}  // namespace keyward::cli
