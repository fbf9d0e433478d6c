// The report options every scanning command shares (--format, --report-path, --no-redact, --color, --threads,
// --max-file-size) and the one way a finished scan becomes output and an exit code.
#pragma once

#include "scanner/cli/commands.h"
#include "scanner/report/report.h"

namespace keyward::cli {

void add_report_options(CLI::App& cmd, ReportOptions& options);

// Finalizes (sorts, redacts) and writes the report, prints diagnostics and the summary line to stderr, and
// returns the exit code: 2 on any diagnostic or write error, else 1 with findings, else 0.
int finish_report(report::Report& report, const ReportOptions& options);

}  // namespace keyward::cli
