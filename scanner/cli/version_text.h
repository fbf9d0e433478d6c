// What `keyward --version` prints: keyward's version and the versions of the libraries it runs with, as the
// loaded libraries report them, so a bug report says which Hyperscan, RE2 and libgit2 were in use.
#pragma once

#include <string>

namespace keyward::cli {

std::string version_text();

}  // namespace keyward::cli
