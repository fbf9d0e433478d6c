// The content filter's policy: what to do with each finding (per category, overridden per rule) and what a
// request may ask for in each environment (models, max_tokens, messages, text size). Plain data, parsed from the
// `[filter]` table of a .keyward.toml or a --policy file. Knows nothing of JSON requests or the engine's scan.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/engine/rule.h"
#include "scanner/error.h"
#include "scanner/limits.h"

namespace keyward::filter {

enum class Verdict { kAllowed, kRedacted, kBlocked };

const char* to_string(Verdict verdict);

// Ordered by strength: where findings overlap, the strongest action wins.
enum class Action { kAllow, kMask, kRedact, kBlock };

const char* to_string(Action action);
std::optional<Action> action_named(std::string_view name);

// What a request may ask for in one environment; an unset limit is no limit.
struct RequestLimits {
  std::vector<std::string> models;  // allowed model names; "*" allows any; empty: any
  std::optional<std::uint64_t> max_tokens;
  std::optional<std::uint64_t> max_messages;
  std::optional<std::uint64_t> max_text_bytes;  // of any one decoded string (or the whole text in text mode)
};

struct Policy {
  Action secret_action = Action::kBlock;
  Action personal_data_action = Action::kRedact;
  std::map<std::string, Action> rules;  // rule id -> action, overrides the category's
  std::map<std::string, RequestLimits> environments;
  std::string default_env;  // used when no environment is named; empty: no request limits
  std::uint64_t max_input_bytes = kDefaultMaxInputBytes;
  // Where national phone numbers (no +country code) come from: "06 52 69 32 61" is a phone number in "FR".
  // Empty: the US only.
  std::vector<std::string> default_regions;
  std::vector<std::string> notes;  // what was read but deserves a word ("FILE:LINE: ..."), for the user to see
};

Action action_for(const Policy& policy, const engine::Rule& rule);

// True when `model` is one the limits allow.
bool model_allowed(const RequestLimits& limits, std::string_view model);

// The limits of environment `env` (the policy's default_env when empty); no limits when neither names one.
// An environment the policy does not define is an error.
Expected<RequestLimits> limits_for(const Policy& policy, const std::string& env);

// Whether a document must have a `[filter]` table: a --policy file is nothing else, a .keyward.toml need not.
enum class FilterTable { kOptional, kRequired };

// Reads the `[filter]` table of a TOML document (other tables are ignored: a .keyward.toml holds rules too).
// No `[filter]` table: the default policy, or an error when one is required. Unknown keys and actions are errors
// naming file and line.
Expected<Policy> parse_policy(std::string_view toml_text, const std::string& name,
                              FilterTable table = FilterTable::kOptional);

Expected<Policy> load_policy(const std::string& path, FilterTable table = FilterTable::kOptional);

}  // namespace keyward::filter
