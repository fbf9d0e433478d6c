#include "scanner/engine/rule_set.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <hs.h>
#include <re2/re2.h>

namespace keyward::engine {
namespace {

constexpr unsigned kRuleFlags = HS_FLAG_MULTILINE;
constexpr unsigned kKeywordFlags = HS_FLAG_CASELESS;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// RE2 with the dialect rules promise: ^ and $ at line boundaries, errors returned, not logged.
std::unique_ptr<re2::RE2> make_re2(const std::string& pattern) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(64 << 20);
  return std::make_unique<re2::RE2>("(?m)" + pattern, options);
}

// A literal as a Hyperscan pattern: every byte escaped, so no character is special.
std::string escape_literal(std::string_view text) {
  std::string out;
  for (unsigned char c : text) out += fmt::format("\\x{:02x}", c);
  return out;
}

// What is wrong with a pattern RE2 rejected, and where, without its text: RE2's message quotes the pattern from
// the fault on, and a pattern may hold a literal secret (an allowlisted test key) that must not reach a log.
std::string regex_problem(const re2::RE2& re) {
  std::string what = re.error();
  const std::string& arg = re.error_arg();
  if (!arg.empty() && what.size() >= arg.size() && what.compare(what.size() - arg.size(), arg.size(), arg) == 0) {
    what.resize(what.size() - arg.size());
  }
  while (!what.empty() && (what.back() == ' ' || what.back() == ':')) what.pop_back();
  const std::size_t at = arg.empty() ? std::string::npos : re.pattern().find(arg);
  if (at == std::string::npos) return what;
  const std::size_t prefix = re.pattern().rfind("(?m)", 0) == 0 ? 4 : 0;  // make_re2's, not the user's
  return fmt::format("{} (at byte {} of the pattern)", what, at >= prefix ? at - prefix : 0);
}

CompiledAllowlist compile_allowlist(const Allowlist& allowlist, std::vector<std::string>& errors,
                                    const std::string& where) {
  CompiledAllowlist out;
  auto add = [&](const std::vector<std::string>& patterns, std::vector<std::unique_ptr<re2::RE2>>& into,
                 const char* key) {
    for (const auto& pattern : patterns) {
      auto re = make_re2(pattern);
      if (!re->ok()) {
        errors.push_back(
            fmt::format("{}: allowlist {} #{}: {}", where, key, &pattern - patterns.data() + 1, regex_problem(*re)));
        continue;
      }
      into.push_back(std::move(re));
    }
  };
  add(allowlist.regexes, out.regexes, "regex");
  add(allowlist.paths, out.paths, "path");
  for (const auto& word : allowlist.stopwords) out.stopwords.push_back(lower(word));
  for (const auto& commit : allowlist.commits) out.commits.push_back(lower(commit));
  out.regex_target = allowlist.regex_target;
  out.condition = allowlist.condition;
  return out;
}

std::vector<CompiledAllowlist> compile_allowlists(const std::vector<Allowlist>& allowlists,
                                                  std::vector<std::string>& errors, const std::string& where) {
  std::vector<CompiledAllowlist> out;
  for (const auto& allowlist : allowlists) out.push_back(compile_allowlist(allowlist, errors, where));
  return out;
}

std::string rule_where(const Rule& rule) {
  return rule.source.empty() ? rule.id : fmt::format("{}: {}", rule.source, rule.id);
}

// One Hyperscan pattern: its expression, flags, the id hits report, and the rule it belongs to (-1: a keyword).
struct Pattern {
  std::string expression;
  unsigned flags = 0;
  unsigned id = 0;
  int rule = -1;
  const char* what = "regex";  // for messages: "regex" or "trigger"
};

// Compiles patterns into one block-mode database. A pattern Hyperscan cannot take exactly is retried in
// prefilter mode (RE2 confirms every hit anyway); one it cannot take at all is reported against its rule.
hs_database_t* compile_database(std::vector<Pattern>& patterns, const std::vector<CompiledRule>& rules,
                                std::vector<std::string>& errors) {
  if (patterns.empty()) return nullptr;
  for (;;) {
    std::vector<const char*> expressions;
    std::vector<unsigned> flags, ids;
    for (const auto& p : patterns) {
      expressions.push_back(p.expression.c_str());
      flags.push_back(p.flags);
      ids.push_back(p.id);
    }
    hs_database_t* db = nullptr;
    hs_compile_error_t* error = nullptr;
    if (hs_compile_multi(expressions.data(), flags.data(), ids.data(), static_cast<unsigned>(expressions.size()),
                         HS_MODE_BLOCK, nullptr, &db, &error) == HS_SUCCESS) {
      return db;
    }
    const int bad = error->expression;
    std::string message = error->message;
    hs_free_compile_error(error);
    if (bad < 0 || static_cast<std::size_t>(bad) >= patterns.size() || patterns[bad].rule < 0) {
      errors.push_back(fmt::format("hyperscan: {}", message));
      return nullptr;
    }
    if (!(patterns[bad].flags & HS_FLAG_PREFILTER)) {
      patterns[bad].flags |= HS_FLAG_PREFILTER;
      continue;
    }
    errors.push_back(fmt::format("{}: hyperscan cannot compile the {}: {}",
                                 rule_where(rules[static_cast<std::size_t>(patterns[bad].rule)].rule),
                                 patterns[bad].what, message));
    return nullptr;
  }
}

// Compiles each list into a database, several at once: a custom rule set's dozens of small keyword-group
// databases would otherwise double a first run's compile time. Hyperscan's compiler keeps no shared state.
std::vector<hs_database_t*> compile_databases(std::vector<std::vector<Pattern>>& lists,
                                              const std::vector<CompiledRule>& rules,
                                              std::vector<std::string>& errors) {
  std::vector<hs_database_t*> out(lists.size(), nullptr);
  std::vector<std::vector<std::string>> problems(lists.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < lists.size(); i = next++) out[i] = compile_database(lists[i], rules, problems[i]);
  };
  const std::size_t threads = std::min<std::size_t>(lists.size(), std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& thread : pool) thread.join();
  for (auto& list : problems) errors.insert(errors.end(), list.begin(), list.end());
  return out;
}

// Everything that shapes the databases, so cached ones are used only where they are exactly what we would build.
// `lists` are the main database's patterns, then each gated group's.
std::string database_key(const std::vector<std::vector<Pattern>>& lists) {
  hs_platform_info_t platform{};
  hs_populate_platform(&platform);
  std::string key = fmt::format("keyward-db-v4\n{}\n{}:{}:{}\n", hs_version(), platform.tune, platform.cpu_features,
                                platform.reserved1);
  for (const auto& list : lists) {
    key += "--\n";
    for (const auto& p : list) key += fmt::format("{}:{}:{}:{}\n", p.flags, p.id, p.expression.size(), p.expression);
  }
  return key;
}

// How far back from a hit RE2 must look: the longest match the pattern can make, capped. Hyperscan's
// analysis takes ~0.2 ms a pattern, so the widths are cached with the databases.
std::uint32_t confirm_window(const std::string& pattern) {
  hs_expr_info_t* info = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_expression_info(pattern.c_str(), kRuleFlags, &info, &error) != HS_SUCCESS) {
    hs_free_compile_error(error);
    return kMaxConfirmWindowBytes;
  }
  const std::uint32_t width = std::min<std::uint64_t>(info->max_width, kMaxConfirmWindowBytes);
  std::free(info);
  return width;
}

// The cached bytes: the rule count, one confirm window per rule, the database count, each database's length,
// then the databases (main first, then each gated group's) as Hyperscan serializes them.
struct CachedDatabases {
  std::vector<hs_database_t*> databases;
  std::vector<std::uint32_t> windows;
};

// Reads a little-endian-as-written integer at `at`, moving past it; false when the bytes run out.
template <typename T>
bool take(std::string_view bytes, std::size_t& at, T& value) {
  if (bytes.size() - at < sizeof value) return false;
  std::memcpy(&value, bytes.data() + at, sizeof value);
  at += sizeof value;
  return true;
}

std::optional<CachedDatabases> load_cached(const DatabaseCache* cache, const std::string& key, std::size_t rules,
                                           std::size_t databases) {
  if (cache == nullptr || !cache->load) return std::nullopt;
  const auto loaded = cache->load(key);
  if (!loaded) return std::nullopt;
  const std::string_view bytes = *loaded;
  std::size_t at = 0;
  std::uint32_t count = 0;
  if (!take(bytes, at, count) || count != rules) return std::nullopt;
  CachedDatabases cached{.databases = {}, .windows = std::vector<std::uint32_t>(rules)};
  for (auto& window : cached.windows) {
    if (!take(bytes, at, window)) return std::nullopt;
  }
  std::uint32_t stored = 0;
  if (!take(bytes, at, stored) || stored != databases) return std::nullopt;
  std::vector<std::uint64_t> lengths(databases);
  for (auto& length : lengths) {
    if (!take(bytes, at, length)) return std::nullopt;
  }
  for (const std::uint64_t length : lengths) {
    hs_database_t* db = nullptr;
    if (length > bytes.size() - at || hs_deserialize_database(bytes.data() + at, length, &db) != HS_SUCCESS) {
      for (auto* made : cached.databases) hs_free_database(made);
      return std::nullopt;
    }
    cached.databases.push_back(db);
    at += length;
  }
  return cached;
}

std::string serialized(const hs_database_t* db) {
  if (db == nullptr) return {};
  char* bytes = nullptr;
  std::size_t length = 0;
  if (hs_serialize_database(db, &bytes, &length) != HS_SUCCESS) return {};
  std::string out(bytes, length);
  std::free(bytes);
  return out;
}

void store_cached(const DatabaseCache* cache, const std::string& key, const std::vector<const hs_database_t*>& dbs,
                  const std::vector<std::uint32_t>& windows) {
  if (cache == nullptr || !cache->store) return;
  std::vector<std::string> parts;
  for (const auto* db : dbs) {
    parts.push_back(serialized(db));
    if (parts.back().empty()) return;
  }
  std::string bytes;
  auto put = [&bytes](auto value) { bytes.append(reinterpret_cast<const char*>(&value), sizeof value); };
  put(static_cast<std::uint32_t>(windows.size()));
  for (const std::uint32_t window : windows) put(window);
  put(static_cast<std::uint32_t>(parts.size()));
  for (const auto& part : parts) put(static_cast<std::uint64_t>(part.size()));
  for (const auto& part : parts) bytes += part;
  cache->store(key, bytes);
}

// Gated rules in groups: two rules are in one group when they share a keyword or a trigger (union-find over
// keywords, then triggers). Returns each one's group, numbered in the order of the rules' first appearance.
std::vector<std::uint32_t> gate_groups(const std::vector<CompiledRule>& rules, std::size_t keywords,
                                       std::size_t triggers) {
  std::vector<std::size_t> parent(keywords + triggers);
  for (std::size_t k = 0; k < parent.size(); ++k) parent[k] = k;
  auto root = [&parent](std::size_t k) {
    while (parent[k] != k) k = parent[k] = parent[parent[k]];
    return k;
  };
  auto gates_of = [keywords](const CompiledRule& compiled) {
    std::vector<std::size_t> out;
    for (int k : compiled.keyword_ids) out.push_back(static_cast<std::size_t>(k));
    for (int t : compiled.trigger_ids) out.push_back(keywords + static_cast<std::size_t>(t));
    return out;
  };
  for (const auto& compiled : rules) {
    const auto gates = gates_of(compiled);
    for (std::size_t i = 1; i < gates.size(); ++i) parent[root(gates[i])] = root(gates[0]);
  }
  constexpr std::uint32_t kNone = UINT32_MAX;
  std::vector<std::uint32_t> group_of_root(parent.size(), kNone);
  std::uint32_t groups = 0;
  for (const auto& compiled : rules) {
    const auto gates = gates_of(compiled);
    if (gates.empty()) continue;
    auto& group = group_of_root[root(gates[0])];
    if (group == kNone) group = groups++;
  }
  std::vector<std::uint32_t> out(parent.size());
  for (std::size_t k = 0; k < parent.size(); ++k) out[k] = group_of_root[root(k)];
  return out;
}

}  // namespace

// The pattern with every large counted repeat's upper bound dropped ({15,1000} -> {15,}). RE2 expands counted
// repeats into copies, so a bound of 1000 makes a program that only its slow NFA can run for submatches; the
// relaxed program is small enough for its fast bit-state engine. Only ever matched against a span the exact
// pattern already matched, which the relaxed one (accepting a superset) matches too.
std::string relax_counted_repeats(const std::string& pattern) {
  static const re2::RE2 kCountedRepeat(R"((\{([0-9]+),([0-9]+)\}))");
  std::string out;
  re2::StringPiece rest(pattern);
  re2::StringPiece whole;
  std::string low, high;
  std::size_t copied = 0;
  while (re2::RE2::PartialMatch(rest, kCountedRepeat, &whole, &low, &high)) {
    const std::size_t at = static_cast<std::size_t>(whole.data() - pattern.data());
    const bool escaped = at > 0 && pattern[at - 1] == '\\';
    out.append(pattern, copied, at - copied);
    out += !escaped && std::stoi(high) >= 64 ? "{" + low + ",}" : std::string(whole);
    copied = at + whole.size();
    rest = re2::StringPiece(pattern.data() + copied, pattern.size() - copied);
  }
  out.append(pattern, copied);
  return out;
}

struct LazyRegex::State {
  std::string pattern;
  std::optional<int> requested_group;
  std::once_flag once;
  std::unique_ptr<re2::RE2> regex;
  std::unique_ptr<re2::RE2> capture_regex;  // for submatches on a matched span: see relax_counted_repeats
  int secret_group = 0;
  int groups = 0;
  std::optional<std::string> error;
};

LazyRegex::LazyRegex(std::string pattern, std::optional<int> secret_group) : state_(std::make_unique<State>()) {
  state_->pattern = std::move(pattern);
  state_->requested_group = secret_group;
}
LazyRegex::LazyRegex(LazyRegex&&) noexcept = default;
LazyRegex& LazyRegex::operator=(LazyRegex&&) noexcept = default;
LazyRegex::~LazyRegex() = default;

const LazyRegex::State& LazyRegex::ready() const {
  State& s = *state_;
  std::call_once(s.once, [&s] {
    s.regex = make_re2(s.pattern);
    if (!s.regex->ok()) {
      s.error = fmt::format("bad regex: {}", regex_problem(*s.regex));
      return;
    }
    const int groups = s.regex->NumberOfCapturingGroups();
    const std::string relaxed = relax_counted_repeats(s.pattern);
    if (relaxed != s.pattern) {
      s.capture_regex = make_re2(relaxed);
      if (!s.capture_regex->ok() || s.capture_regex->NumberOfCapturingGroups() != groups) s.capture_regex.reset();
    }
    s.groups = groups;
    s.secret_group = s.requested_group.value_or(groups > 0 ? 1 : 0);
    if (s.secret_group < 0 || s.secret_group > groups) {
      s.error = fmt::format("secret_group {} but the regex has {} groups", s.secret_group, groups);
    }
  });
  return s;
}

std::optional<std::string> LazyRegex::error() const { return ready().error; }
const re2::RE2& LazyRegex::regex() const { return *ready().regex; }
const re2::RE2& LazyRegex::capture_regex() const {
  const State& s = ready();
  return s.capture_regex ? *s.capture_regex : *s.regex;
}
int LazyRegex::secret_group() const { return ready().error ? 0 : ready().secret_group; }
int LazyRegex::last_secret_group() const {
  const State& s = ready();
  if (s.error) return 0;
  return s.requested_group || s.groups == 0 ? s.secret_group : s.groups;
}

void RuleSet::DatabaseFree::operator()(hs_database* db) const { hs_free_database(db); }

RuleSet::RuleSet(RuleSet&&) noexcept = default;
RuleSet& RuleSet::operator=(RuleSet&&) noexcept = default;
RuleSet::~RuleSet() = default;

Expected<RuleSet> RuleSet::compile(std::vector<Rule> rules, const CompileOptions& options) {
  RuleSet set;
  std::vector<std::string> errors;
  std::set<std::string> seen_ids;

  for (auto& rule : rules) {
    const std::string where = rule_where(rule);
    if (!seen_ids.insert(rule.id).second) {
      errors.push_back(fmt::format("{}: duplicate rule id", where));
      continue;
    }
    if (rule.regex.empty() && rule.path.empty()) {
      errors.push_back(fmt::format("{}: empty regex", where));
      continue;
    }
    if (!rule.keywords.empty() && !rule.triggers.empty()) {
      errors.push_back(
          fmt::format("{}: a rule takes keywords or triggers, not both (its keywords already gate it)", where));
      continue;
    }
    if (std::find(rule.triggers.begin(), rule.triggers.end(), std::string()) != rule.triggers.end()) {
      errors.push_back(fmt::format("{}: empty trigger", where));
      continue;
    }
    if (rule.keyword_distance < 0) {
      errors.push_back(fmt::format("{}: keyword_distance must not be negative", where));
      continue;
    }
    if (std::find(rule.checks.begin(), rule.checks.end(), Check::kPhone) != rule.checks.end() &&
        options.phone_check == nullptr) {
      errors.push_back(fmt::format("{}: check 'phone' is not available in this build", where));
      continue;
    }
    const std::size_t before = errors.size();
    auto allowlists = compile_allowlists(rule.allowlists, errors, where);
    std::unique_ptr<re2::RE2> path;
    if (!rule.path.empty()) {
      path = make_re2(rule.path);
      if (!path->ok()) errors.push_back(fmt::format("{}: bad path regex: {}", where, regex_problem(*path)));
    }
    if (errors.size() != before) continue;
    LazyRegex regex(rule.regex, rule.secret_group);
    set.rules_.push_back(CompiledRule{.rule = std::move(rule),
                                      .regex = std::move(regex),
                                      .keyword_ids = {},
                                      .trigger_ids = {},
                                      .allowlists = std::move(allowlists),
                                      .path = std::move(path),
                                      .required = {}});
  }
  for (auto& compiled : set.rules_) {
    for (const auto& required : compiled.rule.required) {
      const auto found = std::find_if(set.rules_.begin(), set.rules_.end(),
                                      [&](const CompiledRule& other) { return other.rule.id == required.id; });
      if (found == set.rules_.end()) {
        errors.push_back(fmt::format("{}: requires rule '{}', which is not in the rule set", rule_where(compiled.rule),
                                     required.id));
        continue;
      }
      compiled.required.push_back({.rule = static_cast<std::uint32_t>(found - set.rules_.begin()),
                                   .within_lines = required.within_lines,
                                   .within_columns = required.within_columns});
    }
  }
  auto global = compile_allowlists(options.global_allowlists, errors, "global allowlist");
  auto validate_regexes = [&] {
    for (const auto& compiled : set.rules_) {
      if (auto problem = compiled.regex.error()) {
        errors.push_back(fmt::format("{}: {}", rule_where(compiled.rule), *problem));
      }
    }
  };
  if (!errors.empty()) {
    validate_regexes();
    return fail(errors);
  }
  set.global_allowlists_ = std::move(global);
  set.phone_check_ = options.phone_check;

  // Keywords become caseless literal patterns in the same database, so context costs no second pass; triggers
  // are patterns there too. A rule on paths alone has nothing to gate.
  for (auto& compiled : set.rules_) {
    if (compiled.on_paths_only()) continue;
    for (const auto& keyword : compiled.rule.keywords) {
      if (keyword.empty()) continue;
      const std::string key = lower(keyword);
      auto found = std::find(set.keywords_.begin(), set.keywords_.end(), key);
      if (found == set.keywords_.end()) found = set.keywords_.insert(set.keywords_.end(), key);
      compiled.keyword_ids.push_back(static_cast<int>(found - set.keywords_.begin()));
    }
    for (const auto& trigger : compiled.rule.triggers) {
      auto found = std::find(set.triggers_.begin(), set.triggers_.end(), trigger);
      if (found == set.triggers_.end()) found = set.triggers_.insert(set.triggers_.end(), trigger);
      compiled.trigger_ids.push_back(static_cast<int>(found - set.triggers_.begin()));
    }
  }

  // Rules with keywords or triggers go in databases of their own that run only around their hits; most files
  // never mention "mistral" or "yandex", so those rules cost nothing there.
  const auto group_of = gate_groups(set.rules_, set.keywords_.size(), set.triggers_.size());
  std::vector<std::vector<Pattern>> lists(1);  // main, then one per gated group
  for (std::size_t i = 0; i < set.rules_.size(); ++i) {
    const auto& compiled = set.rules_[i];
    if (compiled.on_paths_only()) continue;
    std::size_t list = 0;
    if (!compiled.keyword_ids.empty()) {
      list = group_of[static_cast<std::size_t>(compiled.keyword_ids[0])] + 1;
    } else if (!compiled.trigger_ids.empty()) {
      list = group_of[set.keywords_.size() + static_cast<std::size_t>(compiled.trigger_ids[0])] + 1;
    }
    if (lists.size() <= list) lists.resize(list + 1);
    lists[list].push_back({.expression = compiled.rule.regex,
                           .flags = kRuleFlags,
                           .id = static_cast<unsigned>(i),
                           .rule = static_cast<int>(i)});
  }
  for (std::size_t k = 0; k < set.keywords_.size(); ++k) {
    set.longest_keyword_bytes_ = std::max(set.longest_keyword_bytes_, set.keywords_[k].size());
    lists[0].push_back({.expression = escape_literal(set.keywords_[k]),
                        .flags = kKeywordFlags,
                        .id = keyword_pattern_id(set.rules_.size(), k),
                        .rule = -1});
  }
  for (std::size_t t = 0; t < set.triggers_.size(); ++t) {
    const auto owner = std::find_if(set.rules_.begin(), set.rules_.end(), [t](const CompiledRule& r) {
      return std::find(r.trigger_ids.begin(), r.trigger_ids.end(), static_cast<int>(t)) != r.trigger_ids.end();
    });
    lists[0].push_back({.expression = set.triggers_[t],
                        .flags = kRuleFlags,
                        .id = trigger_pattern_id(set.rules_.size(), set.keywords_.size(), t),
                        .rule = static_cast<int>(owner - set.rules_.begin()),
                        .what = "trigger"});
  }
  if (lists.size() == 1 && lists[0].empty()) return set;  // no rules: nothing to compile, every scan is clean

  const std::string key = database_key(lists);
  if (auto cached = load_cached(options.cache, key, set.rules_.size(), lists.size())) {
    set.database_.reset(cached->databases[0]);
    for (std::size_t d = 1; d < cached->databases.size(); ++d) set.gated_databases_.emplace_back(cached->databases[d]);
    for (std::size_t i = 0; i < set.rules_.size(); ++i) set.rules_[i].confirm_window = cached->windows[i];
    set.compute_gates(group_of);
    return set;
  }
  // Not cached: validate every rule's RE2 now, so each bad rule is named.
  validate_regexes();
  if (!errors.empty()) return fail(errors);
  const auto compiled = compile_databases(lists, set.rules_, errors);
  set.database_.reset(compiled[0]);
  for (std::size_t d = 1; d < compiled.size(); ++d) set.gated_databases_.emplace_back(compiled[d]);
  if (!errors.empty()) return fail(errors);
  std::vector<std::uint32_t> windows;
  for (auto& compiled : set.rules_) {
    if (!compiled.on_paths_only()) compiled.confirm_window = confirm_window(compiled.rule.regex);
    windows.push_back(compiled.confirm_window);
  }
  set.compute_gates(group_of);
  std::vector<const hs_database_t*> dbs{set.database_.get()};
  for (const auto& db : set.gated_databases_) dbs.push_back(db.get());
  store_cached(options.cache, key, dbs, windows);
  return set;
}

void RuleSet::compute_gates(const std::vector<std::uint32_t>& group_of) {
  keyword_gates_.assign(keywords_.size(), KeywordGate{});
  for (std::size_t k = 0; k < keywords_.size(); ++k) keyword_gates_[k].group = group_of[k];
  trigger_gates_.assign(triggers_.size(), TriggerGate{});
  for (std::size_t t = 0; t < triggers_.size(); ++t) trigger_gates_[t].group = group_of[keywords_.size() + t];
  for (const auto& compiled : rules_) {
    for (int k : compiled.keyword_ids) {
      auto& gate = keyword_gates_[static_cast<std::size_t>(k)];
      gate.gates = true;
      if (compiled.rule.keyword_distance == 0) {
        gate.whole_item = true;
      } else {
        gate.reach = std::max<std::size_t>(
            gate.reach, static_cast<std::size_t>(compiled.rule.keyword_distance) + compiled.confirm_window);
      }
    }
    for (int t : compiled.trigger_ids) {
      auto& gate = trigger_gates_[static_cast<std::size_t>(t)];
      gate.reach = std::max<std::size_t>(gate.reach, compiled.confirm_window);
    }
  }
}

const char* to_string(Category category) {
  switch (category) {
    case Category::kSecret:
      return "secret";
    case Category::kPersonalData:
      return "personal-data";
  }
  return "secret";
}

const char* to_string(Severity severity) {
  switch (severity) {
    case Severity::kLow:
      return "low";
    case Severity::kMedium:
      return "medium";
    case Severity::kHigh:
      return "high";
    case Severity::kCritical:
      return "critical";
  }
  return "high";
}

const char* to_string(Check check) {
  switch (check) {
    case Check::kLuhn:
      return "luhn";
    case Check::kIbanMod97:
      return "iban_mod97";
    case Check::kCrc32Base62:
      return "crc32_base62";
    case Check::kNotHex:
      return "not_hex";
    case Check::kNotCode:
      return "not_code";
    case Check::kSsn:
      return "ssn";
    case Check::kPhone:
      return "phone";
  }
  return "?";
}

}  // namespace keyward::engine
