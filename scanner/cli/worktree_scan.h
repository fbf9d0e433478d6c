// The working-tree scan `keyward scan` runs, shared with `keyward baseline` so both see the same findings.
#pragma once

#include "scanner/cli/commands.h"
#include "scanner/error.h"
#include "scanner/report/report.h"

namespace keyward::cli {

// Loads the rules and scans the paths (default "."); the report is neither finalized nor baselined.
Expected<report::Report> scan_worktree(const ScanOptions& options);

}  // namespace keyward::cli
