#include "scanner/sources/commit_plan.h"

#include <unordered_set>

#include "scanner/parallel.h"
#include "scanner/sources/commit_changes.h"

namespace keyward::sources {
namespace {

constexpr std::size_t kWalkCacheBytes = std::size_t{4} << 20;  // commits are read once
constexpr std::size_t kCommitsPerBatch = 32;

// Gives the commit its place in the plan (its message is an item too) and adds its items; in history, only the
// blobs no earlier commit brought.
void add_commit(WalkedCommit& commit, CommitResult& result, GitPlan& plan,
                std::unordered_set<ObjectId, ObjectIdHash>* seen_blobs) {
  const int index = static_cast<int>(plan.commits.size());
  plan.commits.push_back(std::move(commit.info));
  ++plan.counts.commits;
  if (!commit.message.empty()) {
    plan.items.push_back({.blob = std::nullopt,
                          .bytes = nullptr,
                          .text = std::move(commit.message),
                          .disk_path = {},
                          .path = kCommitMessagePath,
                          .filter = LineFilter::kAllLines,
                          .added_lines = {},
                          .commit = index});
  }
  for (auto& item : result.items) {
    if (seen_blobs != nullptr && !seen_blobs->insert(*item.blob).second) continue;
    item.commit = index;
    plan.items.push_back(std::move(item));
  }
  for (auto& d : result.diagnostics) plan.diagnostics.push_back(std::move(d));
  plan.counts.submodules += result.submodules;
  plan.counts.binary += result.binary;
}

// History: the walk streams commits into batches that workers diff while it goes on; blobs are deduplicated as the
// batches come back in commit order. Only trees are read, and a commit's trees are mostly a delta or two away from
// its parent's.
void plan_history(CommitWalker& walker, ReaderPool& readers, const CommitPlanOptions& options, GitPlan& plan) {
  struct Batch {
    std::vector<WalkedCommit> commits;  // elements reused from batch to batch
    std::size_t size = 0;
    std::vector<CommitResult> results;
  };
  std::vector<Batch> batches(static_cast<std::size_t>(readers.threads()) * 4);
  std::unordered_set<ObjectId, ObjectIdHash> seen_blobs;
  // Each new blob's place in the packs is looked up here too, while workers compare the next commits' trees, so
  // the scan finds its pack-order read ready.
  PackSet::Planner blob_reads(readers.packs());
  const auto skipped = [&](const WalkedCommit& commit) {
    return options.since && commit.committer_seconds < *options.since;
  };
  ordered_pipeline(
      readers.threads(), batches.size(),
      [&](std::size_t slot) {
        Batch& batch = batches[slot];
        batch.commits.resize(kCommitsPerBatch);
        batch.size = 0;
        while (batch.size < kCommitsPerBatch && walker.next(batch.commits[batch.size])) ++batch.size;
        return batch.size > 0;
      },
      [&](std::size_t slot, int worker) {
        Batch& batch = batches[slot];
        batch.results.clear();
        for (std::size_t c = 0; c < batch.size; ++c) {
          const WalkedCommit& commit = batch.commits[c];
          batch.results.push_back(skipped(commit) ? CommitResult{} : history_changes(readers.of(worker), commit));
        }
      },
      [&](std::size_t slot) {
        Batch& batch = batches[slot];
        for (std::size_t c = 0; c < batch.size; ++c) {
          if (skipped(batch.commits[c])) continue;
          const std::size_t first = plan.items.size();
          add_commit(batch.commits[c], batch.results[c], plan, &seen_blobs);
          for (std::size_t i = first; i < plan.items.size(); ++i) {
            if (!plan.items[i].blob) continue;
            blob_reads.want(*plan.items[i].blob, plan.blob_read_items.size());
            plan.blob_read_items.push_back(i);
          }
        }
      });
  plan.blob_reads = blob_reads.finish();
}

void plan_range(CommitWalker& walker, ReaderPool& readers, const CommitPlanOptions& options, GitPlan& plan) {
  std::vector<WalkedCommit> commits;
  for (WalkedCommit commit; walker.next(commit);) commits.push_back(std::move(commit));
  std::vector<bool> skip(commits.size(), false);
  for (std::size_t c = 0; c < commits.size(); ++c) {
    skip[c] = options.since && commits[c].committer_seconds < *options.since;
  }
  std::vector<CommitResult> results = range_changes(commits, skip, readers);
  for (std::size_t c = 0; c < commits.size(); ++c) {
    if (!skip[c]) add_commit(commits[c], results[c], plan, nullptr);
  }
}

}  // namespace

void plan_commits(const PackSet& packs, git_odb* odb, const ShallowBoundary& shallow, const CommitPlanOptions& options,
                  GitPlan& plan) {
  ObjectReader walk_reader(packs, odb, kWalkCacheBytes);
  CommitWalker walker(walk_reader, options.tips, options.hidden, shallow);
  ReaderPool readers(packs, odb, resolve_thread_count(options.threads));
  if (options.filter == LineFilter::kAllLines) {
    plan_history(walker, readers, options, plan);
  } else {
    plan_range(walker, readers, options, plan);
  }
  for (auto& d : walker.diagnostics()) plan.diagnostics.push_back(std::move(d));
}

}  // namespace keyward::sources
