#include "scanner/sources/line_diff.h"

#include <git2.h>

#include <algorithm>
#include <functional>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "scanner/sources/git_objects.h"

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
  // Most edits touch a few lines of a large file: the whole lines both versions share at their start and at their
  // end are left out, and the diff works on the middle alone (git's diff trims the same lines, but only after
  // hashing every line of both versions).
  std::size_t head = common_prefix(before, after);
  if (head == before.size() && head == after.size()) return {};
  if (head > 0) {
    const std::size_t newline = after.rfind('\n', head - 1);
    head = newline == std::string_view::npos ? 0 : newline + 1;  // a line start, and the same one in both
  }
  const std::size_t shared = common_suffix(before.substr(head), after.substr(head));
  std::size_t tail = after.size() - shared;  // where the middle ends in `after`: a line start in both versions
  const std::size_t tail_before = before.size() - shared;
  // The middle must end at a line start in both versions (`head` is one in both): "# key=x\n" edited to "key=x\n"
  // shares all of the new line, which is still an added line.
  const bool starts_line =
      (tail == head || after[tail - 1] == '\n') && (tail_before == head || before[tail_before - 1] == '\n');
  if (!starts_line) {
    const std::size_t newline = after.find('\n', tail);
    tail = newline == std::string_view::npos ? after.size() : newline + 1;
  }
  const std::string_view new_middle = after.substr(head, tail - head);
  const std::string_view old_middle = before.substr(head, before.size() - (after.size() - tail) - head);
  std::vector<int> lines;
  if (new_middle.empty()) return lines;
  git_diff_options options{};
  git_diff_options_init(&options, GIT_DIFF_OPTIONS_VERSION);
  options.context_lines = 0;
  options.interhunk_lines = 0;
  options.flags = GIT_DIFF_FORCE_TEXT;  // the caller has decided it is text
  if (git_diff_buffers(old_middle.data(), old_middle.size(), nullptr, new_middle.data(), new_middle.size(), nullptr,
                       &options, nullptr, nullptr, on_hunk, nullptr, &lines) < 0) {
    return all_lines(after);  // cannot diff: every line counts, so nothing is missed
  }
  std::sort(lines.begin(), lines.end());
  lines.erase(std::unique(lines.begin(), lines.end()), lines.end());
  const auto lines_above = static_cast<int>(std::count(after.begin(), after.begin() + static_cast<long>(head), '\n'));
  for (int& line : lines) line += lines_above;
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

std::vector<int> lines_not_in(const std::vector<int>& lines, std::string_view text, std::string_view other) {
  if (lines.empty()) return {};
  std::unordered_set<std::string_view> known;
  for_each_line(other, [&](std::string_view line) { known.insert(line); });
  std::vector<int> kept;
  auto wanted = lines.begin();
  int number = 0;
  for_each_line(text, [&](std::string_view line) {
    if (wanted == lines.end() || ++number != *wanted) return;
    ++wanted;
    if (!known.contains(line)) kept.push_back(number);
  });
  return kept;
}

}  // namespace keyward::sources
