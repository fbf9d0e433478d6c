// The sensitive-path list: files that must never be committed whatever they hold (.env, private keys, Terraform
// state), as data: rules/sensitive_paths.toml, extended by the [audit] table of .keyward.toml. Parses the list and
// says whether a path (and, for entries with a content condition, its bytes) is sensitive. Knows nothing of git.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/error.h"

namespace keyward::audit {

struct SensitivePath {
  std::string id;  // "sensitive-path-env"
  std::string description;
  std::vector<std::string> patterns;           // path_glob.h dialect, appended to .gitignore verbatim by --fix
  std::vector<std::string> except;             // safe look-alikes, such as templates (.env.example)
  std::vector<std::string> content;            // RE2; when not empty, a file counts only if its bytes match one
  std::vector<std::string> examples;           // paths this entry matches, proven by a test
  std::vector<std::string> negative_examples;  // paths no entry matches
  std::string source;                          // where it came from, for messages
};

using SensitivePaths = std::vector<SensitivePath>;

// The `[[paths]]` entries of a list file such as rules/sensitive_paths.toml; `name` is used in messages.
Expected<SensitivePaths> parse_sensitive_paths(std::string_view text, const std::string& name);

// The built-in list, embedded in the binary.
Expected<SensitivePaths> load_builtin_sensitive_paths();

// The built-in list plus a .keyward.toml's [audit] table, when there is a config and it is not a gitleaks one:
//   [audit]
//   disabled = ["sensitive-path-keystore"]   # entry ids to leave out
//   [[audit.paths]]                           # more entries; one with a built-in's id replaces it
Expected<SensitivePaths> load_sensitive_paths(const std::optional<std::string>& config_path);

struct PathMatch {
  const SensitivePath* entry = nullptr;
  std::string pattern;  // the pattern that matched
};

// The first entry with a pattern matching `path` and no exception matching it. Ignores content conditions.
std::optional<PathMatch> match_path(const SensitivePaths& list, std::string_view path);

// Whether a file of this entry with these bytes counts: always without a content condition.
bool content_qualifies(const SensitivePath& entry, std::string_view bytes);

}  // namespace keyward::audit
