// "Did you mean": the known word closest to a mistyped one (a command, an option), by edit distance, when it is
// close enough to be what was meant. CLI11 has no such helper. Knows nothing of CLI11 or of keyward's commands.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keyward::cli {

// Edits from `a` to `b`: insertions, deletions, substitutions and swaps of neighbours, ignoring case.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate at the smallest distance from `typed` (the first of equals), if that distance is at most a third
// of `typed`'s length (and at least 1): "scna" -> "scan", "--formt" -> "--format", "lst" -> "list".
std::optional<std::string> closest_match(std::string_view typed, const std::vector<std::string>& candidates);

}  // namespace keyward::cli
