#include "scanner/sources/line_diff.h"

#include <git2.h>

#include <algorithm>
#include <functional>
#include <tuple>
#include <unordered_map>

namespace keyward::sources {
namespace {

// git's default: a rename needs half its content kept (`-M50%`).
constexpr double kMinRenameSimilarity = 0.5;
// Pairs of files compared at most per commit.
constexpr std::size_t kMaxRenameComparisons = 10000;

int on_hunk(const git_diff_delta*, const git_diff_hunk* hunk, void* payload) {
  auto& lines = *static_cast<std::vector<int>*>(payload);
  for (int i = 0; i < hunk->new_lines; ++i) lines.push_back(hunk->new_start + i);  // no context: all are added
  return 0;
}

template <typename Visit>
void for_each_line(std::string_view text, Visit visit) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    end = end == std::string_view::npos ? text.size() : end + 1;
    visit(text.substr(pos, end - pos));
    pos = end;
  }
}

// A file's lines as a multiset of hashes, with their bytes, for comparing contents.
struct LineCounts {
  std::unordered_map<std::size_t, std::size_t> count_by_hash;
  std::size_t bytes = 0;

  explicit LineCounts(std::string_view text) : bytes(text.size()) {
    for_each_line(text, [&](std::string_view line) { ++count_by_hash[std::hash<std::string_view>()(line)]; });
  }
};

// The share of the larger file made of lines the other also has.
double similarity(const LineCounts& from, std::string_view to) {
  if (from.bytes == 0 && to.empty()) return 1.0;
  std::unordered_map<std::size_t, std::size_t> left = from.count_by_hash;
  std::size_t common = 0;
  for_each_line(to, [&](std::string_view line) {
    const auto it = left.find(std::hash<std::string_view>()(line));
    if (it != left.end() && it->second > 0) {
      --it->second;
      common += line.size();
    }
  });
  return static_cast<double>(common) / static_cast<double>(std::max(from.bytes, to.size()));
}

}  // namespace

std::vector<int> added_lines(std::string_view before, std::string_view after) {
  std::vector<int> lines;
  git_diff_options options = GIT_DIFF_OPTIONS_INIT;
  options.context_lines = 0;
  options.interhunk_lines = 0;
  options.flags = GIT_DIFF_FORCE_TEXT;  // the caller has decided it is text
  if (git_diff_buffers(before.data(), before.size(), nullptr, after.data(), after.size(), nullptr, &options, nullptr,
                       nullptr, on_hunk, nullptr, &lines) < 0) {
    return all_lines(after);  // cannot diff: every line counts, so nothing is missed
  }
  std::sort(lines.begin(), lines.end());
  lines.erase(std::unique(lines.begin(), lines.end()), lines.end());
  return lines;
}

std::vector<int> all_lines(std::string_view text) {
  std::vector<int> lines;
  int number = 0;
  for_each_line(text, [&](std::string_view) { lines.push_back(++number); });
  return lines;
}

std::vector<std::pair<std::size_t, std::size_t>> pair_renames(std::span<const std::string_view> added,
                                                              std::span<const std::string_view> removed) {
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  if (added.empty() || removed.empty() || added.size() * removed.size() > kMaxRenameComparisons) return pairs;
  std::vector<LineCounts> sources;
  sources.reserve(removed.size());
  for (const auto text : removed) sources.emplace_back(text);
  std::vector<std::tuple<double, std::size_t, std::size_t>> scored;  // best first, then in file order
  for (std::size_t a = 0; a < added.size(); ++a) {
    for (std::size_t r = 0; r < removed.size(); ++r) {
      const std::size_t larger = std::max(added[a].size(), removed[r].size());
      const std::size_t smaller = std::min(added[a].size(), removed[r].size());
      if (static_cast<double>(smaller) < kMinRenameSimilarity * static_cast<double>(larger)) continue;
      const double score = similarity(sources[r], added[a]);
      if (score >= kMinRenameSimilarity) scored.emplace_back(-score, a, r);
    }
  }
  std::sort(scored.begin(), scored.end());
  std::vector<bool> added_used(added.size(), false), removed_used(removed.size(), false);
  for (const auto& [score, a, r] : scored) {
    if (added_used[a] || removed_used[r]) continue;
    added_used[a] = removed_used[r] = true;
    pairs.emplace_back(a, r);
  }
  return pairs;
}

std::vector<int> intersect_lines(const std::vector<int>& a, const std::vector<int>& b) {
  std::vector<int> both;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(both));
  return both;
}

}  // namespace keyward::sources
