#include "scanner/engine/engine.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <tuple>

#include <fmt/format.h>
#include <hs.h>
#include <re2/re2.h>

#include "scanner/engine/checks.h"

namespace keyward::engine {
namespace {

struct HitContext {
  const RuleSet* rules;
  Scratch* scratch;
  std::string_view bytes;
  std::size_t offset = 0;  // where the scanned window starts in `bytes`
};

// How far back a confirm window may reach past its floor to begin at a line start.
constexpr std::size_t kLineStartSlackBytes = 256;

// The start of the line holding `pos`, looking back at most `limit` bytes; `pos - limit` when none is nearer.
std::size_t line_start_before(std::string_view bytes, std::size_t pos, std::size_t limit) {
  const std::size_t lowest = pos > limit ? pos - limit : 0;
  for (std::size_t i = pos; i > lowest; --i) {
    if (bytes[i - 1] == '\n') return i;
  }
  return lowest;
}

// A trigger's hit: its group's database must run within the trigger's reach either side. Merged at once with
// the group's last window, so a file of digits makes a handful of windows, not one per byte.
void open_trigger_window(HitContext& ctx, std::size_t trigger, std::size_t end) {
  const auto& gate = ctx.rules->trigger_gates()[trigger];
  auto& windows = ctx.scratch->gate_windows;
  auto& open = ctx.scratch->open_window[gate.group];
  const std::size_t start = end > gate.reach ? end - gate.reach : 0;
  if (open != 0 && windows[open - 1].end >= start) {
    windows[open - 1].end = std::max(windows[open - 1].end, end + gate.reach);
    return;
  }
  windows.push_back({.group = gate.group, .start = start, .end = end + gate.reach});
  open = windows.size();
}

// Records a hit and returns at once: merging keeps a dense run of hits one region.
int on_hit(unsigned int id, unsigned long long /*from*/, unsigned long long to, unsigned int /*flags*/, void* context) {
  auto& ctx = *static_cast<HitContext*>(context);
  const std::size_t rule_count = ctx.rules->rules().size();
  const std::size_t gate_base = rule_count + ctx.rules->keywords().size();
  if (id >= gate_base) {
    open_trigger_window(ctx, id - gate_base, to + ctx.offset);
    return 0;
  }
  if (id >= rule_count) {
    ctx.scratch->keyword_hits.push_back(
        {.end = to + ctx.offset, .keyword = static_cast<std::uint32_t>(id - rule_count)});
    return 0;
  }
  auto& regions = ctx.scratch->regions[id];
  const std::size_t end = to + ctx.offset;
  const std::size_t window = ctx.rules->rules()[id].confirm_window;
  if (!regions.empty() && regions.back().last_end + window >= end) {
    regions.back().last_end = std::max(regions.back().last_end, end);
    return 0;
  }
  const std::size_t floor = end > window ? end - window : 0;
  // Begin at a line start when one is near, so ^ and a token's first character are seen whole.
  std::size_t start = line_start_before(ctx.bytes, floor, kLineStartSlackBytes);
  if (floor - start == kLineStartSlackBytes) start = floor;
  // Pulled back to its line's start, the region may begin inside the last one: it continues it, or the matches
  // between would be confirmed twice (short matches close together at the start of a line).
  if (!regions.empty() && start <= regions.back().last_end) {
    regions.back().last_end = std::max(regions.back().last_end, end);
    return 0;
  }
  if (regions.empty()) ctx.scratch->touched_rules.push_back(id);
  regions.push_back({.window_start = start, .last_end = end});
  return 0;
}

// Keyword hits are sorted by end offset (scan() makes sure), so only those that can reach the window are looked
// at: a line after line of near-misses, each with its keyword, stays linear.
bool keyword_near(const RuleSet& rules, const CompiledRule& rule, const Scratch& scratch, const Match& match) {
  if (rule.keyword_ids.empty()) return true;
  const auto distance = static_cast<std::size_t>(rule.rule.keyword_distance);
  const std::size_t low = distance == 0 || match.start < distance ? 0 : match.start - distance;
  const std::size_t high = distance == 0 ? std::numeric_limits<std::size_t>::max() : match.end + distance;
  const auto& hits = scratch.keyword_hits;
  auto it = std::lower_bound(hits.begin(), hits.end(), low,
                             [](const KeywordHit& hit, std::size_t at) { return hit.end < at; });
  for (; it != hits.end(); ++it) {
    const std::size_t hit_start = it->end - rules.keywords()[it->keyword].size();
    if (it->end - std::min(it->end, rules.longest_keyword_bytes()) > high) break;  // no later hit starts in time
    if (hit_start > high) continue;
    if (std::find(rule.keyword_ids.begin(), rule.keyword_ids.end(), static_cast<int>(it->keyword)) !=
        rule.keyword_ids.end()) {
      return true;
    }
  }
  return false;
}

// The whole line(s) of a match, for allowlists that search lines; only looked up when one does, since a
// minified file's line can be megabytes long.
std::string_view line_around(std::string_view bytes, std::size_t start, std::size_t end) {
  const std::size_t line_start = line_start_before(bytes, start, start);
  const auto newline = bytes.find('\n', end);
  return bytes.substr(line_start, (newline == std::string_view::npos ? bytes.size() : newline) - line_start);
}

bool entropy_passes(const Rule& rule, double entropy, std::size_t secret_bytes) {
  if (rule.strict_entropy) return rule.min_entropy == 0.0 || entropy > rule.min_entropy;
  return entropy >= effective_entropy_floor(rule.min_entropy, secret_bytes);
}

bool candidate_passes(const RuleSet& rules, const CompiledRule& rule, const Candidate& candidate, const Item& item,
                      double entropy) {
  const std::string_view secret = candidate.secret;
  if (secret.empty()) return false;
  if (!entropy_passes(rule.rule, entropy, secret.size())) return false;
  for (Check check : rule.rule.checks) {
    if (!passes_check(check, secret, rules.phone_check())) return false;
  }
  return !candidate_allowed(rules.global_allowlists(), candidate, item) &&
         !candidate_allowed(rule.allowlists, candidate, item);
}

// A window that begins at its line's start may reach back over the rule's window before it, on the same line:
// a match both find is kept once. The rule's matches so far are the last ones of `out`, by increasing start.
bool found_already(const std::vector<Match>& out, const Match& match) {
  for (auto it = out.rbegin(); it != out.rend() && it->rule == match.rule && it->start >= match.start; ++it) {
    if (it->start == match.start && it->end == match.end && it->secret_start == match.secret_start &&
        it->secret_end == match.secret_end) {
      return true;
    }
  }
  return false;
}

void confirm(const RuleSet& rules, std::uint32_t rule_index, const HitRegion& region, std::string_view bytes,
             const Scratch& scratch, const Item& item, std::vector<Match>& out) {
  const CompiledRule& rule = rules.rules()[rule_index];
  if (rule.regex.error()) return;  // cannot happen for a validated rule set; never a crash if it does
  if (!rule_applies(rule, item)) return;
  const re2::RE2& regex = rule.regex.regex();
  const re2::RE2& capture_regex = rule.regex.capture_regex();
  const int first_group = rule.regex.secret_group();
  const int groups = rule.regex.last_secret_group() + 1;
  std::vector<re2::StringPiece> captures(groups);
  std::size_t pos = region.window_start;
  const re2::StringPiece text(bytes.data(), bytes.size());
  re2::StringPiece whole;
  // Bounds first (RE2's DFAs only), then submatches on exactly that span.
  while (pos <= region.last_end && regex.Match(text, pos, region.last_end, re2::RE2::UNANCHORED, &whole, 1)) {
    const auto start = static_cast<std::size_t>(whole.data() - bytes.data());
    const std::size_t end = start + whole.size();
    pos = end > start ? end : start + 1;
    if (!capture_regex.Match(text, start, end, re2::RE2::ANCHOR_BOTH, captures.data(), groups)) continue;
    re2::StringPiece secret = captures[first_group];
    for (int group = first_group + 1; secret.empty() && group < groups; ++group) secret = captures[group];
    if (secret.data() == nullptr) continue;
    // The next match may begin in this one's trailing context: in "10.0.0.1 10.0.0.2" the space that ends the
    // first address also starts the second.
    const auto secret_end = static_cast<std::size_t>(secret.data() - bytes.data()) + secret.size();
    if (secret_end > start && secret_end < pos) pos = secret_end;
    Match match{.rule = rule_index,
                .start = start,
                .end = end,
                .secret_start = static_cast<std::size_t>(secret.data() - bytes.data()),
                .secret_end = static_cast<std::size_t>(secret.data() - bytes.data()) + secret.size(),
                .entropy = 0.0};
    const std::string_view secret_view(secret.data(), secret.size());
    match.entropy = shannon_entropy(secret_view);
    if (!keyword_near(rules, rule, scratch, match)) continue;
    const Candidate candidate{.secret = secret_view,
                              .match = bytes.substr(start, end - start),
                              .line = searches_lines(rule.allowlists) || searches_lines(rules.global_allowlists())
                                          ? line_around(bytes, start, end)
                                          : std::string_view()};
    if (!candidate_passes(rules, rule, candidate, item, match.entropy) || found_already(out, match)) continue;
    out.push_back(match);
  }
}

bool overlaps(const Match& a, const Match& b) { return a.secret_start < b.secret_end && b.secret_start < a.secret_end; }

// The gated rules, each group scanned only in windows around the hits of its keywords and triggers (merged), or
// over the whole item when one of its rules takes a keyword anywhere. A keyword's window reaches its distance
// plus the rule's longest match either side, so every match the keyword can qualify lies wholly inside it.
Expected<bool> scan_gated(const RuleSet& rules, std::string_view bytes, Scratch& scratch) {
  auto& windows = scratch.gate_windows;  // the triggers' already
  for (const auto& hit : scratch.keyword_hits) {
    const auto& gate = rules.keyword_gates()[hit.keyword];
    if (!gate.gates) continue;
    if (gate.whole_item) {
      windows.push_back({.group = gate.group, .start = 0, .end = bytes.size()});
      continue;
    }
    const std::size_t start = hit.end - rules.keywords()[hit.keyword].size();
    windows.push_back(
        {.group = gate.group, .start = start > gate.reach ? start - gate.reach : 0, .end = hit.end + gate.reach});
  }
  std::sort(windows.begin(), windows.end(), [](const GateWindow& a, const GateWindow& b) {
    return std::tie(a.group, a.start) < std::tie(b.group, b.start);
  });
  // Each group's windows merged and scanned in order, so every rule's hits still arrive by end offset.
  for (std::size_t i = 0; i < windows.size();) {
    GateWindow merged = windows[i];
    for (++i; i < windows.size() && windows[i].group == merged.group && windows[i].start <= merged.end; ++i) {
      merged.end = std::max(merged.end, windows[i].end);
    }
    merged.end = std::min(merged.end, bytes.size());
    if (merged.start >= merged.end) continue;
    HitContext context{.rules = &rules, .scratch = &scratch, .bytes = bytes, .offset = merged.start};
    const hs_error_t status =
        hs_scan(rules.gated_database(merged.group), bytes.data() + merged.start,
                static_cast<unsigned int>(merged.end - merged.start), 0, scratch.hyperscan(), on_hit, &context);
    if (status != HS_SUCCESS) return fail(fmt::format("hyperscan scan failed (error {})", status));
  }
  return true;
}

}  // namespace

void drop_shadowed_fallbacks(const RuleSet& rules, std::vector<Match>& matches) {
  auto rule_of = [&](const Match& m) -> const Rule& { return rules.rules()[m.rule].rule; };
  auto shadows = [&](const Match& other, const Match& m) {
    if (rule_of(other).category != rule_of(m).category || !overlaps(m, other)) return false;
    if (!rule_of(other).fallback) return true;
    return other.secret_start == m.secret_start && other.secret_end == m.secret_end && other.rule < m.rule;
  };
  // Sorted by secret start, only neighbours can overlap: those starting before this secret ends, and those
  // starting at most one confirm span earlier (no secret is longer). Linear for files with many matches.
  std::sort(matches.begin(), matches.end(), [](const Match& a, const Match& b) {
    return std::tie(a.secret_start, a.rule, a.start) < std::tie(b.secret_start, b.rule, b.start);
  });
  constexpr std::size_t kLongestSecret = 2 * std::size_t{kMaxConfirmWindowBytes};
  std::vector<Match> kept;
  kept.reserve(matches.size());
  for (std::size_t i = 0; i < matches.size(); ++i) {
    const Match& m = matches[i];
    bool shadowed = false;
    if (rule_of(m).fallback) {
      for (std::size_t j = i + 1; !shadowed && j < matches.size() && matches[j].secret_start < m.secret_end; ++j) {
        shadowed = shadows(matches[j], m);
      }
      for (std::size_t j = i; !shadowed && j > 0 && matches[j - 1].secret_start + kLongestSecret > m.secret_start;
           --j) {
        shadowed = shadows(matches[j - 1], m);
      }
    }
    if (!shadowed) kept.push_back(m);
  }
  matches = std::move(kept);
}

Expected<std::vector<Match>> scan(const RuleSet& rules, std::string_view bytes, Scratch& scratch, const Item& item) {
  std::vector<Match> matches;
  if (rules.database() == nullptr || bytes.empty()) return matches;
  if (bytes.size() > std::numeric_limits<unsigned int>::max()) {
    return fail("input larger than 4 GiB cannot be scanned as one chunk");
  }
  for (auto rule : scratch.touched_rules) scratch.regions[rule].clear();
  scratch.touched_rules.clear();
  scratch.keyword_hits.clear();
  for (const auto& window : scratch.gate_windows) scratch.open_window[window.group] = 0;
  scratch.gate_windows.clear();

  HitContext context{.rules = &rules, .scratch = &scratch, .bytes = bytes};
  const hs_error_t status = hs_scan(rules.database(), bytes.data(), static_cast<unsigned int>(bytes.size()), 0,
                                    scratch.hyperscan(), on_hit, &context);
  if (status != HS_SUCCESS) return fail(fmt::format("hyperscan scan failed (error {})", status));
  // Hyperscan reports in end order; keyword_near relies on it, so make sure.
  auto by_end = [](const KeywordHit& a, const KeywordHit& b) { return a.end < b.end; };
  if (!std::is_sorted(scratch.keyword_hits.begin(), scratch.keyword_hits.end(), by_end)) {
    std::stable_sort(scratch.keyword_hits.begin(), scratch.keyword_hits.end(), by_end);
  }
  if (auto gated = scan_gated(rules, bytes, scratch); !gated) return tl::unexpected(gated.error());

  std::sort(scratch.touched_rules.begin(), scratch.touched_rules.end());
  for (auto rule : scratch.touched_rules) {
    for (const auto& region : scratch.regions[rule]) confirm(rules, rule, region, bytes, scratch, item, matches);
  }
  drop_shadowed_fallbacks(rules, matches);  // also sorts them
  return matches;
}

}  // namespace keyward::engine
