// The commits a history or range scan covers, read straight from the object database, in an order where every
// commit comes after its parents (depth-first from the tips, a commit's first parent first). A range A..B is
// limited as git limits it: walked newest first by commit time from both ends, and stopped once only commits
// reachable from A are left, so a pull request's range costs its own size, not the whole history's.
// Knows nothing of trees, paths or rules.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <unordered_set>
#include <vector>

#include "scanner/error.h"
#include "scanner/sources/git_plan.h"
#include "scanner/sources/object_reader.h"

namespace keyward::sources {

struct WalkedCommit {
  CommitInfo info;
  std::string message;
  ObjectId tree{};
  std::vector<std::optional<ObjectId>> parent_trees;  // per parent; unset when the parent cannot be read
  std::int64_t committer_seconds = 0;
};

using ShallowBoundary = std::unordered_set<ObjectId, ObjectIdHash>;  // a shallow clone's commits whose parents are cut

// Every commit reachable from `tips` and not from `hidden`, one at a time, so that the commits found first can be
// worked on while the walk goes on. Reads through `reader`, on the thread that calls `next`.
class CommitWalker {
 public:
  CommitWalker(ObjectReader& reader, std::span<const ObjectId> tips, std::span<const ObjectId> hidden,
               const ShallowBoundary& shallow);
  ~CommitWalker();
  CommitWalker(const CommitWalker&) = delete;
  CommitWalker& operator=(const CommitWalker&) = delete;

  // The next commit, after all of its parents; false when there is none left.
  bool next(WalkedCommit& commit);
  // Commits that could not be read or parsed; the walk went on without them.
  Diagnostics& diagnostics();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace keyward::sources
