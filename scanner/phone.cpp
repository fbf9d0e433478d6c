#include "scanner/phone.h"

#include <phonenumbers/phonenumberutil.h>

#include <string>

namespace keyward {

bool valid_phone_number(std::string_view candidate) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util->Parse(std::string(candidate), "US", &number) != PhoneNumberUtil::NO_PARSING_ERROR) return false;
  return util->IsValidNumber(number);
}

}  // namespace keyward
