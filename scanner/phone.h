// Phone-number validation for the `phone` rule check, backed by libphonenumber. Lives outside the engine,
// which links no such library; the engine receives it as a plain function.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace keyward {

// True when the text is a valid number: international (+...), or a national number (no country code) of one
// of `default_regions` (ISO 3166 codes such as "FR"); the US when none are given.
bool valid_phone_number(std::string_view candidate, std::span<const std::string> default_regions = {});

// True when libphonenumber has a numbering plan for the region ("FR", "GB", "US").
bool known_phone_region(const std::string& region);

}  // namespace keyward
