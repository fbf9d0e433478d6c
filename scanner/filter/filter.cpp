#include "scanner/filter/filter.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <mutex>
#include <new>
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

namespace {

// A key, string or number of the request: its place in the view and in its document.
struct Leaf {
  JsonTokenKind kind = JsonTokenKind::kString;
  std::size_t pointer_begin = 0;  // in the workspace's pointers
  std::size_t pointer_size = 0;
  std::size_t view_begin = 0;  // the decoded value in the view
  std::size_t view_end = 0;
  std::size_t doc = 0;    // the document it is in
  std::size_t begin = 0;  // its raw token in that document
  std::size_t end = 0;
};
// The request, or a string in it that holds JSON.
struct Doc {
  std::string_view text;
  std::string owned;       // an inner document's decoded text (text points here)
  std::size_t parent = 0;  // the document holding the string it came from, and that string's raw token
  std::size_t begin = 0;
  std::size_t end = 0;
};

// What one call borrows from the filter's pool: the scan scratch and the session's buffers, kept from call to
// call so that a screening allocates little (up to kKeptBufferBytes), and the last clean model name.
struct Workspace {
  explicit Workspace(engine::Scratch made) : scratch(std::move(made)) {}
  engine::Scratch scratch;
  std::string view;
  std::string pointers;
  std::vector<Leaf> leaves;
  std::deque<Doc> docs;
  std::optional<std::string> clean_model;
  std::vector<engine::Match> model_matches;
  const std::vector<engine::Match> no_matches;

  // Drops the buffers of an unusually large request, so the pool does not keep its size (or its text) for good.
  void trim() {
    constexpr std::size_t kKeptBufferBytes = std::size_t{1} << 20;
    if (view.capacity() > kKeptBufferBytes) std::string().swap(view);
    if (pointers.capacity() > kKeptBufferBytes) std::string().swap(pointers);
    if (leaves.capacity() * sizeof(Leaf) > kKeptBufferBytes) std::vector<Leaf>().swap(leaves);
    docs.clear();  // inner documents own copies of request text
  }
};

}  // namespace

struct Filter::State {
  explicit State(engine::RuleSet compiled) : rules(std::move(compiled)) {}
  engine::RuleSet rules;
  Policy policy;
  std::string env;
  RequestLimits limits;
  std::vector<Action> actions;  // per rule index
  // Workspaces not in use; a call borrows one (or makes one) and gives it back.
  std::mutex pool_mutex;
  std::vector<std::unique_ptr<Workspace>> pool;
};

namespace {

// A replacement of bytes [begin, end) of a document.
struct Edit {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string replacement;
};

// "2026-11-23T19:07:30.123Z": written digit by digit, since fmt's general machinery cost 4% of a screening.
std::string now_utc() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  std::string out = "0000-00-00T00:00:00.000Z";
  auto put = [&out](std::size_t at, long long value, int digits) {
    for (int i = digits - 1; i >= 0; --i, value /= 10) {
      out[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
    }
  };
  put(0, utc.tm_year + 1900, 4);
  put(5, utc.tm_mon + 1, 2);
  put(8, utc.tm_mday, 2);
  put(11, utc.tm_hour, 2);
  put(14, utc.tm_min, 2);
  put(17, utc.tm_sec, 2);
  put(20, millis, 3);
  return out;
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

// Rewrites one value: overlapping secrets become one replaced span under the strongest action among them.
// `findings` are this value's, sorted by start; empty result: nothing to rewrite.
std::optional<std::string> rewrite_value(std::string_view value, const std::vector<const Finding*>& findings) {
  struct Span {
    std::size_t start, end;
    Action action;
    const std::string* rule;
  };
  std::vector<Span> spans;
  for (const Finding* f : findings) {
    if (f->action == Action::kAllow) continue;
    if (!spans.empty() && f->start < spans.back().end) {
      Span& last = spans.back();
      last.end = std::max(last.end, f->end);
      if (f->action > last.action) {
        last.action = f->action;
        last.rule = &f->rule_id;
      }
      continue;
    }
    spans.push_back({f->start, f->end, f->action, &f->rule_id});
  }
  if (spans.empty()) return std::nullopt;
  std::string out;
  std::size_t at = 0;
  for (const auto& span : spans) {
    out.append(value.substr(at, span.start - at));
    const std::string_view secret = value.substr(span.start, span.end - span.start);
    // A block drops the whole text, so its label is never handed out; it only keeps the spans honest.
    out += span.action == Action::kMask ? mask_keeping_last_four(secret) : redaction_label(*span.rule);
    at = span.end;
  }
  out.append(value.substr(at));
  return out;
}

// One screening of a request. The document (and every string in it that holds JSON) is laid out once as a
// "view": the JSON text with each string decoded in place, so the engine scans it in one pass and sees keys
// next to their values ("MISTRAL_API_KEY": "..."), as a reader would. Each key, string and number is a leaf
// with its place in the view and in its document; findings map back to leaves, replacements to edits of the
// original bytes.
class Session {
 public:
  Session(const Filter::State& state, Workspace& workspace, std::string_view caller_key)
      : state_(state),
        caller_key_(caller_key),
        workspace_(workspace),
        scratch_(workspace.scratch),
        view_(workspace.view),
        pointers_(workspace.pointers),
        leaves_(workspace.leaves),
        docs_(workspace.docs) {
    view_.clear();
    pointers_.clear();
    leaves_.clear();
    docs_.clear();
  }

  Screening& out() { return out_; }

  // Plain text: one leaf, the whole text.
  std::string screen_text(std::string_view text) {
    check_size(text.size(), "");
    ++out_.audit.strings;
    if (!caller_key_.empty() && text.find(caller_key_) != std::string_view::npos) add_caller_key_violation("");
    auto matches = engine::scan(state_.rules, text, scratch_);
    if (!matches) throw std::runtime_error(matches.error().message);
    std::vector<const Finding*> mine;
    for (const auto& match : *matches) add_finding(match, "", match.secret_start, match.secret_end);
    for (const auto& f : out_.findings) mine.push_back(&f);
    auto rewritten = rewrite_value(text, mine);
    return rewritten ? std::move(*rewritten) : std::string(text);
  }

  // A JSON request; an error when it is not valid JSON. Sets `changed` when the result differs.
  Expected<std::string> screen_json(std::string_view json, JsonSummary& summary, bool& changed) {
    // The view is the document with its strings decoded: about its size. Grown once, not a dozen times.
    view_.reserve(json.size() + 64);
    pointers_.reserve(256);
    leaves_.reserve(32);
    docs_.push_back({.text = json});
    auto walked = lay_out(0, "");
    if (!walked) return tl::unexpected(walked.error());
    summary = std::move(*walked);
    const std::size_t body_size = view_.size();
    for (const auto& [token, value] : deferred_) {
      view_ += '\n';
      add_leaf(token, 0, value);
    }
    find_caller_key();
    auto matches = engine::scan(state_.rules, std::string_view(view_).substr(0, body_size), scratch_);
    if (!matches) throw std::runtime_error(matches.error().message);
    for (std::size_t i = leaves_.size() - deferred_.size(); i < leaves_.size(); ++i) {
      const Leaf& leaf = leaves_[i];
      for (auto match :
           screened_alone(std::string_view(view_).substr(leaf.view_begin, leaf.view_end - leaf.view_begin))) {
        for (auto* offset : {&match.start, &match.end, &match.secret_start, &match.secret_end})
          *offset += leaf.view_begin;
        matches->push_back(match);
      }
    }
    std::vector<std::vector<const Finding*>> per_leaf(leaves_.size());
    std::vector<std::size_t> leaf_of;
    for (const auto& match : *matches) {
      if (leaves_.empty()) {  // nothing but structure: cannot happen with real rules, and would block
        add_finding(match, "", match.secret_start, match.secret_end);
        out_.findings.back().action = Action::kBlock;
        leaf_of.push_back(leaves_.size());
        continue;
      }
      const std::size_t leaf = leaf_at(match.secret_start);
      const Leaf& l = leaves_[leaf];
      const bool inside = match.secret_start >= l.view_begin && match.secret_end <= l.view_end;
      const std::size_t start = inside ? match.secret_start - l.view_begin : 0;
      const std::size_t end = inside ? match.secret_end - l.view_begin : l.view_end - l.view_begin;
      add_finding(match, pointer(l), start, end);
      // A secret across values, or in a key, cannot be replaced exactly (keys must not change): it blocks.
      if ((!inside || l.kind == JsonTokenKind::kKey) && out_.findings.back().action != Action::kAllow) {
        out_.findings.back().action = Action::kBlock;
      }
      leaf_of.push_back(leaf);
    }
    for (std::size_t i = 0; i < out_.findings.size(); ++i) {
      if (leaf_of[i] < leaves_.size()) per_leaf[leaf_of[i]].push_back(&out_.findings[i]);
    }
    std::vector<std::vector<Edit>> edits(docs_.size());
    for (std::size_t i = 0; i < leaves_.size(); ++i) {
      const Leaf& l = leaves_[i];
      if (per_leaf[i].empty() || l.kind == JsonTokenKind::kKey) continue;
      const auto value = std::string_view(view_).substr(l.view_begin, l.view_end - l.view_begin);
      if (auto rewritten = rewrite_value(value, per_leaf[i])) {
        std::string token;
        append_json_string(token, *rewritten);  // a masked or redacted number becomes a string
        edits[l.doc].push_back({l.begin, l.end, std::move(token)});
      }
    }
    // Inner documents last to first: each rewritten one is re-encoded into the string that held it.
    for (std::size_t d = docs_.size(); d-- > 1;) {
      if (edits[d].empty()) continue;
      std::sort(edits[d].begin(), edits[d].end(), [](const Edit& a, const Edit& b) { return a.begin < b.begin; });
      std::string token;
      append_json_string(token, apply_edits(docs_[d].text, edits[d]));
      edits[docs_[d].parent].push_back({docs_[d].begin, docs_[d].end, std::move(token)});
    }
    changed = !edits[0].empty();
    if (!changed) return std::string(json);
    std::sort(edits[0].begin(), edits[0].end(), [](const Edit& a, const Edit& b) { return a.begin < b.begin; });
    return apply_edits(json, edits[0]);
  }

 private:
  // What the rules find in a model name on its own. The workspace remembers the last clean name it screened
  // (a gateway sends the same few all day); a name with a finding is never kept.
  const std::vector<engine::Match>& screened_alone(std::string_view value) {
    if (workspace_.clean_model && *workspace_.clean_model == value) return workspace_.no_matches;
    workspace_.clean_model.reset();
    auto alone = engine::scan(state_.rules, value, scratch_);
    if (!alone) throw std::runtime_error(alone.error().message);
    if (alone->empty()) {
      workspace_.clean_model = std::string(value);
      return workspace_.no_matches;
    }
    workspace_.model_matches = std::move(*alone);
    return workspace_.model_matches;
  }

  // The caller's own key anywhere in a decoded key, string or number blocks, whatever the rules say. Searched in
  // the view, where every string is decoded (a key written with \u escapes is still found).
  void find_caller_key() {
    if (caller_key_.empty() || leaves_.empty()) return;
    const std::string_view view(view_);
    for (std::size_t at = view.find(caller_key_); at != std::string_view::npos; at = view.find(caller_key_, at + 1)) {
      const Leaf& leaf = leaves_[leaf_at(at)];
      if (at < leaf.view_begin || at + caller_key_.size() > leaf.view_end) continue;  // across values: not text
      add_caller_key_violation(pointer(leaf));
    }
  }

  void add_caller_key_violation(std::string_view where) {
    for (const auto& v : out_.violations) {
      if (v.limit == "key" && v.pointer == where) return;
    }
    out_.violations.push_back(
        {.limit = "key",
         .pointer = std::string(where),
         .message = "the request holds the caller's own API key (from its Authorization header)"});
  }

  void check_size(std::size_t bytes, std::string_view where) {
    if (!state_.limits.max_text_bytes || bytes <= *state_.limits.max_text_bytes) return;
    out_.violations.push_back({.limit = "max_text_bytes",
                               .pointer = std::string(where),
                               .message = fmt::format("a text of {} bytes is over the limit of {} bytes", bytes,
                                                      *state_.limits.max_text_bytes)});
  }

  void add_finding(const engine::Match& match, std::string_view where, std::size_t start, std::size_t end) {
    const auto& rule = state_.rules.rules()[match.rule].rule;
    out_.findings.push_back({.rule_id = rule.id,
                             .category = rule.category,
                             .pointer = std::string(where),
                             .start = start,
                             .end = end,
                             .action = state_.actions[match.rule]});
  }

  std::string_view pointer(const Leaf& leaf) const {
    return std::string_view(pointers_).substr(leaf.pointer_begin, leaf.pointer_size);
  }

  // The leaf whose value starts at or before `offset` in the view (the first leaf if none).
  std::size_t leaf_at(std::size_t offset) const {
    auto it = std::upper_bound(leaves_.begin(), leaves_.end(), offset,
                               [](std::size_t o, const Leaf& l) { return o < l.view_begin; });
    return it == leaves_.begin() ? 0 : static_cast<std::size_t>(it - leaves_.begin() - 1);
  }

  void add_leaf(const JsonToken& token, std::size_t doc, std::string_view value) {
    leaves_.push_back({.kind = token.kind,
                       .pointer_begin = pointers_.size(),
                       .pointer_size = token.pointer.size(),
                       .view_begin = view_.size(),
                       .view_end = view_.size() + value.size(),
                       .doc = doc,
                       .begin = token.begin,
                       .end = token.end});
    pointers_ += token.pointer;
    view_ += value;
    ++out_.audit.strings;
    check_size(value.size(), token.pointer);
  }

  // Appends document `doc` to the view, recursing into strings that hold JSON.
  Expected<JsonSummary> lay_out(std::size_t doc, const std::string& base) {
    std::size_t at = 0;  // in the document: what is already in the view
    auto walked = walk_json(
        docs_[doc].text,
        [&](const JsonToken& token) {
          const std::string_view text = docs_[doc].text;
          view_.append(text.substr(at, token.begin - at));  // the structure between tokens, as written
          at = token.end;
          if (token.opaque) {
            view_ += "\"\"";
            return;
          }
          if (token.kind == JsonTokenKind::kNumber) {
            add_leaf(token, doc, token.value);
            return;
          }
          if (doc == 0 && token.kind == JsonTokenKind::kString && token.pointer == "/model") {
            // The model's name ("mistral-small-latest") is no context for the text: screened on its own, it
            // does not wake every Mistral-keyword rule for the whole request.
            deferred_.push_back({JsonToken{.kind = token.kind,
                                           .pointer = model_pointer_,
                                           .begin = token.begin,
                                           .end = token.end,
                                           .value = {},
                                           .opaque = false},
                                 std::string(token.value)});
            view_ += "\"\"";
            return;
          }
          view_ += '"';
          if (token.kind == JsonTokenKind::kString && looks_like_json(token.value) && lay_out_inner(token, doc)) {
            view_ += '"';
            return;
          }
          add_leaf(token, doc, token.value);
          view_ += '"';
        },
        base);
    if (walked) view_.append(docs_[doc].text.substr(at));
    return walked;
  }

  // A string holding JSON: laid out as a document of its own; false (and nothing kept) when it is not JSON.
  bool lay_out_inner(const JsonToken& token, std::size_t parent) {
    const std::size_t view_size = view_.size();
    const std::size_t leaves = leaves_.size();
    const std::size_t pointers = pointers_.size();
    const std::size_t docs = docs_.size();
    const std::size_t violations = out_.violations.size();
    const std::size_t strings = out_.audit.strings;
    Doc inner{.owned = std::string(token.value), .parent = parent, .begin = token.begin, .end = token.end};
    docs_.push_back(std::move(inner));
    docs_.back().text = docs_.back().owned;
    check_size(token.value.size(), token.pointer);
    if (lay_out(docs_.size() - 1, token.pointer)) return true;
    view_.resize(view_size);
    leaves_.resize(leaves);
    pointers_.resize(pointers);
    docs_.resize(docs);
    out_.violations.resize(violations);
    out_.audit.strings = strings;
    return false;
  }

  const Filter::State& state_;
  std::string_view caller_key_;
  Workspace& workspace_;
  engine::Scratch& scratch_;
  Screening out_;
  std::string& view_;
  std::string& pointers_;
  std::vector<Leaf>& leaves_;
  std::deque<Doc>& docs_;
  const std::string model_pointer_ = "/model";
  std::vector<std::pair<JsonToken, std::string>> deferred_;  // top-level strings screened on their own  // stable
                                                             // addresses: an inner document's text views its own string
};

// The request limits that apply to the top-level members: model, max_tokens, messages (or inputs).
// A value quoted in a violation's message, unless a rule found something in it: a key pasted into "model" must not
// come back out in the message (which goes to stderr and the audit log).
void check_request(const RequestLimits& limits, const JsonSummary& summary, Screening& out) {
  auto quoted = [&](const std::string& pointer, const std::string& value) {
    const bool found =
        std::any_of(out.findings.begin(), out.findings.end(), [&](const Finding& f) { return f.pointer == pointer; });
    return found ? std::string("(withheld: it holds a finding)") : fmt::format("'{}'", value);
  };
  for (const auto& member : summary.top_level) {
    const std::string pointer = "/" + member.key;
    if (member.key == "model" && member.kind == JsonKind::kString && !model_allowed(limits, member.value)) {
      out.violations.push_back({.limit = "model",
                                .pointer = pointer,
                                .message = fmt::format("model {} is not allowed", quoted(pointer, member.value))});
    }
    if (member.key == "max_tokens" && member.kind == JsonKind::kNumber && limits.max_tokens) {
      const auto tokens = as_count(member.value);
      if (!tokens || *tokens > *limits.max_tokens) {
        out.violations.push_back({.limit = "max_tokens",
                                  .pointer = pointer,
                                  .message = fmt::format("max_tokens {} is over the limit of {}",
                                                         quoted(pointer, member.value), *limits.max_tokens)});
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

// What went wrong inside a screening, for the block's message: the exception's own words (ours name a limit or a
// library's status, never the text), "out of memory", or nothing more to say.
std::string current_exception_reason() {
  try {
    throw;
  } catch (const std::bad_alloc&) {
    return "out of memory";
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

// A screening that failed inside: blocked, never passed on, with the reason. Called from a catch block.
Screening internal_error(const std::string& input, std::size_t bytes_in, const std::string& env) {
  Screening out;
  out.violations.push_back({.limit = "internal-error",
                            .pointer = "",
                            .message = fmt::format("internal error while screening, so the {} was blocked: {}",
                                                   input == "json" ? "request" : "text", current_exception_reason())});
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

// Borrows a workspace from the filter's pool for one call and gives it back.
class WorkspaceLease {
 public:
  explicit WorkspaceLease(Filter::State& state) : state_(state) {
    {
      std::lock_guard lock(state_.pool_mutex);
      if (!state_.pool.empty()) {
        workspace_ = std::move(state_.pool.back());
        state_.pool.pop_back();
        return;
      }
    }
    auto made = engine::Scratch::create(state_.rules);
    if (!made) throw std::runtime_error(made.error().message);
    workspace_ = std::make_unique<Workspace>(std::move(*made));
  }
  ~WorkspaceLease() {
    workspace_->trim();
    std::lock_guard lock(state_.pool_mutex);
    state_.pool.push_back(std::move(workspace_));
  }
  WorkspaceLease(const WorkspaceLease&) = delete;
  WorkspaceLease& operator=(const WorkspaceLease&) = delete;
  Workspace& get() { return *workspace_; }

 private:
  Filter::State& state_;
  std::unique_ptr<Workspace> workspace_;
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
  for (const auto& entry : policy.rules) {  // no structured binding: clang 14 (the fuzz build) cannot capture one
    const std::string& id = entry.first;
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

Expected<Filter> Filter::load(const std::optional<std::string>& config_path, const std::vector<std::string>& rule_files,
                              Policy policy, const std::string& env) {
  auto rules = load_filter_rules(config_path, rule_files, policy.default_regions);
  if (!rules) return tl::unexpected(rules.error());
  return create(std::move(*rules), std::move(policy), env);
}

Filter::Filter(std::unique_ptr<State> state) : state_(std::move(state)) {}
Filter::Filter(Filter&&) noexcept = default;
Filter& Filter::operator=(Filter&&) noexcept = default;
Filter::~Filter() = default;

const Policy& Filter::policy() const { return state_->policy; }
const RequestLimits& Filter::limits() const { return state_->limits; }
const std::string& Filter::env() const { return state_->env; }

Expected<Screening> Filter::screen(std::string_view text, std::string_view caller_key) const {
  if (auto ok = check_input(text, state_->policy); !ok) return tl::unexpected(ok.error());
  try {
    WorkspaceLease workspace(*state_);
    Session session(*state_, workspace.get(), caller_key);
    std::string rewritten = session.screen_text(text);
    Screening& out = session.out();
    out.audit.time = now_utc();
    out.audit.input = "text";
    out.audit.env = state_->env;
    out.audit.bytes_in = text.size();
    const bool changed = rewritten != text;
    conclude(out, std::move(rewritten), changed);
    return std::move(out);
  } catch (...) {
    return internal_error("text", text.size(), state_->env);
  }
}

Expected<Screening> Filter::screen_request(std::string_view json, std::string_view caller_key) const {
  if (auto ok = check_input(json, state_->policy); !ok) return tl::unexpected(ok.error());
  try {
    WorkspaceLease workspace(*state_);
    Session session(*state_, workspace.get(), caller_key);
    JsonSummary summary;
    bool changed = false;
    auto rewritten = session.screen_json(json, summary, changed);
    if (!rewritten) return tl::unexpected(rewritten.error());
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
    conclude(out, std::move(*rewritten), changed);
    return std::move(out);
  } catch (...) {
    return internal_error("json", json.size(), state_->env);
  }
}

Expected<engine::RuleSet> load_filter_rules(const std::optional<std::string>& config_path,
                                            const std::vector<std::string>& rule_files,
                                            const std::vector<std::string>& phone_regions) {
  const config::RuleSources sources{.config_path = config_path,
                                    .rule_files = rule_files,
                                    .categories = config::CategoryFilter::kAll,
                                    .use_builtin = true};
  auto resolved = config::resolve_rules(sources, config_path);
  if (!resolved) return tl::unexpected(resolved.error());
  const auto cache_dir = config::default_cache_dir();
  const auto cache = cache_dir ? std::optional(config::file_database_cache(*cache_dir)) : std::nullopt;
  return config::compile_rules(std::move(*resolved), cache ? &*cache : nullptr, phone_regions);
}

}  // namespace keyward::filter
