#include "scanner/sources/commit_plan.h"

#include <algorithm>
#include <memory>
#include <string_view>
#include <unordered_set>

#include "scanner/parallel.h"
#include "scanner/sources/line_diff.h"
#include "scanner/sources/tree_diff.h"
#include "scanner/sources/worktree.h"

namespace keyward::sources {
namespace {

constexpr std::size_t kWorkerCacheBytes = std::size_t{32} << 20;  // each of a worker's two caches
constexpr std::size_t kWalkCacheBytes = std::size_t{4} << 20;     // commits are read once
constexpr std::size_t kCommitsPerBatch = 32;

using Bytes = std::shared_ptr<const std::string>;

// What one commit adds, before it has its place in the plan.
struct CommitResult {
  std::vector<GitItem> items;
  Diagnostics diagnostics;
  std::uint64_t submodules = 0;
  std::uint64_t binary = 0;
};

bool looks_binary(std::string_view bytes) {
  return bytes.substr(0, kBinarySniffBytes).find('\0') != std::string_view::npos;
}

// Text content, or null for a blob that cannot be read (a diagnostic when `diagnostics` is given) or is binary.
Bytes read_text(ObjectReader& reader, const ObjectId& id, const std::string& path, Diagnostics* diagnostics) {
  auto bytes = reader.read(id, ObjectType::kBlob);
  if (!bytes) {
    if (diagnostics != nullptr) diagnostics->push_back({path, bytes.error().message});
    return nullptr;
  }
  return looks_binary(**bytes) ? nullptr : *bytes;
}

void add_problems(const WalkedCommit& commit, std::vector<std::string>& problems, CommitResult& out) {
  for (auto& problem : problems) out.diagnostics.push_back({commit.info.id, std::move(problem)});
}

// History: every blob the commit brings, all of it; which of them are new to the scan is decided in commit order.
CommitResult history_changes(ObjectReader& reader, const WalkedCommit& commit) {
  CommitResult out;
  TreeChanges changes = diff_trees(reader, commit.tree, commit.parent_trees, TrackRemoved::kNo);
  add_problems(commit, changes.problems, out);
  out.items.reserve(changes.changed.size());
  for (auto& file : changes.changed) {
    if (file.kind == EntryKind::kGitlink) {
      ++out.submodules;
      continue;
    }
    out.items.push_back({.blob = file.id,
                         .text = {},
                         .disk_path = {},
                         .path = std::move(file.path),
                         .filter = LineFilter::kAllLines,
                         .added_lines = {},
                         .commit = -1});
  }
  return out;
}

// With one parent, an added file whose content the commit removed elsewhere is a move: exactly the same content adds
// nothing, and similar content is compared with where it came from.
void pair_moves(ObjectReader& reader, TreeChanges& changes) {
  std::unordered_set<ObjectId, ObjectIdHash> removed_ids;
  for (const auto& removed : changes.removed) removed_ids.insert(removed.id);
  std::unordered_set<ObjectId, ObjectIdHash> moved_ids;
  std::vector<std::size_t> added;
  std::erase_if(changes.changed, [&](const ChangedFile& file) {
    if (file.kind != EntryKind::kBlob || file.before.front()) return false;
    if (removed_ids.contains(file.id)) {
      moved_ids.insert(file.id);
      return true;
    }
    return false;
  });
  for (std::size_t i = 0; i < changes.changed.size(); ++i) {
    if (changes.changed[i].kind == EntryKind::kBlob && !changes.changed[i].before.front()) added.push_back(i);
  }
  std::vector<const RemovedFile*> removed;
  for (const auto& file : changes.removed) {
    if (!moved_ids.contains(file.id)) removed.push_back(&file);
  }
  if (added.empty() || removed.empty()) return;
  std::vector<Bytes> keep;  // owns the texts the views below point into
  std::vector<std::string_view> added_texts, removed_texts;
  std::vector<std::size_t> added_index, removed_index;
  for (const std::size_t i : added) {
    if (Bytes text = read_text(reader, changes.changed[i].id, changes.changed[i].path, nullptr)) {
      added_texts.push_back(*text);
      added_index.push_back(i);
      keep.push_back(std::move(text));
    }
  }
  for (std::size_t r = 0; r < removed.size(); ++r) {
    if (Bytes text = read_text(reader, removed[r]->id, removed[r]->path, nullptr)) {
      removed_texts.push_back(*text);
      removed_index.push_back(r);
      keep.push_back(std::move(text));
    }
  }
  for (const auto& [a, r] : pair_renames(added_texts, removed_texts)) {
    changes.changed[added_index[a]].before.front() = removed[removed_index[r]]->id;
  }
}

// A range: each changed file with the lines it adds; for a merge, the lines new to every parent.
CommitResult range_changes(ObjectReader& reader, const WalkedCommit& commit) {
  CommitResult out;
  const bool one_parent = commit.parent_trees.size() == 1;
  TreeChanges changes =
      diff_trees(reader, commit.tree, commit.parent_trees, one_parent ? TrackRemoved::kYes : TrackRemoved::kNo);
  add_problems(commit, changes.problems, out);
  if (one_parent) pair_moves(reader, changes);
  for (auto& file : changes.changed) {
    if (file.kind == EntryKind::kGitlink) {
      ++out.submodules;
      continue;
    }
    auto after = reader.read(file.id, ObjectType::kBlob);
    if (!after) {
      out.diagnostics.push_back({file.path, after.error().message});
      continue;
    }
    if (looks_binary(**after)) {
      ++out.binary;
      continue;
    }
    std::optional<std::vector<int>> lines;  // unset: every line is new (to some parent the file is new)
    for (const auto& before : file.before) {
      if (!before) {
        lines.reset();
        break;
      }
      const Bytes old = read_text(reader, *before, file.path, nullptr);
      if (!old) {
        lines.reset();
        break;
      }
      std::vector<int> added = added_lines(*old, **after);
      lines = lines ? intersect_lines(*lines, added) : std::move(added);
    }
    if (lines && lines->empty()) continue;  // a deletion, or a merge that took each line from a parent
    out.items.push_back({.blob = file.id,
                         .text = {},
                         .disk_path = {},
                         .path = std::move(file.path),
                         .filter = lines ? LineFilter::kAddedLines : LineFilter::kAllLines,
                         .added_lines = lines ? std::move(*lines) : std::vector<int>(),
                         .commit = -1});
  }
  return out;
}

}  // namespace

void plan_commits(const PackSet& packs, git_odb* odb, const ShallowBoundary& shallow, const CommitPlanOptions& options,
                  GitPlan& plan) {
  ObjectReader walk_reader(packs, odb, kWalkCacheBytes);
  CommitWalker walker(walk_reader, options.tips, options.hidden, shallow);
  const auto skipped = [&](const WalkedCommit& commit) {
    return options.since && commit.committer_seconds < *options.since;
  };
  const int threads = resolve_thread_count(options.threads);
  std::vector<std::unique_ptr<ObjectReader>> readers(static_cast<std::size_t>(threads));
  struct Batch {
    std::vector<WalkedCommit> commits;
    std::size_t size = 0;  // commits in use; the vector's elements are reused
    std::vector<CommitResult> results;
  };
  std::vector<Batch> batches(static_cast<std::size_t>(threads) * 4);
  std::unordered_set<ObjectId, ObjectIdHash> seen_blobs;  // history: each blob once, at its first commit
  ordered_pipeline(
      threads, batches.size(),
      [&](std::size_t slot) {  // the walk, on one thread, while earlier batches are diffed
        Batch& batch = batches[slot];
        batch.commits.resize(kCommitsPerBatch);
        batch.size = 0;
        while (batch.size < kCommitsPerBatch && walker.next(batch.commits[batch.size])) ++batch.size;
        return batch.size > 0;
      },
      [&](std::size_t slot, int worker) {
        auto& reader = readers[static_cast<std::size_t>(worker)];
        if (!reader) reader = std::make_unique<ObjectReader>(packs, odb, kWorkerCacheBytes);
        Batch& batch = batches[slot];
        batch.results.clear();
        for (std::size_t c = 0; c < batch.size; ++c) {
          const WalkedCommit& commit = batch.commits[c];
          batch.results.push_back(skipped(commit)                           ? CommitResult{}
                                  : options.filter == LineFilter::kAllLines ? history_changes(*reader, commit)
                                                                            : range_changes(*reader, commit));
        }
      },
      [&](std::size_t slot) {  // in commit order: each commit's place, and each blob's first commit
        Batch& batch = batches[slot];
        for (std::size_t c = 0; c < batch.size; ++c) {
          WalkedCommit& commit = batch.commits[c];
          if (skipped(commit)) continue;
          const int index = static_cast<int>(plan.commits.size());
          plan.commits.push_back(std::move(commit.info));
          ++plan.counts.commits;
          if (!commit.message.empty()) {
            plan.items.push_back({.blob = std::nullopt,
                                  .text = std::move(commit.message),
                                  .disk_path = {},
                                  .path = kCommitMessagePath,
                                  .filter = LineFilter::kAllLines,
                                  .added_lines = {},
                                  .commit = index});
          }
          CommitResult& result = batch.results[c];
          for (auto& item : result.items) {
            if (options.filter == LineFilter::kAllLines && !seen_blobs.insert(*item.blob).second) continue;
            item.commit = index;
            plan.items.push_back(std::move(item));
          }
          for (auto& d : result.diagnostics) plan.diagnostics.push_back(std::move(d));
          plan.counts.submodules += result.submodules;
          plan.counts.binary += result.binary;
        }
        batch.results.clear();
      });
  for (auto& d : walker.diagnostics()) plan.diagnostics.push_back(std::move(d));
}

}  // namespace keyward::sources
