// Range and history plans: the commit walk, then each commit's changes against its parents worked out on worker
// threads, then, in commit order on one thread, the items to scan: every blob once, at the first commit that
// brings it (history), or every change with the lines it adds (range). Knows nothing of rules.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "scanner/sources/commit_walk.h"
#include "scanner/sources/git_plan.h"

struct git_odb;

namespace keyward::sources {

struct CommitPlanOptions {
  std::vector<ObjectId> tips;
  std::vector<ObjectId> hidden;               // a range's base: what it reaches is left out
  LineFilter filter = LineFilter::kAllLines;  // kAllLines: history (blobs once); kAddedLines: a range's changes
  std::optional<std::int64_t> since;          // commits older than this (committer time) add nothing
  int threads = 0;                            // 0: one per core
};

// Adds the commits, items, counts and diagnostics to `plan`. `odb` serves what is not in `packs` (loose objects).
void plan_commits(const PackSet& packs, git_odb* odb, const ShallowBoundary& shallow, const CommitPlanOptions& options,
                  GitPlan& plan);

}  // namespace keyward::sources
