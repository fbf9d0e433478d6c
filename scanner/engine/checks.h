// The checks a candidate secret must pass after RE2 confirms it: entropy with a length-aware floor and the named
// checks rules refer to. Pure functions of the secret's bytes.
#pragma once

#include <string_view>

#include "scanner/engine/rule_set.h"

namespace keyward::engine {

// Shannon entropy in bits per byte.
double shannon_entropy(std::string_view text);

// The floor actually applied: the rule's, capped at 90% of the most a secret of this length can reach.
double effective_entropy_floor(double rule_floor, std::size_t secret_length);

bool passes_check(Check check, std::string_view secret, const PhoneCheck& phone_check);

}  // namespace keyward::engine
