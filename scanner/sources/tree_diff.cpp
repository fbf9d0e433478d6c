#include "scanner/sources/tree_diff.h"

#include <cstring>
#include <memory>

#include <fmt/format.h>

namespace keyward::sources {
namespace {

using Bytes = std::shared_ptr<const std::string>;

ObjectId id_at(const unsigned char* bytes) {
  ObjectId id;
  std::memcpy(id.data(), bytes, id.size());
  return id;
}

// One parent's tree at a frame's path, read alongside the new tree.
struct Side {
  Bytes bytes;  // null: the parent has nothing at this path
  TreeCursor cursor{{}};
  TreeEntry entry;
  std::size_t entry_remaining = 0;  // bytes from `entry`'s start to the tree's end
  bool has = false;                 // `entry` holds the parent's next entry
  bool matched = false;             // `entry` has the same name (and tree-ness) as the new tree's current entry

  explicit Side(Bytes tree) : bytes(std::move(tree)) {
    if (bytes) cursor = TreeCursor(*bytes);
    advance();
  }
  void advance() {
    entry_remaining = cursor.remaining();
    has = cursor.next(entry);
  }
};

// A directory being walked: the new tree there, each parent's, and the length of its path prefix ("a/b/").
struct Frame {
  Bytes tree;
  TreeCursor cursor;
  std::vector<Side> parents;
  std::size_t path_length = 0;
  std::size_t same_tail = 0;  // with one parent: how many trailing bytes both trees share
};

// Most of two versions of a directory is the same bytes: the entries of the head the tree shares with its first
// parent are skipped together without being compared, and the walk stops where the rest of both is their shared
// tail. An entry as in the first parent is unchanged whatever the other parents of a merge hold; their cursors
// catch up by name when the walk next compares.
void skip_shared_head(Frame& frame) {
  if (frame.parents.empty() || !frame.parents.front().bytes) return;
  Side& side = frame.parents.front();
  const std::string_view now = *frame.tree, before = *side.bytes;
  frame.same_tail = common_suffix(now, before);
  frame.cursor.skip_within(common_prefix(now, before));
  side.cursor = TreeCursor(before.substr(now.size() - frame.cursor.remaining()));  // the same entries so far
  side.advance();
}

bool rest_is_shared(const Frame& frame) {
  if (frame.parents.empty() || !frame.parents.front().bytes) return false;
  const std::size_t left = frame.cursor.remaining();
  return left <= frame.same_tail && left == frame.parents.front().entry_remaining;
}

// Iterative, so a tree nested thousands of directories deep needs no deeper stack than a flat one.
class Differ {
 public:
  Differ(ObjectReader& reader, TrackRemoved track, TreeChanges& out) : reader_(reader), track_(track), out_(out) {}

  void run(const ObjectId& tree, std::span<const std::optional<ObjectId>> parents) {
    Bytes root = load(tree, "/");
    if (!root) return;
    std::vector<Side> sides;
    sides.reserve(parents.size());
    for (const auto& parent : parents) sides.emplace_back(parent ? load_quietly(*parent) : nullptr);
    stack_.push_back(
        {.tree = root, .cursor = TreeCursor(*root), .parents = std::move(sides), .path_length = 0, .same_tail = 0});
    skip_shared_head(stack_.back());
    while (!stack_.empty()) step();
  }

 private:
  void step() {
    Frame& top = stack_.back();
    TreeEntry entry;
    const bool shared = rest_is_shared(top);
    if (shared || !top.cursor.next(entry)) {
      if (top.cursor.malformed()) problem(path_.empty() ? "/" : path_, "malformed tree");
      if (!shared && !top.parents.empty()) {
        for (Side& first = top.parents.front(); first.has; first.advance()) removed(first.entry);
      }
      stack_.pop_back();
      if (!stack_.empty()) path_.resize(stack_.back().path_length);
      return;
    }
    bool unchanged = false;
    for (std::size_t p = 0; p < top.parents.size(); ++p) {
      Side& side = top.parents[p];
      int order = side.has ? compare_entries(side.entry, entry) : 1;
      while (order < 0) {
        if (p == 0) removed(side.entry);
        side.advance();
        order = side.has ? compare_entries(side.entry, entry) : 1;
      }
      side.matched = order == 0;
      if (side.matched && side.entry.kind == entry.kind && same_id(side.entry.id, entry.id)) {
        unchanged = true;  // as in this parent: nothing new below
      }
    }
    if (unchanged || entry.kind != EntryKind::kTree) {
      if (!unchanged) add_changed(top, entry);
      for (Side& side : top.parents) {
        if (side.matched) side.advance();
      }
      return;
    }
    const std::string name = path_ + std::string(entry.name);
    Frame child{
        .tree = load(id_at(entry.id), name), .cursor = TreeCursor({}), .parents = {}, .path_length = 0, .same_tail = 0};
    child.parents.reserve(top.parents.size());
    for (Side& side : top.parents) {
      child.parents.emplace_back(side.matched ? load_quietly(id_at(side.entry.id)) : nullptr);
      if (side.matched) side.advance();
    }
    if (!child.tree) return;  // unreadable: its problem says so
    child.cursor = TreeCursor(*child.tree);
    path_ = name + '/';
    child.path_length = path_.size();
    skip_shared_head(child);
    stack_.push_back(std::move(child));  // `top` is not used past this point
  }

  void add_changed(const Frame& frame, const TreeEntry& entry) {
    ChangedFile file{.path = path_ + std::string(entry.name), .id = id_at(entry.id), .kind = entry.kind, .before = {}};
    file.before.reserve(frame.parents.size());
    for (const Side& side : frame.parents) {
      const bool blob = side.matched && side.entry.kind == EntryKind::kBlob;
      file.before.push_back(blob ? std::optional(id_at(side.entry.id)) : std::nullopt);
    }
    out_.changed.push_back(std::move(file));
  }

  // The first parent's entry, gone from the new tree at its path: a blob, or every blob of a subtree.
  void removed(const TreeEntry& entry) {
    if (track_ == TrackRemoved::kNo || entry.kind == EntryKind::kGitlink) return;
    if (entry.kind == EntryKind::kBlob) {
      out_.removed.push_back({.path = path_ + std::string(entry.name), .id = id_at(entry.id)});
      return;
    }
    struct Dir {
      Bytes tree;
      TreeCursor cursor;
      std::string prefix;
    };
    std::vector<Dir> pending;
    if (Bytes tree = load_quietly(id_at(entry.id))) {
      pending.push_back({tree, TreeCursor(*tree), path_ + std::string(entry.name) + '/'});
    }
    while (!pending.empty()) {
      TreeEntry inner;
      if (!pending.back().cursor.next(inner)) {
        pending.pop_back();
        continue;
      }
      const std::string path = pending.back().prefix + std::string(inner.name);
      if (inner.kind == EntryKind::kBlob) {
        out_.removed.push_back({.path = path, .id = id_at(inner.id)});
      } else if (inner.kind == EntryKind::kTree) {
        if (Bytes tree = load_quietly(id_at(inner.id))) pending.push_back({tree, TreeCursor(*tree), path + '/'});
      }
    }
  }

  Bytes load(const ObjectId& id, const std::string& where) {
    auto bytes = reader_.read(id, ObjectType::kTree);
    if (!bytes) {
      problem(where, bytes.error().message);
      return nullptr;
    }
    return *bytes;
  }

  // A parent's tree: when it cannot be read, the new side's entries count as new; the parent's own commit, scanned
  // as the new side in its turn, reports the problem.
  Bytes load_quietly(const ObjectId& id) {
    auto bytes = reader_.read(id, ObjectType::kTree);
    return bytes ? *bytes : nullptr;
  }

  void problem(const std::string& where, const std::string& what) {
    out_.problems.push_back(fmt::format("tree at {}: {}", where, what));
  }

  ObjectReader& reader_;
  TrackRemoved track_;
  TreeChanges& out_;
  std::vector<Frame> stack_;
  std::string path_;
};

}  // namespace

TreeChanges diff_trees(ObjectReader& reader, const ObjectId& tree, std::span<const std::optional<ObjectId>> parents,
                       TrackRemoved track) {
  TreeChanges changes;
  Differ(reader, track, changes).run(tree, parents);
  return changes;
}

}  // namespace keyward::sources
