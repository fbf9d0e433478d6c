// The staged scan's part of the audit: a sensitive file that the next commit would add (staged as new, or renamed
// or copied to a sensitive path) is a finding whatever its content, so a pre-commit hook blocks `.env`.
// Reads the index through libgit2; knows nothing of rules.
#pragma once

#include <string>
#include <vector>

#include "scanner/audit/sensitive_paths.h"
#include "scanner/error.h"
#include "scanner/report/report.h"

namespace keyward::audit {

// One kRuleStaged finding per such file, diffing HEAD (or nothing, before the first commit) with the index.
Expected<std::vector<report::Finding>> staged_sensitive_files(const std::string& repo_path, const SensitivePaths& list);

}  // namespace keyward::audit
