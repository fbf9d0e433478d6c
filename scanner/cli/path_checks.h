// The paths a command is given, checked before any work, so a typo is one line that says what is wrong with it
// ("no such file or directory", "not in a git repository", "no such directory") and the run stops with exit 2.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/error.h"

namespace keyward::cli {

// Every path to scan exists ("-", standard input, always does).
Expected<void> check_inputs_exist(const std::vector<std::string>& paths);

// `path` exists and lies in a git repository with a working tree or is one; else why not, and that `keyward scan`
// reads a directory outside git.
Expected<void> check_repository(const std::string& path);

// A file the command will write (a report, a baseline), if any: its directory exists. `what` names it in the error.
Expected<void> check_output_path(const std::optional<std::string>& path, std::string_view what);

}  // namespace keyward::cli
