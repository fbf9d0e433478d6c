// The report options every scanning command shares (--format, --report-path, --no-redact, --color, --threads,
// --max-file-size, --max-decode-depth, --baseline), their defaults from the config's [scan] table, and the one way
// a finished scan becomes output and an exit code.
#pragma once

#include <optional>

#include "scanner/cli/commands.h"
#include "scanner/config/baseline.h"
#include "scanner/report/report.h"

namespace keyward::cli {

void add_report_options(CLI::App& cmd, ReportOptions& options);

// --max-file-size, its help naming the default (kDefaultMaxInputBytes); add_report_options adds it too.
void add_max_file_size_option(CLI::App& cmd, std::optional<std::uint64_t>& max_file_size);

// The options with what no flag set taken from the config's [scan] table (the --config file, else the one
// discovered for `first_path`), then from the defaults: every limit is set afterwards. The whole config is checked
// here (config_check.h), and a --report-path whose directory does not exist is an error, before the scan.
Expected<ReportOptions> resolve_report_options(ReportOptions options, const RuleOptions& rule_options,
                                               const std::string& first_path);

// The --baseline file, read before the scan so a bad one stops it at once; nullopt without --baseline.
Expected<std::optional<config::Baseline>> load_baseline(const ReportOptions& options);

// Whether entries of the baseline no finding matched are noted on stderr. A scan of a part of the repository
// (what is staged) cannot tell a stale entry from one it did not look at.
enum class StaleNote { kShow, kHide };

// Hides baselined findings, finalizes (sorts, redacts) and writes the report, prints diagnostics and the summary
// line to stderr, and returns the exit code: 2 on any diagnostic or write error, else 1 with findings, else 0.
int finish_report(report::Report& report, const ReportOptions& options,
                  const std::optional<config::Baseline>& baseline = std::nullopt,
                  StaleNote stale_note = StaleNote::kShow, report::Order order = report::Order::kByLocation);

}  // namespace keyward::cli
