#include "scanner/sources/commit_changes.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "scanner/parallel.h"
#include "scanner/sources/line_diff.h"
#include "scanner/sources/tree_diff.h"
#include "scanner/sources/worktree.h"

namespace keyward::sources {
namespace {

constexpr std::size_t kWorkerCacheBytes = std::size_t{32} << 20;  // each of a worker's two caches
// A range's blobs are decoded this many at a time, and held until their commits' lines are known.
constexpr std::size_t kBlobsPerWindow = 16384;
// Changed files' texts handed on to the scan, at most, over a whole range; the rest are decoded again there.
constexpr std::size_t kHandedOnBytes = std::size_t{512} << 20;

using Bytes = std::shared_ptr<const std::string>;

bool looks_binary(std::string_view bytes) {
  return bytes.substr(0, kBinarySniffBytes).find('\0') != std::string_view::npos;
}

void add_problems(const WalkedCommit& commit, std::vector<std::string>& problems, CommitResult& out) {
  for (auto& problem : problems) out.diagnostics.push_back({commit.info.id, std::move(problem)});
}

// A range's blobs by id, decoded together.
class BlobWindow {
 public:
  // The index of `id`, added if new.
  std::size_t want(const ObjectId& id) {
    const auto [it, inserted] = index_.try_emplace(id, ids_.size());
    if (inserted) ids_.push_back(id);
    return it->second;
  }
  std::size_t size() const { return ids_.size(); }

  // Decodes every wanted blob: packed ones a delta tree at a time in pack order, the rest through a reader.
  void decode(ReaderPool& readers) {
    bytes_.assign(ids_.size(), nullptr);
    errors_.assign(ids_.size(), {});
    const PackReadPlan plan = readers.packs().plan(ids_);
    std::vector<std::size_t> unplanned = plan.unplanned;
    std::mutex failed_lock;
    for_each_index(readers.threads(), plan.roots.size(), [&](std::size_t task, int worker) {
      Inflater& inflater = readers.of(worker).inflater();
      const auto failed = readers.packs().read_tree(
          plan, plan.roots[task], inflater,
          [&](std::size_t w, std::string_view b) { bytes_[w] = std::make_shared<const std::string>(b); });
      if (!failed.empty()) {  // a corrupt entry: the reader (libgit2) reads the object or says why it cannot
        std::lock_guard guard(failed_lock);
        unplanned.insert(unplanned.end(), failed.begin(), failed.end());
      }
    });
    for_each_index(readers.threads(), unplanned.size(), [&](std::size_t i, int worker) {
      const std::size_t w = unplanned[i];
      auto read = readers.of(worker).read(ids_[w], ObjectType::kBlob);
      if (read) {
        bytes_[w] = *read;
      } else {
        errors_[w] = read.error().message;
      }
    });
  }

  // The blob's bytes, or null with `error` set.
  const Bytes& bytes(const ObjectId& id, std::string* error = nullptr) const {
    const std::size_t w = index_.at(id);
    if (error != nullptr) *error = errors_[w];
    return bytes_[w];
  }
  Bytes text(const ObjectId& id) const {
    const Bytes& b = bytes(id);
    return b && !looks_binary(*b) ? b : nullptr;
  }

  void clear() {
    index_.clear();
    ids_.clear();
    bytes_.clear();
    errors_.clear();
  }

 private:
  std::unordered_map<ObjectId, std::size_t, ObjectIdHash> index_;
  std::vector<ObjectId> ids_;
  std::vector<Bytes> bytes_;
  std::vector<std::string> errors_;
};

// A range commit's tree changes, with exact moves (an added file whose very content was removed elsewhere) dropped,
// and which removed files might be the origin of a changed one.
struct RangeCommit {
  TreeChanges changes;
  std::vector<std::size_t> unmatched_added;  // indices into changes.changed: new at their path
  std::vector<std::size_t> candidates;       // indices into changes.removed: gone, and not moved as they were
};

RangeCommit tree_changes(ObjectReader& reader, const WalkedCommit& commit) {
  const bool one_parent = commit.parent_trees.size() == 1;
  RangeCommit out{.changes = diff_trees(reader, commit.tree, commit.parent_trees,
                                        one_parent ? TrackRemoved::kYes : TrackRemoved::kNo),
                  .unmatched_added = {},
                  .candidates = {}};
  if (!one_parent) return out;
  TreeChanges& changes = out.changes;
  std::unordered_set<ObjectId, ObjectIdHash> removed_ids, moved_ids;
  for (const auto& removed : changes.removed) removed_ids.insert(removed.id);
  std::erase_if(changes.changed, [&](const ChangedFile& file) {
    const bool moved = file.kind == EntryKind::kBlob && !file.before.front() && removed_ids.contains(file.id);
    if (moved) moved_ids.insert(file.id);
    return moved;
  });
  for (std::size_t i = 0; i < changes.changed.size(); ++i) {
    if (changes.changed[i].kind == EntryKind::kBlob && !changes.changed[i].before.front()) {
      out.unmatched_added.push_back(i);
    }
  }
  for (std::size_t r = 0; r < changes.removed.size(); ++r) {
    if (!moved_ids.contains(changes.removed[r].id)) out.candidates.push_back(r);
  }
  if (out.unmatched_added.empty() || out.candidates.empty()) {
    out.unmatched_added.clear();
    out.candidates.clear();
  }
  return out;
}

void want_blobs(const RangeCommit& commit, BlobWindow& window) {
  for (const auto& file : commit.changes.changed) {
    if (file.kind != EntryKind::kBlob) continue;
    window.want(file.id);
    for (const auto& before : file.before) {
      if (before) window.want(*before);
    }
  }
  for (const std::size_t r : commit.candidates) window.want(commit.changes.removed[r].id);
}

// Similar content: a changed file new at its path is compared with the removed file it most likely came from.
void pair_similar(RangeCommit& commit, const BlobWindow& window) {
  std::vector<Bytes> keep;
  std::vector<std::string_view> added_texts, removed_texts;
  std::vector<std::size_t> added_index, removed_index;
  for (const std::size_t i : commit.unmatched_added) {
    if (Bytes text = window.text(commit.changes.changed[i].id)) {
      added_texts.push_back(*text);
      added_index.push_back(i);
      keep.push_back(std::move(text));
    }
  }
  for (const std::size_t r : commit.candidates) {
    if (Bytes text = window.text(commit.changes.removed[r].id)) {
      removed_texts.push_back(*text);
      removed_index.push_back(r);
      keep.push_back(std::move(text));
    }
  }
  for (const auto& [a, r] : pair_renames(added_texts, removed_texts)) {
    commit.changes.changed[added_index[a]].before.front() = commit.changes.removed[removed_index[r]].id;
  }
}

CommitResult added_lines_of(const WalkedCommit& walked, RangeCommit& commit, const BlobWindow& window,
                            std::atomic<std::size_t>& handed_on) {
  CommitResult out;
  add_problems(walked, commit.changes.problems, out);
  pair_similar(commit, window);
  for (auto& file : commit.changes.changed) {
    if (file.kind == EntryKind::kGitlink) {
      ++out.submodules;
      continue;
    }
    std::string error;
    const Bytes& after = window.bytes(file.id, &error);
    if (!after) {
      out.diagnostics.push_back({file.path, error});
      continue;
    }
    if (looks_binary(*after)) {
      ++out.binary;
      continue;
    }
    // New to every parent: the diff against the first parent that has the file, then, for a merge, only the lines
    // found in none of the others. Unset: no parent has it (or its text), and every line is new.
    std::optional<std::vector<int>> lines;
    for (const auto& before : file.before) {
      const Bytes old = before ? window.text(*before) : nullptr;
      if (!old) continue;
      lines = lines ? lines_not_in(*lines, *after, *old) : added_lines(*old, *after);
    }
    if (lines && lines->empty()) continue;  // a deletion, or a merge that took each line from a parent
    const bool hand_on =
        handed_on.fetch_add(after->size(), std::memory_order_relaxed) + after->size() <= kHandedOnBytes;
    out.items.push_back({.blob = file.id,
                         .bytes = hand_on ? after : nullptr,
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

ReaderPool::ReaderPool(const PackSet& packs, git_odb* odb, int threads)
    : packs_(packs), odb_(odb), readers_(static_cast<std::size_t>(std::max(threads, 1))) {}

ObjectReader& ReaderPool::of(int worker) {
  auto& reader = readers_[static_cast<std::size_t>(worker)];
  if (!reader) reader = std::make_unique<ObjectReader>(packs_, odb_, kWorkerCacheBytes);
  return *reader;
}

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
                         .bytes = nullptr,
                         .text = {},
                         .disk_path = {},
                         .path = std::move(file.path),
                         .filter = LineFilter::kAllLines,
                         .added_lines = {},
                         .commit = -1});
  }
  return out;
}

std::vector<CommitResult> range_changes(std::span<const WalkedCommit> commits, const std::vector<bool>& skip,
                                        ReaderPool& readers) {
  std::vector<RangeCommit> changes(commits.size());
  for_each_index(readers.threads(), commits.size(), [&](std::size_t c, int worker) {
    if (!skip[c]) changes[c] = tree_changes(readers.of(worker), commits[c]);
  });
  std::vector<CommitResult> results(commits.size());
  std::atomic<std::size_t> handed_on{0};
  BlobWindow window;
  std::size_t first = 0;
  for (std::size_t c = 0; c < commits.size(); ++c) {
    if (!skip[c]) want_blobs(changes[c], window);
    if (window.size() < kBlobsPerWindow && c + 1 < commits.size()) continue;
    window.decode(readers);
    for_each_index(readers.threads(), c + 1 - first, [&](std::size_t k, int) {
      if (!skip[first + k])
        results[first + k] = added_lines_of(commits[first + k], changes[first + k], window, handed_on);
      changes[first + k] = {};
    });
    window.clear();
    first = c + 1;
  }
  return results;
}

}  // namespace keyward::sources
