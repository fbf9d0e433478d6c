#include "scanner/sources/commit_walk.h"

#include <ctime>
#include <queue>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

#include "scanner/sources/git_objects.h"

namespace keyward::sources {
namespace {

// Commits this many past the point where only hidden ones are queued, as git walks them: a little leeway for
// commits whose time is earlier than a parent's (skewed clocks).
constexpr int kSlop = 5;

std::string iso_date(std::int64_t seconds_since_epoch) {
  const auto seconds = static_cast<std::time_t>(seconds_since_epoch);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

struct Node {
  ObjectId id{};
  bool readable = false;
  bool seen = false;           // range walk: queued once
  bool queued = false;         // range walk: in the queue now
  bool uninteresting = false;  // range walk: reachable from a hidden commit
  ObjectId tree{};
  std::vector<ObjectId> parents;  // none for a shallow boundary
  std::int64_t committer_seconds = 0;
  CommitInfo info;
  std::string message;
};

class Graph {
 public:
  Graph(ObjectReader& reader, const ShallowBoundary& shallow, Diagnostics& diagnostics)
      : reader_(reader), shallow_(shallow), diagnostics_(diagnostics) {}

  // The node of `id`, read and parsed on first use; -1 when it cannot be read (a diagnostic says why, once).
  int load(const ObjectId& id) {
    const auto [it, inserted] = index_.try_emplace(id, static_cast<int>(nodes_.size()));
    if (!inserted) return nodes_[static_cast<std::size_t>(it->second)].readable ? it->second : -1;
    Node& node = nodes_.emplace_back();
    node.id = id;
    auto bytes = reader_.read(id, ObjectType::kCommit);
    if (!bytes) {
      diagnostics_.push_back({to_hex(id), fmt::format("cannot read commit: {}", bytes.error().message)});
      return -1;
    }
    auto parsed = parse_commit(**bytes);
    if (!parsed) {
      diagnostics_.push_back({to_hex(id), "cannot read commit: malformed"});
      return -1;
    }
    node.readable = true;
    node.tree = parsed->tree;
    if (!shallow_.contains(id)) node.parents = std::move(parsed->parents);
    node.committer_seconds = parsed->committer_seconds;
    node.info = {.id = to_hex(id),
                 .author = std::string(parsed->author_name),
                 .email = std::string(parsed->author_email),
                 .date = iso_date(parsed->author_seconds)};
    node.message = std::string(parsed->message);
    return it->second;
  }

  // Only what is loaded already; -1 otherwise.
  int find(const ObjectId& id) const {
    const auto it = index_.find(id);
    return it == index_.end() || !nodes_[static_cast<std::size_t>(it->second)].readable ? -1 : it->second;
  }

  Node& at(int n) { return nodes_[static_cast<std::size_t>(n)]; }

 private:
  ObjectReader& reader_;
  const ShallowBoundary& shallow_;
  Diagnostics& diagnostics_;
  std::vector<Node> nodes_;
  std::unordered_map<ObjectId, int, ObjectIdHash> index_;
};

// Marks the commits reachable from `hidden` that matter for `tips`, newest first, as git's limit_list does.
class RangeLimiter {
 public:
  explicit RangeLimiter(Graph& graph) : graph_(graph) {}

  void run(std::span<const ObjectId> tips, std::span<const ObjectId> hidden) {
    for (const auto& id : hidden) push(id, true);
    for (const auto& id : tips) push(id, false);
    int slop = kSlop;
    while (!queue_.empty()) {
      const auto [seconds, sequence, n] = queue_.top();
      queue_.pop();
      graph_.at(n).queued = false;
      const bool uninteresting = graph_.at(n).uninteresting;
      if (!uninteresting) --interesting_queued_;
      const std::vector<ObjectId> parents = graph_.at(n).parents;  // `push` may grow the node store
      for (const auto& parent : parents) push(parent, uninteresting);
      if (!uninteresting) {
        slop = kSlop;
        continue;
      }
      const bool skewed = !queue_.empty() && std::get<0>(queue_.top()) > seconds;
      if (interesting_queued_ > 0 || skewed) {
        slop = kSlop;
      } else if (--slop == 0) {
        break;
      }
    }
  }

 private:
  void push(const ObjectId& id, bool uninteresting) {
    const int n = graph_.load(id);
    if (n < 0) return;
    if (uninteresting) mark_uninteresting(n);
    Node& node = graph_.at(n);
    if (node.seen) return;
    node.seen = true;
    node.queued = true;
    if (!node.uninteresting) ++interesting_queued_;
    queue_.emplace(node.committer_seconds, -sequence_++, n);
  }

  // `n` and every commit already seen below it.
  void mark_uninteresting(int start) {
    std::vector<int> pending{start};
    while (!pending.empty()) {
      const int n = pending.back();
      pending.pop_back();
      Node& node = graph_.at(n);
      if (node.uninteresting) continue;
      node.uninteresting = true;
      if (node.queued) --interesting_queued_;
      for (const auto& parent : node.parents) {
        const int p = graph_.find(parent);
        if (p >= 0 && graph_.at(p).seen) pending.push_back(p);
      }
    }
  }

  Graph& graph_;
  std::priority_queue<std::tuple<std::int64_t, std::int64_t, int>> queue_;  // newest first, then first queued
  std::int64_t sequence_ = 0;
  std::int64_t interesting_queued_ = 0;
};

enum class Reach { kLoadParents, kOnlyInteresting };

}  // namespace

// A post-order depth-first walk: each commit after all its parents, a first parent before the others.
struct CommitWalker::State {
  Diagnostics diagnostics;
  Graph graph;
  Reach reach;
  struct Frame {
    ObjectId id;
    bool expanded;
  };
  std::vector<Frame> stack;
  std::vector<bool> visited;  // by node

  State(ObjectReader& reader, const ShallowBoundary& shallow, Reach r)
      : graph(reader, shallow, diagnostics), reach(r) {}

  int next() {
    while (!stack.empty()) {
      const Frame frame = stack.back();
      stack.pop_back();
      const int n = reach == Reach::kLoadParents ? graph.load(frame.id) : graph.find(frame.id);
      if (n < 0) continue;
      if (frame.expanded) return n;
      if (visited.size() <= static_cast<std::size_t>(n)) visited.resize(static_cast<std::size_t>(n) + 1, false);
      if (visited[static_cast<std::size_t>(n)]) continue;
      visited[static_cast<std::size_t>(n)] = true;
      if (reach == Reach::kOnlyInteresting && graph.at(n).uninteresting) continue;
      stack.push_back({frame.id, true});
      const auto& parents = graph.at(n).parents;
      for (auto it = parents.rbegin(); it != parents.rend(); ++it) stack.push_back({*it, false});
    }
    return -1;
  }
};

CommitWalker::CommitWalker(ObjectReader& reader, std::span<const ObjectId> tips, std::span<const ObjectId> hidden,
                           const ShallowBoundary& shallow)
    : state_(std::make_unique<State>(reader, shallow, hidden.empty() ? Reach::kLoadParents : Reach::kOnlyInteresting)) {
  if (!hidden.empty()) RangeLimiter(state_->graph).run(tips, hidden);
  for (auto it = tips.rbegin(); it != tips.rend(); ++it) state_->stack.push_back({*it, false});
}

CommitWalker::~CommitWalker() = default;

Diagnostics& CommitWalker::diagnostics() { return state_->diagnostics; }

bool CommitWalker::next(WalkedCommit& commit) {
  const int n = state_->next();
  if (n < 0) return false;
  Graph& graph = state_->graph;
  Node& node = graph.at(n);
  commit.info = std::move(node.info);
  commit.message = std::move(node.message);
  commit.tree = node.tree;
  commit.committer_seconds = node.committer_seconds;
  commit.parent_trees.clear();
  for (std::size_t p = 0; p < graph.at(n).parents.size(); ++p) {
    const int parent = graph.load(graph.at(n).parents[p]);  // read already: a parent comes first
    commit.parent_trees.push_back(parent >= 0 ? std::optional(graph.at(parent).tree) : std::nullopt);
  }
  return true;
}

}  // namespace keyward::sources
