// The .gitignore audit (issue #5): for each sensitive path, is it tracked (in the index or HEAD, or with --history
// anywhere in history), exposed (on disk, untracked and not ignored) or uncovered (no ignore rule covers its
// pattern at the repository root, as git decides)? Findings come out as a Report for the normal reporters.
// Reads the repository through libgit2 and decides ignores as git does (sources/gitignore.h); writes nothing
// (--fix is gitignore_fix.h).
#pragma once

#include <string>
#include <vector>

#include "scanner/audit/sensitive_paths.h"
#include "scanner/error.h"
#include "scanner/report/report.h"

namespace keyward::audit {

enum class History { kSkip, kScan };

struct AuditResult {
  report::Report report;               // not finalized
  std::vector<std::string> uncovered;  // the uncovered patterns, in list order: what --fix appends
  std::vector<std::string> keep;       // template names to re-include after them (`!.env.example`), proven safe
  std::string gitignore_path;          // the root .gitignore (it may not exist yet)
};

// `repo_path`: the repository or any directory in its working tree. Fails on no repository or a bare one.
Expected<AuditResult> audit_repository(const std::string& repo_path, const SensitivePaths& list, History history);

}  // namespace keyward::audit
