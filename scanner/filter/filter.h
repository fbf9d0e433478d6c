// The content filter: screens a chat request (or plain text) before it leaves the machine. Built once from a
// compiled rule set and a policy, then immutable and safe to call from many threads at once (each call borrows a
// scratch from a small pool). Never fails open: any internal error is a blocked verdict. Knows nothing of stdin,
// exit codes or the audit file; bad input (not UTF-8, invalid JSON, too large) is an error, not a verdict.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/engine/rule_set.h"
#include "scanner/error.h"
#include "scanner/filter/audit_log.h"
#include "scanner/filter/policy.h"

namespace keyward::filter {

struct Finding {
  std::string rule_id;
  engine::Category category = engine::Category::kSecret;
  std::string pointer;    // RFC 6901 pointer of the string ("" in text mode); inside a string holding JSON, the
                          // pointer goes on into that JSON (/messages/2/tool_calls/0/function/arguments/email)
  std::size_t start = 0;  // the secret's bytes in the decoded string (or the text): [start, end)
  std::size_t end = 0;
  Action action = Action::kBlock;
};

// A request that breaks the request policy (or an internal error): always a block.
struct Violation {
  std::string limit;  // "model", "max_tokens", "max_messages", "max_text_bytes", "key" (the caller's own key),
                      // "internal-error"
  std::string pointer;
  std::string message;  // names the limit and the value, never a secret
};

struct Screening {
  Verdict verdict = Verdict::kBlocked;
  std::vector<Finding> findings;  // in document order
  std::vector<Violation> violations;
  std::string text;  // the rewritten text or request; empty when blocked (nothing is handed out unscreened)
  AuditRecord audit;
};

// One decoded string becomes at most this label: [REDACTED:<rule id without its "pii-" prefix>].
std::string redaction_label(std::string_view rule_id);

// Every letter and digit but the last four becomes '*'; separators stay (a card's "**** **** **** 1111").
std::string mask_keeping_last_four(std::string_view secret);

class Filter {
 public:
  // `env` picks the request limits (empty: the policy's default_env, or none). Every rule the policy names
  // must be in the rule set.
  static Expected<Filter> create(engine::RuleSet rules, Policy policy, const std::string& env = "");
  // create() over load_filter_rules(config_path, rule_files, policy.default_regions): the filter that
  // `keyward filter`, `keyward proxy` and the C ABI build from a config, extra rule files and a policy.
  static Expected<Filter> load(const std::optional<std::string>& config_path,
                               const std::vector<std::string>& rule_files, Policy policy, const std::string& env = "");

  Filter(Filter&&) noexcept;
  Filter& operator=(Filter&&) noexcept;
  ~Filter();

  // `caller_key`, when not empty, is the caller's own API key (from the Authorization header of the request being
  // screened): found anywhere in the text or in a decoded key, string or number, it blocks the request whatever
  // the rules and the policy say (a "key" violation naming where, never the key).

  // Plain text: one string with pointer "".
  Expected<Screening> screen(std::string_view text, std::string_view caller_key = {}) const;
  // A JSON request body: every key, string and number screened; strings holding JSON screened inside.
  Expected<Screening> screen_request(std::string_view json, std::string_view caller_key = {}) const;

  const Policy& policy() const;
  const RequestLimits& limits() const;
  const std::string& env() const;

  struct State;  // opaque: the rules, the policy and the scratch pool

 private:
  explicit Filter(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// The built-in rules of both categories, plus `config_path`'s rules and allowlists when given, compiled through
// the on-disk database cache; national phone numbers are read as numbers of `phone_regions` (the policy's
// default_regions; the US when empty).
Expected<engine::RuleSet> load_filter_rules(const std::optional<std::string>& config_path,
                                            const std::vector<std::string>& rule_files = {},
                                            const std::vector<std::string>& phone_regions = {});

}  // namespace keyward::filter
