// The post-scan of one item: engine matches (byte offsets) become report findings with line, column and a
// line excerpt; matches on a line marked `keyward:allow` are dropped. Rules on paths alone give findings about
// the whole file.
#pragma once

#include <string_view>
#include <vector>

#include "scanner/engine/allowlist.h"
#include "scanner/engine/finding.h"
#include "scanner/engine/rule_set.h"
#include "scanner/report/report.h"

namespace keyward::report {

// How much of a long line the excerpt keeps on either side of the secret.
inline constexpr std::size_t kExcerptContextBytes = 80;

std::vector<Finding> locate(const engine::RuleSet& rules, std::string_view path, std::string_view bytes,
                            const std::vector<engine::Match>& matches);

// A finding (line 0, no secret) for each rule on paths alone whose path pattern matches the item's path and
// which no allowlist lets go: gitleaks' path-only rules, such as a PKCS #12 file.
std::vector<Finding> path_findings(const engine::RuleSet& rules, const engine::Item& item);

}  // namespace keyward::report
