// Findings' paths as paths from the top of their repository, the form fingerprints and baselines use, so that a
// baseline made in one directory matches from any other (`cd tests && keyward scan --baseline ../...`), and a
// worktree scan's fingerprints equal `keyward git`'s. A path outside any repository, or standard input, is kept as
// the scan reported it (relative to where keyward runs).
#pragma once

#include <string>
#include <vector>

#include "scanner/report/report.h"

namespace keyward::cli {

// Each finding's path from the top of its repository, in the report's order.
std::vector<std::string> repository_paths(const report::Report& report);

// Recomputes each finding's fingerprint from `paths` (repository_paths of the same report, not yet redacted).
void fingerprint_by_repository_path(report::Report& report, const std::vector<std::string>& paths);

}  // namespace keyward::cli
