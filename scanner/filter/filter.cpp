#include "scanner/filter/filter.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "scanner/config/config.h"
#include "scanner/config/database_cache.h"
#include "scanner/engine/engine.h"
#include "scanner/engine/scratch.h"
#include "scanner/filter/json_text.h"

namespace keyward::filter {

struct Filter::State {
  explicit State(engine::RuleSet compiled) : rules(std::move(compiled)) {}
  engine::RuleSet rules;
  Policy policy;
  std::string env;
  RequestLimits limits;
  std::vector<Action> actions;  // per rule index
  // Scratches not in use; a call borrows one (or makes one) and gives it back.
  std::mutex pool_mutex;
  std::vector<engine::Scratch> pool;
};

namespace {

// A replacement of bytes [begin, end) of a document.
struct Edit {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string replacement;
};

std::string now_utc() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                     utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
}

std::string apply_edits(std::string_view text, const std::vector<Edit>& edits) {
  std::string out;
  out.reserve(text.size() + 64);
  std::size_t at = 0;
  for (const auto& edit : edits) {
    out.append(text.substr(at, edit.begin - at));
    out += edit.replacement;
    at = edit.end;
  }
  out.append(text.substr(at));
  return out;
}

std::optional<std::uint64_t> as_count(const std::string& number) {
  char* end = nullptr;
  const double value = std::strtod(number.c_str(), &end);
  if (end == number.c_str() || value < 0) return std::nullopt;
  return value >= 1.8e19 ? UINT64_MAX : static_cast<std::uint64_t>(value);
}

// One screening: the findings and edits of one text or request, on one borrowed scratch.
class Session {
 public:
  Session(const Filter::State& state, engine::Scratch& scratch) : state_(state), scratch_(scratch) {}

  Screening& out() { return out_; }

  // Screens one decoded value; true when it must be rewritten, into `rewritten`.
  bool screen_value(std::string_view value, const std::string& pointer, std::string& rewritten) {
    ++out_.audit.strings;
    if (state_.limits.max_text_bytes && value.size() > *state_.limits.max_text_bytes) {
      out_.violations.push_back({.limit = "max_text_bytes",
                                 .pointer = pointer,
                                 .message = fmt::format("a text of {} bytes is over the limit of {} bytes",
                                                        value.size(), *state_.limits.max_text_bytes)});
    }
    auto matches = engine::scan(state_.rules, value, scratch_);
    if (!matches) throw std::runtime_error(matches.error().message);
    if (matches->empty()) return false;
    // Overlapping secrets become one replaced span, under the strongest action among them.
    struct Span {
      std::size_t start, end;
      Action action;
      std::uint32_t rule;
    };
    std::vector<Span> spans;
    for (const auto& match : *matches) {
      const Action action = state_.actions[match.rule];
      const auto& rule = state_.rules.rules()[match.rule].rule;
      out_.findings.push_back({.rule_id = rule.id,
                               .category = rule.category,
                               .pointer = pointer,
                               .start = match.secret_start,
                               .end = match.secret_end,
                               .action = action});
      if (action == Action::kAllow) continue;
      if (!spans.empty() && match.secret_start < spans.back().end) {
        Span& last = spans.back();
        last.end = std::max(last.end, match.secret_end);
        if (action > last.action) {
          last.action = action;
          last.rule = match.rule;
        }
        continue;
      }
      spans.push_back({match.secret_start, match.secret_end, action, match.rule});
    }
    if (spans.empty()) return false;
    rewritten.clear();
    std::size_t at = 0;
    for (const auto& span : spans) {
      rewritten.append(value.substr(at, span.start - at));
      const std::string_view secret = value.substr(span.start, span.end - span.start);
      if (span.action == Action::kMask) {
        rewritten += mask_keeping_last_four(secret);
      } else {
        rewritten += redaction_label(state_.rules.rules()[span.rule].rule.id);  // block: the text is dropped anyway
      }
      at = span.end;
    }
    rewritten.append(value.substr(at));
    return true;
  }

  // Screens every token of a JSON document; the edits that rewrite it, in document order.
  Expected<std::vector<Edit>> screen_document(std::string_view document, const std::string& base,
                                              JsonSummary* summary) {
    std::vector<Edit> edits;
    std::string rewritten;
    auto walked = walk_json(
        document,
        [&](const JsonToken& token) {
          if (token.opaque) return;
          switch (token.kind) {
            case JsonTokenKind::kKey: {
              const std::size_t before = out_.findings.size();
              if (screen_value(token.value, token.pointer, rewritten)) {
                // A key cannot change (the API rejects unknown fields): what would be rewritten there blocks.
                for (std::size_t i = before; i < out_.findings.size(); ++i) {
                  if (out_.findings[i].action != Action::kAllow) out_.findings[i].action = Action::kBlock;
                }
              }
              return;
            }
            case JsonTokenKind::kNumber:
              if (screen_value(token.value, token.pointer, rewritten)) {
                std::string replacement;
                append_json_string(replacement, rewritten);  // a masked or redacted number becomes a string
                edits.push_back({token.begin, token.end, std::move(replacement)});
              }
              return;
            case JsonTokenKind::kString:
              if (auto replacement = screen_string(token.value, token.pointer)) {
                edits.push_back({token.begin, token.end, std::move(*replacement)});
              }
              return;
          }
        },
        base);
    if (!walked) return tl::unexpected(walked.error());
    if (summary != nullptr) *summary = std::move(*walked);
    return edits;
  }

 private:
  // A string value; its replacement as a JSON string token when it must change. A string that holds a JSON
  // object or array is screened inside and re-encoded, so it stays valid JSON.
  std::optional<std::string> screen_string(std::string_view value, const std::string& pointer) {
    if (looks_like_json(value)) {
      const std::string inner(value);  // the token's view is reused by the outer walk
      const std::size_t findings = out_.findings.size();
      const std::size_t violations = out_.violations.size();
      const std::size_t strings = out_.audit.strings;
      auto edits = screen_document(inner, pointer, nullptr);
      if (edits) {
        if (edits->empty()) return std::nullopt;
        std::string replacement;
        append_json_string(replacement, apply_edits(inner, *edits));
        return replacement;
      }
      // Not JSON after all: forget what the attempt found and screen it as text.
      out_.findings.resize(findings);
      out_.violations.resize(violations);
      out_.audit.strings = strings;
      std::string rewritten;
      if (!screen_value(inner, pointer, rewritten)) return std::nullopt;
      std::string replacement;
      append_json_string(replacement, rewritten);
      return replacement;
    }
    std::string rewritten;
    if (!screen_value(value, pointer, rewritten)) return std::nullopt;
    std::string replacement;
    append_json_string(replacement, rewritten);
    return replacement;
  }

  const Filter::State& state_;
  engine::Scratch& scratch_;
  Screening out_;
};

// The request limits that apply to the top-level members: model, max_tokens, messages (or inputs).
void check_request(const RequestLimits& limits, const JsonSummary& summary, Screening& out) {
  for (const auto& member : summary.top_level) {
    const std::string pointer = "/" + member.key;
    if (member.key == "model" && member.kind == JsonKind::kString && !model_allowed(limits, member.value)) {
      out.violations.push_back(
          {.limit = "model", .pointer = pointer, .message = fmt::format("model '{}' is not allowed", member.value)});
    }
    if (member.key == "max_tokens" && member.kind == JsonKind::kNumber && limits.max_tokens) {
      const auto tokens = as_count(member.value);
      if (!tokens || *tokens > *limits.max_tokens) {
        out.violations.push_back(
            {.limit = "max_tokens",
             .pointer = pointer,
             .message = fmt::format("max_tokens {} is over the limit of {}", member.value, *limits.max_tokens)});
      }
    }
    if ((member.key == "messages" || member.key == "inputs") && member.kind == JsonKind::kArray &&
        limits.max_messages && member.elements > *limits.max_messages) {
      out.violations.push_back(
          {.limit = "max_messages",
           .pointer = pointer,
           .message = fmt::format("{} messages are over the limit of {}", member.elements, *limits.max_messages)});
    }
  }
}

// Verdict, text and audit record from what the session found.
void conclude(Screening& out, std::string rewritten, bool changed) {
  bool blocked = !out.violations.empty();
  std::set<std::string> rules;
  std::set<std::string> pointers;
  for (const auto& finding : out.findings) {
    rules.insert(finding.rule_id);
    pointers.insert(finding.pointer);
    switch (finding.action) {
      case Action::kBlock:
        blocked = true;
        ++out.audit.blocked;
        break;
      case Action::kRedact:
        ++out.audit.redacted;
        break;
      case Action::kMask:
        ++out.audit.masked;
        break;
      case Action::kAllow:
        ++out.audit.allowed;
        break;
    }
  }
  for (const auto& violation : out.violations) {
    pointers.insert(violation.pointer);
    out.audit.violations.push_back(violation.limit);
  }
  out.verdict = blocked ? Verdict::kBlocked : changed ? Verdict::kRedacted : Verdict::kAllowed;
  out.text = blocked ? std::string() : std::move(rewritten);
  out.audit.verdict = out.verdict;
  out.audit.findings = out.findings.size();
  out.audit.rules.assign(rules.begin(), rules.end());
  out.audit.pointers.assign(pointers.begin(), pointers.end());
  out.audit.bytes_out = out.text.size();
}

Screening internal_error(const std::string& input, std::size_t bytes_in, const std::string& env) {
  Screening out;
  out.violations.push_back({.limit = "internal-error", .pointer = "", .message = "internal error"});
  out.audit.time = now_utc();
  out.audit.input = input;
  out.audit.env = env;
  out.audit.violations = {"internal-error"};
  out.audit.bytes_in = bytes_in;
  out.verdict = Verdict::kBlocked;
  return out;
}

Expected<void> check_input(std::string_view bytes, const Policy& policy) {
  if (bytes.size() > policy.max_input_bytes) {
    return fail(fmt::format("input is {} bytes, over the limit of {} bytes", bytes.size(), policy.max_input_bytes));
  }
  if (!valid_utf8(bytes)) return fail("input is not valid UTF-8");
  return {};
}

// Borrows a scratch from the filter's pool for one call and gives it back.
class ScratchLease {
 public:
  explicit ScratchLease(Filter::State& state) : state_(state) {
    {
      std::lock_guard lock(state_.pool_mutex);
      if (!state_.pool.empty()) {
        scratch_.emplace(std::move(state_.pool.back()));
        state_.pool.pop_back();
        return;
      }
    }
    auto made = engine::Scratch::create(state_.rules);
    if (!made) throw std::runtime_error(made.error().message);
    scratch_.emplace(std::move(*made));
  }
  ~ScratchLease() {
    std::lock_guard lock(state_.pool_mutex);
    state_.pool.push_back(std::move(*scratch_));
  }
  ScratchLease(const ScratchLease&) = delete;
  ScratchLease& operator=(const ScratchLease&) = delete;
  engine::Scratch& get() { return *scratch_; }

 private:
  Filter::State& state_;
  std::optional<engine::Scratch> scratch_;
};

}  // namespace

std::string redaction_label(std::string_view rule_id) {
  if (rule_id.starts_with("pii-")) rule_id.remove_prefix(4);
  return fmt::format("[REDACTED:{}]", rule_id);
}

std::string mask_keeping_last_four(std::string_view secret) {
  std::string out(secret);
  int kept = 0;
  for (std::size_t i = out.size(); i-- > 0;) {
    const char c = out[i];
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum) continue;
    if (kept < 4) {
      ++kept;
    } else {
      out[i] = '*';
    }
  }
  return out;
}

Expected<Filter> Filter::create(engine::RuleSet rules, Policy policy, const std::string& env) {
  auto limits = limits_for(policy, env);
  if (!limits) return tl::unexpected(limits.error());
  std::vector<std::string> problems;
  for (const auto& [id, action] : policy.rules) {
    const auto compiled = rules.rules();
    if (std::none_of(compiled.begin(), compiled.end(), [&](const auto& r) { return r.rule.id == id; })) {
      problems.push_back(fmt::format("filter.rules names an unknown rule '{}'", id));
    }
  }
  if (!problems.empty()) return fail(problems);
  auto state = std::make_unique<State>(std::move(rules));
  state->policy = std::move(policy);
  state->env = env.empty() ? state->policy.default_env : env;
  state->limits = std::move(*limits);
  for (const auto& compiled : state->rules.rules()) state->actions.push_back(action_for(state->policy, compiled.rule));
  return Filter(std::move(state));
}

Filter::Filter(std::unique_ptr<State> state) : state_(std::move(state)) {}
Filter::Filter(Filter&&) noexcept = default;
Filter& Filter::operator=(Filter&&) noexcept = default;
Filter::~Filter() = default;

const Policy& Filter::policy() const { return state_->policy; }
const RequestLimits& Filter::limits() const { return state_->limits; }
const std::string& Filter::env() const { return state_->env; }

Expected<Screening> Filter::screen(std::string_view text) const {
  if (auto ok = check_input(text, state_->policy); !ok) return tl::unexpected(ok.error());
  try {
    ScratchLease scratch(*state_);
    Session session(*state_, scratch.get());
    std::string rewritten;
    const bool changed = session.screen_value(text, "", rewritten);
    Screening& out = session.out();
    out.audit.time = now_utc();
    out.audit.input = "text";
    out.audit.env = state_->env;
    out.audit.bytes_in = text.size();
    conclude(out, changed ? std::move(rewritten) : std::string(text), changed);
    return std::move(out);
  } catch (...) {
    return internal_error("text", text.size(), state_->env);
  }
}

Expected<Screening> Filter::screen_request(std::string_view json) const {
  if (auto ok = check_input(json, state_->policy); !ok) return tl::unexpected(ok.error());
  try {
    ScratchLease scratch(*state_);
    Session session(*state_, scratch.get());
    JsonSummary summary;
    auto edits = session.screen_document(json, "", &summary);
    if (!edits) return tl::unexpected(edits.error());
    Screening& out = session.out();
    check_request(state_->limits, summary, out);
    out.audit.time = now_utc();
    out.audit.input = "json";
    out.audit.env = state_->env;
    out.audit.bytes_in = json.size();
    for (const auto& member : summary.top_level) {
      if (member.key != "model" || member.kind != JsonKind::kString) continue;
      const bool found =
          std::any_of(out.findings.begin(), out.findings.end(), [](const Finding& f) { return f.pointer == "/model"; });
      if (!found) out.audit.model = member.value;
    }
    conclude(out, edits->empty() ? std::string(json) : apply_edits(json, *edits), !edits->empty());
    return std::move(out);
  } catch (...) {
    return internal_error("json", json.size(), state_->env);
  }
}

Expected<engine::RuleSet> load_filter_rules(const std::optional<std::string>& config_path,
                                            const std::vector<std::string>& rule_files) {
  const config::RuleSources sources{.config_path = config_path,
                                    .rule_files = rule_files,
                                    .categories = config::CategoryFilter::kAll,
                                    .use_builtin = true};
  auto resolved = config::resolve_rules(sources, config_path);
  if (!resolved) return tl::unexpected(resolved.error());
  const auto cache_dir = config::default_cache_dir();
  const auto cache = cache_dir ? std::optional(config::file_database_cache(*cache_dir)) : std::nullopt;
  return config::compile_rules(std::move(*resolved), cache ? &*cache : nullptr);
}

}  // namespace keyward::filter
