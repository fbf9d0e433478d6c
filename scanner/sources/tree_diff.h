// What a commit's tree changes against its parents' trees: both walked side by side in git's tree order, and a
// subtree whose id equals a parent's at the same path never entered, so the cost follows the size of the change
// rather than the size of the tree. For a merge, only what differs from every parent (git's combined diff).
// Knows nothing of commits, lines or rules.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "scanner/sources/git_objects.h"
#include "scanner/sources/object_reader.h"

namespace keyward::sources {

struct ChangedFile {
  std::string path;
  ObjectId id{};
  EntryKind kind = EntryKind::kBlob;            // kBlob or kGitlink
  std::vector<std::optional<ObjectId>> before;  // per parent: the blob at this path there, unset when none
};

struct RemovedFile {
  std::string path;
  ObjectId id{};
};

struct TreeChanges {
  std::vector<ChangedFile> changed;   // in git's path order
  std::vector<RemovedFile> removed;   // with TrackRemoved::kYes: blobs of the first parent gone from their path
  std::vector<std::string> problems;  // trees that could not be read or parsed; what they hold is left out
};

enum class TrackRemoved { kNo, kYes };

// `parents` are the parents' root trees; an unset one (a parent not in this repository) counts as empty.
TreeChanges diff_trees(ObjectReader& reader, const ObjectId& tree, std::span<const std::optional<ObjectId>> parents,
                       TrackRemoved track);

}  // namespace keyward::sources
