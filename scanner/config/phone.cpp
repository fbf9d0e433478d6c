#include "scanner/config/phone.h"

#include <phonenumbers/phonenumberutil.h>

#include <set>
#include <string>

namespace keyward::config {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

bool valid_in(const PhoneNumberUtil& util, const std::string& text, const std::string& region) {
  PhoneNumber number;
  if (util.Parse(text, region, &number) != PhoneNumberUtil::NO_PARSING_ERROR) return false;
  return util.IsValidNumber(number);
}

}  // namespace

bool valid_phone_number(std::string_view candidate, std::span<const std::string> default_regions) {
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  const std::string text(candidate);
  if (default_regions.empty()) return valid_in(*util, text, "US");
  for (const auto& region : default_regions) {
    if (valid_in(*util, text, region)) return true;
  }
  return false;
}

bool known_phone_region(const std::string& region) {
  std::set<std::string> regions;
  PhoneNumberUtil::GetInstance()->GetSupportedRegions(&regions);
  return regions.contains(region);
}

}  // namespace keyward::config
