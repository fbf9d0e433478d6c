// Phone-number validation for the `phone` rule check, backed by libphonenumber. Lives outside the engine,
// which links no such library: compile_rules (config.h) hands it to the engine as a plain function, beside the
// rules it checks; the filter's policy checks its default regions here too.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace keyward::config {

// True when the text is a valid number: international (+...), or a national number (no country code) of one
// of `default_regions` (ISO 3166 codes such as "FR"); the US when none are given.
bool valid_phone_number(std::string_view candidate, std::span<const std::string> default_regions = {});

// True when libphonenumber has a numbering plan for the region ("FR", "GB", "US").
bool known_phone_region(const std::string& region);

}  // namespace keyward::config
