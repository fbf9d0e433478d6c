// `keyward audit [--history] [--fix] [REPO]`: are sensitive files (.env, private keys, Terraform state) tracked,
// exposed or left uncovered by .gitignore? --fix appends the uncovered patterns to the root .gitignore, then the
// audit runs again so the report shows what is left. Exit 1 when anything is tracked or exposed.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "scanner/audit/audit_findings.h"
#include "scanner/audit/gitignore_audit.h"
#include "scanner/audit/gitignore_fix.h"
#include "scanner/cli/commands.h"
#include "scanner/cli/config_check.h"
#include "scanner/cli/path_checks.h"
#include "scanner/cli/report_output.h"
#include "scanner/cli/rule_loading.h"

namespace keyward::cli {
namespace {

// Appends what is missing to the .gitignore; false (with the error printed) when it cannot be written.
bool fix_gitignore(const audit::AuditResult& result) {
  std::string old;
  if (std::filesystem::exists(result.gitignore_path)) {
    std::ifstream in(result.gitignore_path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) {
      print_error(fmt::format("cannot read {}", result.gitignore_path));
      return false;
    }
    old = text.str();
  }
  const std::string updated = audit::append_patterns(old, result.uncovered, result.keep);
  if (updated == old) {
    std::cerr << "keyward: .gitignore already covers every sensitive pattern\n";
    return true;
  }
  std::ofstream out(result.gitignore_path, std::ios::binary | std::ios::trunc);
  out << updated;
  out.flush();
  if (!out) {
    print_error(fmt::format("cannot write {}", result.gitignore_path));
    return false;
  }
  std::cerr << fmt::format("keyward: appended the uncovered sensitive patterns to {}\n", result.gitignore_path);
  return true;
}

}  // namespace

void add_audit_command(CLI::App& app, AuditOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "audit", "Check that sensitive files (.env, private keys, ...) are ignored by git and not tracked");
  cmd->add_option("repository", options.repository, "Repository (default: the one holding the current directory)");
  cmd->add_flag("--history", options.history, "Also report sensitive files that any commit in history holds");
  cmd->add_flag("--fix", options.fix, "Append the uncovered patterns to the root .gitignore (never removes a line)");
  cmd->add_option("-c,--config", options.config, "Config file (default: .keyward.toml at the repository root)")
      ->check(CLI::ExistingFile);
  cmd->add_option("-f,--format", options.report_options.format, "Report format")
      ->check(CLI::IsMember({"text", "json", "sarif", "github"}));
  cmd->add_option("-o,--report-path", options.report_options.report_path,
                  "Write the report to this file instead of stdout");
  cmd->add_option("--color", options.report_options.color, "Colour the text report")
      ->check(CLI::IsMember({"auto", "always", "never"}));
}

int run_audit(const AuditOptions& options) {
  if (auto ok = check_repository(options.repository); !ok) {
    print_error(ok.error().message);
    return kExitError;
  }
  if (auto ok = check_output_path(options.report_options.report_path, "report"); !ok) {
    print_error(ok.error().message);
    return kExitError;
  }
  if (!config_is_sound(options.config ? options.config : config::discover_config(options.repository))) {
    return kExitError;
  }
  auto list = load_sensitive_paths(options.config, options.repository);
  if (!list) {
    print_error(list.error().message);
    return kExitError;
  }
  const auto history = options.history ? audit::History::kScan : audit::History::kSkip;
  auto result = audit::audit_repository(options.repository, *list, history);
  if (!result) {
    print_error(result.error().message);
    return kExitError;
  }
  if (options.fix) {
    if (!fix_gitignore(*result)) return kExitError;
    result = audit::audit_repository(options.repository, *list, history);  // report what is left
    if (!result) {
      print_error(result.error().message);
      return kExitError;
    }
  }
  const auto& findings = result->report.findings;
  const bool blocking = std::any_of(findings.begin(), findings.end(), audit::blocks);
  result->report.stats.warnings =
      static_cast<std::uint64_t>(std::count_if(findings.begin(), findings.end(), std::not_fn(audit::blocks)));
  const int code =
      finish_report(result->report, options.report_options, std::nullopt, StaleNote::kShow, report::Order::kBySeverity);
  return code == kExitFindings && !blocking ? kExitClean : code;  // uncovered patterns alone are warnings
}

}  // namespace keyward::cli
