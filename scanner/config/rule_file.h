// Rule files: TOML text in, plain Rules out (the schema is rules/README.md). The same parser reads the built-in
// files and a user's --rules FILE. Every bad rule is reported with file and rule id, not just the first.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/engine/rule.h"
#include "scanner/error.h"

namespace keyward::config {

struct RuleFile {
  std::vector<engine::Rule> rules;
  std::vector<engine::Allowlist> allowlists;  // the file's top-level ones ([allowlist]): apply to every rule
  std::vector<std::string> disabled_rules;    // ids of rules (from any file) to leave out
  std::vector<std::string> notes;             // what was read but is not supported, for the user to see
};

// `name` is used in messages and as each rule's source.
Expected<RuleFile> parse_rule_file(std::string_view text, const std::string& name);

Expected<RuleFile> load_rule_file(const std::string& path);

// Every built-in file merged into one.
Expected<RuleFile> load_builtin_rules();

void append(RuleFile& into, RuleFile from);

// The line of `id` in the top-level disabled_rules array of a rule file's text, for an error about it; 1 when it
// is not there.
std::uint32_t disabled_rule_line(std::string_view text, std::string_view id);

}  // namespace keyward::config
