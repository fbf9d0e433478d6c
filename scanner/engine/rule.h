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

// How an allowlist's kinds of entry combine (gitleaks' `condition`): any one of them allows a finding, or every
// kind the allowlist sets must hold (a regex AND a path, say).
enum class AllowCondition { kAny, kAll };

struct Allowlist {
  std::vector<std::string> regexes;  // RE2, searched in the secret (or the match, or the line)
  RegexTarget regex_target = RegexTarget::kSecret;
  std::vector<std::string> stopwords;  // case-insensitive substrings of the secret
  std::vector<std::string> paths;      // RE2, searched in the item's path
  std::vector<std::string> commits;    // ids of the commit that brought the item (git history; case-insensitive)
  AllowCondition condition = AllowCondition::kAny;
};

// Another rule that must also find something near a finding for it to count (gitleaks' [[rules.required]]):
// within so many lines and columns of it, or anywhere in the same item when neither is set.
struct RequiredRule {
  std::string id;
  std::optional<int> within_lines;
  std::optional<int> within_columns;
};

struct Rule {
  std::string id;
  std::string description;
  std::string regex;  // empty: a rule on paths alone (`path` set), whose finding is the file itself
  // RE2 searched in the item's path: the rule applies only where it matches. Empty: everywhere.
  std::string path;
  std::optional<int> secret_group;  // unset: the first non-empty group (0 when the regex has none), as gitleaks
  std::vector<std::string> keywords;
  int keyword_distance = 512;  // bytes either side of the match; 0 = anywhere in the item
  // Hyperscan patterns of which every match contains at least one: the rule runs only around their hits.
  std::vector<std::string> triggers;
  double min_entropy = 0.0;
  // The secret's entropy must exceed min_entropy at any length (gitleaks), rather than reach a floor lowered for
  // secrets too short to reach it (keyward's rule files).
  bool strict_entropy = false;
  std::vector<Check> checks;
  Category category = Category::kSecret;
  Severity severity = Severity::kHigh;
  bool fallback = false;              // a generic rule: yields to a specific rule on the same secret
  std::vector<Allowlist> allowlists;  // a finding any of them allows is dropped
  std::vector<RequiredRule> required;
  bool skip_report = false;  // found only to satisfy another rule's `required`, never reported alone
  std::vector<std::string> examples;
  std::vector<std::string> negative_examples;
  std::string source;  // where the rule came from, for messages ("openai.toml")
};

const char* to_string(Category category);
const char* to_string(Severity severity);
const char* to_string(Check check);

}  // namespace keyward::engine
