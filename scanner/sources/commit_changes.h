// What each commit brings, before it has its place in a plan: for history, every blob its tree changes; for a
// range, every changed file with the lines it adds. Worked out on the workers of a pool; knows nothing of rules.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "scanner/sources/commit_walk.h"
#include "scanner/sources/git_plan.h"
#include "scanner/sources/object_reader.h"

namespace keyward::sources {

struct CommitResult {
  std::vector<GitItem> items;  // `commit` unset (-1) until the commit has its place
  Diagnostics diagnostics;
  std::uint64_t submodules = 0;
  std::uint64_t binary = 0;
};

// One reader per worker thread, each made on its worker's first task.
class ReaderPool {
 public:
  ReaderPool(const PackSet& packs, git_odb* odb, int threads);
  ObjectReader& of(int worker);
  const PackSet& packs() const { return packs_; }
  int threads() const { return static_cast<int>(readers_.size()); }

 private:
  const PackSet& packs_;
  git_odb* odb_;
  std::vector<std::unique_ptr<ObjectReader>> readers_;
};

// History: every blob the commit's tree changes against its parents', all lines; whether each is new to the scan
// is decided later, in commit order.
CommitResult history_changes(ObjectReader& reader, const WalkedCommit& commit);

// A range: each commit's changed files with the lines they add (for a merge, the lines new to every parent; a
// moved file, only what changed on the way). The blobs this needs are decoded in pack order, each delta once, and
// a changed file's text rides along in its item (up to a budget) so the scan need not decode it again. Commits
// with `skip` set bring nothing.
std::vector<CommitResult> range_changes(std::span<const WalkedCommit> commits, const std::vector<bool>& skip,
                                        ReaderPool& readers);

}  // namespace keyward::sources
