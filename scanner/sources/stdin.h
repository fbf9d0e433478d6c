// Standard input as one item to scan (`keyward scan -`).
#pragma once

#include <string>

#include "scanner/error.h"

namespace keyward::sources {

inline constexpr const char* kStdinPath = "<stdin>";

Expected<std::string> read_stdin();

}  // namespace keyward::sources
