// The versions of the matching libraries the engine runs with, as the loaded libraries report them (not the
// headers it was built against), for `keyward --version`. Knows nothing of how they are printed.
#pragma once

#include <string>

namespace keyward::engine {

// Hyperscan's own version string, e.g. "5.4.0 2021-01-26".
std::string hyperscan_version();

// RE2 has no version call: the file of the RE2 library loaded in this process (e.g.
// "/usr/lib/x86_64-linux-gnu/libre2.so.9.0.0", its name carrying the ABI version), or "" when RE2 is linked in.
std::string re2_library_file();

}  // namespace keyward::engine
