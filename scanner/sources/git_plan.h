// The git sources: what a pre-commit run (the index), a pull request (a commit range) or a full-history scan
// must read, planned on one thread as a list of blobs with their paths, commits and added lines; workers then
// read the blobs through one shared object database. Knows nothing of rules or findings.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scanner/error.h"
#include "scanner/sources/pack.h"

namespace keyward::sources {

struct CommitInfo {
  std::string id;  // full hex
  std::string author;
  std::string email;
  std::string date;  // ISO 8601, UTC
};

enum class LineFilter { kAllLines, kAddedLines };

struct GitItem {
  std::optional<ObjectId> blob;  // unset: the bytes are `text` (a commit message) or the file at `disk_path`
  std::shared_ptr<const std::string> bytes;  // the blob's bytes when planning read them already (a range's diffs)
  std::string text;
  std::string disk_path;  // a working-tree file (unstaged or untracked), read from disk
  std::string path;
  LineFilter filter = LineFilter::kAllLines;
  std::vector<int> added_lines;  // sorted 1-based line numbers, with kAddedLines
  int commit = -1;               // index into GitPlan::commits; -1 for the index (staged)
};

struct GitCounts {
  std::uint64_t commits = 0;
  std::uint64_t submodules = 0;  // gitlinks, skipped
  std::uint64_t binary = 0;      // binary changes git's diff recognised while planning
};

// Reads blobs from one repository's object database; safe to call from many threads at once.
class BlobReader {
 public:
  struct Handles;  // the repository and its object database (opaque here)
  explicit BlobReader(std::unique_ptr<Handles> handles);
  ~BlobReader();
  BlobReader(const BlobReader&) = delete;
  BlobReader& operator=(const BlobReader&) = delete;
  // Fills `out`; the error says why the object cannot be read (missing, corrupt).
  Expected<bool> read(const ObjectId& id, std::string& out) const;

 private:
  std::unique_ptr<Handles> handles_;
};

struct GitPlan {
  std::vector<CommitInfo> commits;  // oldest first: a lower index introduced a change earlier
  std::vector<GitItem> items;
  GitCounts counts;
  Diagnostics diagnostics;
  std::shared_ptr<BlobReader> blobs;
  std::shared_ptr<const PackSet> packs;  // the same objects, read in pack order when many are wanted
  // History: how its blob items are read in pack order, worked out while the commits were (the read's wanted
  // index i is items[blob_read_items[i]]). Unset otherwise: the scan works it out.
  std::optional<PackReadPlan> blob_reads;
  std::vector<std::size_t> blob_read_items;
};

// kUncommitted: everything that could leak next: staged, unstaged and untracked files git does not ignore.
enum class GitMode { kStaged, kUncommitted, kRange, kHistory };

struct GitOptions {
  GitMode mode = GitMode::kHistory;
  std::string range;                  // kRange: "BASE..HEAD" or a single revision (all its ancestors)
  std::vector<std::string> branches;  // kHistory: only these refs (default: every ref)
  std::optional<std::int64_t> since;  // kHistory, kRange: skip commits older than this (seconds since epoch)
  int threads = 0;                    // kHistory, kRange: planning threads (0: one per core)
};

inline constexpr const char* kCommitMessagePath = "<commit message>";

Expected<GitPlan> plan_git(const std::string& repo_path, const GitOptions& options);

}  // namespace keyward::sources
