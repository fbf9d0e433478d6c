// RuleSet: the rules compiled once (Hyperscan databases: a main one and one per keyword group; one RE2 per rule)
// and shared, read-only, by every thread. Compiling reports every bad rule, not just the first. Knows nothing of
// files, TOML or terminals.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/engine/rule.h"
#include "scanner/error.h"

namespace re2 {
class RE2;
}
struct hs_database;

namespace keyward::engine {

// Validates a phone number in the text as written; supplied by a layer that links a phone library (and knows the
// deployment's default regions). Empty: the `phone` check is not available.
using PhoneCheck = std::function<bool(std::string_view candidate)>;

struct CompiledAllowlist {
  std::vector<std::unique_ptr<re2::RE2>> regexes;
  RegexTarget regex_target = RegexTarget::kSecret;
  std::vector<std::string> stopwords;  // lower-cased
  std::vector<std::unique_ptr<re2::RE2>> paths;
  std::vector<std::string> commits;  // lower-cased
  AllowCondition condition = AllowCondition::kAny;
};

// A rule's RE2 and secret group, compiled at most once: eagerly when the rule set is validated, or on first use
// when the Hyperscan database came from the cache (it was validated when it was cached, and most scans confirm
// hits for only a few rules, so startup skips ~70 ms of RE2 compilation). Safe to use from many threads.
class LazyRegex {
 public:
  LazyRegex(std::string pattern, std::optional<int> secret_group);
  LazyRegex(LazyRegex&&) noexcept;
  LazyRegex& operator=(LazyRegex&&) noexcept;
  ~LazyRegex();

  // Compiles now if not yet done; the problem with the pattern, if any.
  std::optional<std::string> error() const;
  const re2::RE2& regex() const;
  // The same pattern for extracting submatches from a span `regex()` matched: cheaper to run.
  const re2::RE2& capture_regex() const;
  int secret_group() const;
  // The secret is the first non-empty group from secret_group() to this one: the same group when the rule names
  // one, the last group when it does not (as gitleaks takes the first group that matched, so a rule can catch
  // the secret in either of two alternatives: `key (X)|(X) is my key`).
  int last_secret_group() const;

 private:
  struct State;
  const State& ready() const;
  std::unique_ptr<State> state_;
};

// The most bytes before a Hyperscan hit that RE2 looks at for the match's start.
inline constexpr std::uint32_t kMaxConfirmWindowBytes = 8192;

// A rule another one requires near its findings (Rule::required), by index into RuleSet::rules().
struct CompiledRequirement {
  std::uint32_t rule = 0;
  std::optional<int> within_lines;
  std::optional<int> within_columns;
};

struct CompiledRule {
  Rule rule;
  LazyRegex regex;
  std::uint32_t confirm_window = kMaxConfirmWindowBytes;  // the pattern's longest match, capped
  std::vector<int> keyword_ids;                           // indices into RuleSet::keywords()
  std::vector<int> trigger_ids;                           // indices into RuleSet::triggers()
  std::vector<CompiledAllowlist> allowlists;
  std::unique_ptr<re2::RE2> path;  // Rule::path; null: every path
  std::vector<CompiledRequirement> required;

  // A rule on paths alone: it finds files by their path, never bytes, and is not in the Hyperscan databases.
  bool on_paths_only() const { return rule.regex.empty(); }
};

// Where a compiled Hyperscan database may be kept between runs. The engine hands over a key (every input that
// shapes the database: patterns, flags, Hyperscan version, CPU features) and the serialized bytes; the caller
// decides where they live. A `load` that returns bytes Hyperscan rejects is a rebuild, never an error.
struct DatabaseCache {
  std::function<std::optional<std::string>(const std::string& key)> load;
  std::function<void(const std::string& key, std::string_view bytes)> store;
};

struct CompileOptions {
  std::vector<Allowlist> global_allowlists;  // apply to every rule
  PhoneCheck phone_check = nullptr;
  const DatabaseCache* cache = nullptr;
};

class RuleSet {
 public:
  // Every rule is checked; the error lists each bad one ("file: rule id: why"), one a line.
  static Expected<RuleSet> compile(std::vector<Rule> rules, const CompileOptions& options = {});

  RuleSet(RuleSet&&) noexcept;
  RuleSet& operator=(RuleSet&&) noexcept;
  ~RuleSet();

  std::span<const CompiledRule> rules() const { return rules_; }
  std::span<const std::string> keywords() const { return keywords_; }  // lower-cased, deduplicated
  std::size_t longest_keyword_bytes() const { return longest_keyword_bytes_; }
  std::span<const std::string> triggers() const { return triggers_; }  // deduplicated
  std::span<const CompiledAllowlist> global_allowlists() const { return global_allowlists_; }
  const PhoneCheck& phone_check() const { return phone_check_; }
  // Rules without keywords or triggers, and every keyword and trigger.
  const hs_database* database() const { return database_.get(); }
  // Rules with keywords or triggers, in groups: rules that share a keyword (or a trigger) are in the same group,
  // and each group has a database of its own, scanned only around the hits of its keywords and triggers. A prompt
  // that says "PostgreSQL" then costs a scan for the one postgres rule, not for every keyword rule.
  std::size_t gated_group_count() const { return gated_databases_.size(); }
  const hs_database* gated_database(std::size_t group) const { return gated_databases_[group].get(); }

  // How far around a keyword's hit its group's database must look (0 reach and not whole_item: it gates nothing).
  struct KeywordGate {
    bool gates = false;
    bool whole_item = false;  // a rule using it has keyword_distance 0
    std::size_t reach = 0;    // keyword distance plus the rule's longest match
    std::uint32_t group = 0;  // the gated group its rules are in
  };
  std::span<const KeywordGate> keyword_gates() const { return keyword_gates_; }
  // How far around a trigger's hit its group's database must look: the longest match of a rule using it, since
  // that match holds the trigger's.
  struct TriggerGate {
    std::uint32_t group = 0;
    std::size_t reach = 0;
  };
  std::span<const TriggerGate> trigger_gates() const { return trigger_gates_; }

 private:
  struct DatabaseFree {
    void operator()(hs_database* db) const;
  };
  RuleSet() = default;
  // `group_of` holds each keyword's group, then each trigger's.
  void compute_gates(const std::vector<std::uint32_t>& group_of);

  std::vector<CompiledRule> rules_;
  std::vector<std::string> keywords_;
  std::size_t longest_keyword_bytes_ = 0;
  std::vector<std::string> triggers_;
  std::vector<CompiledAllowlist> global_allowlists_;
  PhoneCheck phone_check_ = nullptr;
  std::unique_ptr<hs_database, DatabaseFree> database_;
  std::vector<std::unique_ptr<hs_database, DatabaseFree>> gated_databases_;
  std::vector<KeywordGate> keyword_gates_;
  std::vector<TriggerGate> trigger_gates_;
};

// Hyperscan pattern ids: rules first, then keywords, then triggers.
inline unsigned keyword_pattern_id(std::size_t rule_count, std::size_t keyword_index) {
  return static_cast<unsigned>(rule_count + keyword_index);
}
inline unsigned trigger_pattern_id(std::size_t rule_count, std::size_t keyword_count, std::size_t trigger_index) {
  return static_cast<unsigned>(rule_count + keyword_count + trigger_index);
}

}  // namespace keyward::engine
