// A rule as plain data: what to look for and what to check, before anything is compiled.
// Filled in by the config layer from TOML; the engine compiles it. Knows nothing of files or TOML.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace keyward::engine {

enum class Category { kSecret, kPersonalData };
enum class Severity { kLow, kMedium, kHigh, kCritical };
enum class Check { kLuhn, kIbanMod97, kCrc32Base62, kNotHex, kNotCode, kSsn, kPhone };

// What an allowlist's regexes are searched in.
enum class RegexTarget { kSecret, kMatch, kLine };

struct Allowlist {
  std::vector<std::string> regexes;  // RE2, searched in the secret (or the match, or the line)
  RegexTarget regex_target = RegexTarget::kSecret;
  std::vector<std::string> stopwords;  // case-insensitive substrings of the secret
  std::vector<std::string> paths;      // RE2, searched in the item's path
};

struct Rule {
  std::string id;
  std::string description;
  std::string regex;
  std::optional<int> secret_group;  // unset: the first non-empty group (0 when the regex has none)
  std::vector<std::string> keywords;
  int keyword_distance = 512;  // bytes either side of the match; 0 = anywhere in the item
  // Hyperscan patterns of which every match contains at least one: the rule runs only around their hits.
  std::vector<std::string> triggers;
  double min_entropy = 0.0;
  std::vector<Check> checks;
  Category category = Category::kSecret;
  Severity severity = Severity::kHigh;
  bool fallback = false;  // a generic rule: yields to a specific rule on the same secret
  Allowlist allowlist;
  std::vector<std::string> examples;
  std::vector<std::string> negative_examples;
  std::string source;  // where the rule came from, for messages ("openai.toml")
};

const char* to_string(Category category);
const char* to_string(Severity severity);
const char* to_string(Check check);

}  // namespace keyward::engine
