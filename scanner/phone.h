// Phone-number validation for the `phone` rule check, backed by libphonenumber. Lives outside the engine,
// which links no such library; the engine receives it as a plain function.
#pragma once

#include <string_view>

namespace keyward {

// True when the text is a valid number: international (+...) or, without a prefix, a US national number.
bool valid_phone_number(std::string_view candidate);

}  // namespace keyward
