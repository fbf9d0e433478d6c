// The scan driver: a source's items go through the engine on worker threads and come back as one Report.
// Reads like the recipe: enumerate on one thread, load and scan on workers, locate, merge. Formats nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "scanner/engine/rule_set.h"
#include "scanner/limits.h"
#include "scanner/report/report.h"
#include "scanner/sources/git_plan.h"
#include "scanner/sources/worktree.h"

namespace keyward {

// Where a long scan stands, for a progress display; reported at most every kProgressInterval, then once with
// `done` set.
struct Progress {
  std::uint64_t commits = 0;
  std::uint64_t items_done = 0;
  std::uint64_t items_total = 0;
  std::uint64_t bytes = 0;  // read so far
  double seconds = 0.0;
  bool done = false;
};

inline constexpr double kProgressIntervalSeconds = 0.1;

struct ScanOptions {
  int threads = 0;  // 0: one per core
  std::uint64_t max_file_bytes = kDefaultMaxInputBytes;
  int max_decode_depth = 0;  // encodings undone to find secrets (engine/decode.h); 0: none
  sources::WalkOptions walk;
  std::function<void(const Progress&)> on_progress;  // git scans; called on one thread
};

// Scans files and directories; "-" stands for standard input. Not finalized: the caller sorts and redacts.
report::Report scan_paths(const engine::RuleSet& rules, const std::vector<std::string>& roots,
                          const ScanOptions& options);

// Scans what a git plan lists: blobs read through its shared object database on worker threads, findings kept
// only on added lines where the plan says so, each carrying its commit; for commit ranges and history, the same
// secret at the same path is reported once, at the earliest commit.
report::Report scan_git(const engine::RuleSet& rules, const sources::GitPlan& plan, const ScanOptions& options);

// Scans one in-memory item (an example line, standard input) on the calling thread.
report::Report scan_bytes(const engine::RuleSet& rules, std::string_view path, std::string_view bytes,
                          int max_decode_depth = 0);

}  // namespace keyward
