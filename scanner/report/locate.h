// The post-scan of one item: engine matches (byte offsets) become report findings with line, column and a
// line excerpt; matches on a line marked `keyward:allow` or under an allowlisted path are dropped.
#pragma once

#include <string_view>
#include <vector>

#include "scanner/engine/finding.h"
#include "scanner/engine/rule_set.h"
#include "scanner/report/report.h"

namespace keyward::report {

// How much of a long line the excerpt keeps on either side of the secret.
inline constexpr std::size_t kExcerptContextBytes = 80;

std::vector<Finding> locate(const engine::RuleSet& rules, std::string_view path, std::string_view bytes,
                            const std::vector<engine::Match>& matches);

}  // namespace keyward::report
