// The lines a change adds, as `git log -p` shows them: a file's new version against its old one (Myers' diff,
// through libgit2), and the renames of a commit paired as git pairs them (by content at least half the same), so a
// moved file adds only what was edited on the way. Knows nothing of commits, trees or rules.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace keyward::sources {

// 1-based numbers of the lines of `after` that a diff from `before` adds, in order.
std::vector<int> added_lines(std::string_view before, std::string_view after);

// Every line of `text`, 1-based.
std::vector<int> all_lines(std::string_view text);

// Which removed file each added file most likely came from: pairs (added index, removed index), each index used at
// most once, for contents at least half the same. Too many candidates (a mass move) pair nothing: the added files
// then count as wholly new, which costs time but loses nothing.
std::vector<std::pair<std::size_t, std::size_t>> pair_renames(std::span<const std::string_view> added,
                                                              std::span<const std::string_view> removed);

// Those of `lines` (sorted numbers of lines of `text`) whose content is no line of `other`: what a merge adds beyond
// its first parent's diff must also come from none of its other parents.
std::vector<int> lines_not_in(const std::vector<int>& lines, std::string_view text, std::string_view other);

}  // namespace keyward::sources
