// Git's commit and tree formats, read in place from an object's bytes: no allocation per tree entry, nothing of
// where the bytes came from (a pack, a loose object) nor of what the caller does with them.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "scanner/sources/pack.h"

namespace keyward::sources {

struct ParsedCommit {
  ObjectId tree{};
  std::vector<ObjectId> parents;
  std::string_view author_name;
  std::string_view author_email;
  std::int64_t author_seconds = 0;     // since the epoch
  std::int64_t committer_seconds = 0;  // what --since and the range walk order by, as git does
  std::string_view message;            // after the headers, leading newlines dropped (as libgit2 gives it)
};

// Empty when the bytes are not a commit git could read (no tree line, a bad id).
std::optional<ParsedCommit> parse_commit(std::string_view bytes);

enum class EntryKind { kBlob, kTree, kGitlink };

struct TreeEntry {
  std::string_view name;
  const unsigned char* id = nullptr;  // 20 bytes inside the tree's bytes
  EntryKind kind = EntryKind::kBlob;
};

// Walks a tree's entries in their stored order (git's: by name, a subtree's name compared as if it ended in '/').
class TreeCursor {
 public:
  explicit TreeCursor(std::string_view bytes) : rest_(bytes) {}
  // The next entry; false at the end, or at a malformed entry (then `malformed()` says so).
  bool next(TreeEntry& entry);
  bool malformed() const { return malformed_; }
  // Bytes not read yet.
  std::size_t remaining() const { return rest_.size(); }
  // Skips whole entries while they end within the next `bytes` bytes; the cursor stays on an entry's start.
  void skip_within(std::size_t bytes);

 private:
  std::string_view rest_;
  bool malformed_ = false;
};

// How many leading bytes `a` and `b` share, and how many trailing bytes.
std::size_t common_prefix(std::string_view a, std::string_view b);
std::size_t common_suffix(std::string_view a, std::string_view b);

// Git's tree order: <0 when `a` sorts before `b`.
int compare_entries(const TreeEntry& a, const TreeEntry& b);

// Two 20-byte object ids are equal.
bool same_id(const unsigned char* a, const unsigned char* b);

}  // namespace keyward::sources
