// The one config check every command runs first: each table of a .keyward.toml ([[rules]], [allowlist] and
// disabled_rules; [scan]; [audit]; [filter]) through the parser that owns it, so one run names every problem in
// the file, each as "FILE:LINE: what", whichever command reads which table. A gitleaks config is checked as it
// loads (config/gitleaks.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scanner/error.h"

namespace keyward::cli {

// Every problem of the config at `path` (none without one) as one error, a line each; on success, the notes to
// show (a key spelt the other way). `rule_files` (--rules) define rules that disabled_rules may name.
Expected<std::vector<std::string>> check_config(const std::optional<std::string>& path,
                                                const std::vector<std::string>& rule_files = {});

// Whether notes go to stderr: `keyward filter`'s stderr is one JSON line when it blocks, and nothing else.
enum class ConfigNotes { kShow, kHide };

// check_config, its notes printed to stderr unless hidden; false (the error printed) on any problem.
bool config_is_sound(const std::optional<std::string>& path, const std::vector<std::string>& rule_files = {},
                     ConfigNotes notes = ConfigNotes::kShow);

}  // namespace keyward::cli
