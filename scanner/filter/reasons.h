#pragma once

#include <nlohmann/json.hpp>

#include "scanner/filter/filter.h"

namespace keyward::filter {

// Why a screening blocked, never with the text: {"rule", "pointer"} for each blocking finding (once per rule and
// pointer), then {"limit", "pointer", "message"} for each violation. `keyward filter`'s blocked line and
// `keyward proxy`'s 403 body both say it this way.
nlohmann::ordered_json blocked_reasons(const Screening& screening);

}  // namespace keyward::filter
