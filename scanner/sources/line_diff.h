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

// Sorted line numbers present in both.
std::vector<int> intersect_lines(const std::vector<int>& a, const std::vector<int>& b);

}  // namespace keyward::sources
