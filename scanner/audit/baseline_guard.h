// What `keyward baseline` must not record: findings that a baseline would hide for good though they are fixed by
// removing or ignoring a file, not by forgetting them (issue #22): a critical secret in a file git does not track,
// and anything in a sensitive file (.env, a private key; the audit's list) that git has not committed. Reads the
// index and HEAD through libgit2; knows nothing of baseline files.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/audit/sensitive_paths.h"
#include "scanner/error.h"
#include "scanner/report/report.h"

namespace keyward::audit {

struct TrackedPaths {
  std::vector<std::string> indexed;    // in the index (staged included), sorted
  std::vector<std::string> committed;  // in HEAD's tree, sorted; empty before the first commit
};

// The tracked paths of the repository holding `path`; nullopt outside a repository (nothing is tracked or not).
Expected<std::optional<TrackedPaths>> read_tracked_paths(const std::string& path);

enum class Refusal { kNone, kUntrackedCritical, kUncommittedSensitiveFile };

// Whether a finding at `repository_path` (from the top of the repository) may go into a baseline.
Refusal baseline_refusal(const report::Finding& finding, std::string_view repository_path, const TrackedPaths& tracked,
                         const SensitivePaths& sensitive);

// Why, and what to do instead: one line.
std::string_view advice(Refusal refusal);

}  // namespace keyward::audit
