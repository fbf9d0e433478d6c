#include "scanner/config/rule_file.h"

#include <cstdint>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "scanner/config/builtin_rules.h"
#include "scanner/engine/rule_set.h"
#include "scanner/parallel.h"

namespace keyward::config {
namespace {

using engine::Category;
using engine::Check;
using engine::Severity;

const std::set<std::string> kRuleKeys = {
    "id",           "description", "regex",
    "secret_group", "keywords",    "keyword_distance",
    "triggers",     "entropy",     "checks",
    "category",     "severity",    "fallback",
    "allowlist",    "examples",    "negative_examples",
};
const std::set<std::string> kAllowlistKeys = {"regexes", "stopwords", "paths"};

// Collects the problems of one rule (or of the file's own keys), each as "FILE:LINE: RULE: what", LINE being that
// of the key at fault or else the rule's; the rule is kept only when there are none.
struct RuleErrors {
  std::string file;
  std::string rule;  // empty for the file's own keys
  std::uint32_t line = 1;
  std::vector<std::string>& out;
  bool bad = false;
  void add(const std::string& message) { add_at(line, message); }
  void add(const toml::node& node, const std::string& message) { add_at(node.source().begin.line, message); }
  void add_at(std::uint32_t at, const std::string& message) {
    out.push_back(rule.empty() ? fmt::format("{}:{}: {}", file, at, message)
                               : fmt::format("{}:{}: {}: {}", file, at, rule, message));
    bad = true;
  }
};

std::vector<std::string> strings(const toml::node* node, const char* key, RuleErrors& errors) {
  std::vector<std::string> out;
  if (node == nullptr) return out;
  const auto* array = node->as_array();
  if (array == nullptr) {
    errors.add(*node, fmt::format("{} must be an array of strings", key));
    return out;
  }
  for (const auto& item : *array) {
    if (const auto* s = item.as_string()) {
      out.push_back(s->get());
    } else {
      errors.add(item, fmt::format("{} must hold only strings", key));
    }
  }
  return out;
}

// An [allowlist] table; nothing when there is none or it lists nothing.
std::optional<engine::Allowlist> parse_allowlist(const toml::node* node, RuleErrors& errors) {
  engine::Allowlist allowlist;
  if (node == nullptr) return std::nullopt;
  const auto* table = node->as_table();
  if (table == nullptr) {
    errors.add(*node, "allowlist must be a table");
    return std::nullopt;
  }
  for (const auto& [key, value] : *table) {
    if (!kAllowlistKeys.contains(std::string(key.str()))) {
      errors.add(value, fmt::format("unknown allowlist key '{}'", key.str()));
    }
  }
  allowlist.regexes = strings(table->get("regexes"), "allowlist.regexes", errors);
  allowlist.stopwords = strings(table->get("stopwords"), "allowlist.stopwords", errors);
  allowlist.paths = strings(table->get("paths"), "allowlist.paths", errors);
  if (allowlist.regexes.empty() && allowlist.stopwords.empty() && allowlist.paths.empty()) return std::nullopt;
  return allowlist;
}

std::optional<Check> check_named(std::string_view name) {
  if (name == "luhn") return Check::kLuhn;
  if (name == "iban_mod97") return Check::kIbanMod97;
  if (name == "crc32_base62") return Check::kCrc32Base62;
  if (name == "not_hex") return Check::kNotHex;
  if (name == "not_code") return Check::kNotCode;
  if (name == "ssn") return Check::kSsn;
  if (name == "phone") return Check::kPhone;
  return std::nullopt;
}

template <typename T>
std::optional<T> get(const toml::table& table, const char* key, RuleErrors& errors) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return std::nullopt;
  if (auto value = node->value<T>()) return value;
  errors.add(*node, fmt::format("{} has the wrong type", key));
  return std::nullopt;
}

std::optional<engine::Rule> parse_rule(const toml::table& table, const std::string& name, std::size_t index,
                                       std::vector<std::string>& out) {
  engine::Rule rule;
  rule.source = name;
  const toml::node* id_node = table.get("id");
  rule.id = id_node && id_node->is_string() ? id_node->as_string()->get() : fmt::format("rules[{}]", index);
  RuleErrors errors{.file = name, .rule = rule.id, .line = table.source().begin.line, .out = out};
  if (id_node == nullptr || !id_node->is_string()) {
    errors.add("missing id");  // the placeholder "rules[N]" names the rule in the messages; its shape is ours
  } else {
    for (char c : rule.id) {
      if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-')) {
        errors.add(*id_node, "id must be lower-case letters, digits and dashes");
        break;
      }
    }
  }
  for (const auto& [key, value] : table) {
    if (!kRuleKeys.contains(std::string(key.str()))) errors.add(value, fmt::format("unknown key '{}'", key.str()));
  }
  rule.description = get<std::string>(table, "description", errors).value_or("");
  if (rule.description.empty()) errors.add("missing description");
  rule.regex = get<std::string>(table, "regex", errors).value_or("");
  if (rule.regex.empty()) errors.add("missing regex");
  if (auto group = get<int64_t>(table, "secret_group", errors)) rule.secret_group = static_cast<int>(*group);
  rule.keywords = strings(table.get("keywords"), "keywords", errors);
  if (auto distance = get<int64_t>(table, "keyword_distance", errors)) {
    if (*distance < 0) errors.add(*table.get("keyword_distance"), "keyword_distance must not be negative");
    rule.keyword_distance = static_cast<int>(*distance);
  }
  rule.triggers = strings(table.get("triggers"), "triggers", errors);
  if (auto entropy = get<double>(table, "entropy", errors)) rule.min_entropy = *entropy;
  for (const auto& check : strings(table.get("checks"), "checks", errors)) {
    if (auto named = check_named(check)) {
      rule.checks.push_back(*named);
    } else {
      errors.add(*table.get("checks"), fmt::format("unknown check '{}'", check));
    }
  }
  if (auto category = get<std::string>(table, "category", errors)) {
    if (*category == "secret") {
      rule.category = Category::kSecret;
    } else if (*category == "personal-data") {
      rule.category = Category::kPersonalData;
    } else {
      errors.add(*table.get("category"), fmt::format("category must be secret or personal-data, not '{}'", *category));
    }
  }
  if (auto severity = get<std::string>(table, "severity", errors)) {
    static constexpr std::pair<std::string_view, Severity> kSeverities[] = {{"low", Severity::kLow},
                                                                            {"medium", Severity::kMedium},
                                                                            {"high", Severity::kHigh},
                                                                            {"critical", Severity::kCritical}};
    bool known = false;
    for (const auto& [word, value] : kSeverities) {
      if (*severity == word) {
        rule.severity = value;
        known = true;
      }
    }
    if (!known) {
      errors.add(*table.get("severity"),
                 fmt::format("severity must be low, medium, high or critical, not '{}'", *severity));
    }
  }
  rule.fallback = get<bool>(table, "fallback", errors).value_or(false);
  if (auto allowlist = parse_allowlist(table.get("allowlist"), errors))
    rule.allowlists.push_back(std::move(*allowlist));
  rule.examples = strings(table.get("examples"), "examples", errors);
  rule.negative_examples = strings(table.get("negative_examples"), "negative_examples", errors);
  if (errors.bad) return std::nullopt;
  return rule;
}

}  // namespace

Expected<RuleFile> parse_rule_file(std::string_view text, const std::string& name) {
  toml::table document;
  try {
    document = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    return fail(fmt::format("{}:{}:{}: {}", name, e.source().begin.line, e.source().begin.column, e.description()));
  }
  RuleFile file;
  std::vector<std::string> errors;
  for (const auto& [key, value] : document) {
    // [audit] belongs to `keyward audit` (scanner/audit/sensitive_paths.cpp), [filter] is the content filter's
    // policy (scanner/filter/policy.cpp) and [scan] the limits and redaction (scanner/config/scan_settings.cpp);
    // all read the same file.
    if (key.str() != "rules" && key.str() != "allowlist" && key.str() != "disabled_rules" && key.str() != "audit" &&
        key.str() != "filter" && key.str() != "scan") {
      errors.push_back(fmt::format("{}:{}: unknown top-level key '{}'", name, value.source().begin.line, key.str()));
    }
  }
  RuleErrors file_errors{.file = name, .rule = {}, .line = 1, .out = errors};
  if (auto allowlist = parse_allowlist(document.get("allowlist"), file_errors)) {
    file.allowlists.push_back(std::move(*allowlist));
  }
  file.disabled_rules = strings(document.get("disabled_rules"), "disabled_rules", file_errors);
  if (const toml::node* rules = document.get("rules")) {
    const auto* array = rules->as_array();
    if (array == nullptr) {
      file_errors.add(*rules, "rules must be an array of tables ([[rules]])");
    } else {
      for (std::size_t i = 0; i < array->size(); ++i) {
        const auto* table = (*array)[i].as_table();
        if (table == nullptr) {
          file_errors.add((*array)[i], fmt::format("rules[{}] is not a table", i));
          continue;
        }
        if (auto rule = parse_rule(*table, name, i, errors)) file.rules.push_back(std::move(*rule));
      }
    }
  }
  if (!errors.empty()) {
    // Report the well-formed rules' regex problems too, so one run lists every bad rule.
    const engine::CompileOptions validate_only{.global_allowlists = {},
                                               .phone_check = [](std::string_view) { return true; }};
    if (auto compiled = engine::RuleSet::compile(file.rules, validate_only); !compiled) {
      errors.push_back(compiled.error().message);
    }
    return fail(errors);
  }
  return file;
}

Expected<RuleFile> load_rule_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(fmt::format("{}: cannot read rule file", path));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_rule_file(text.str(), path);
}

void append(RuleFile& into, RuleFile from) {
  for (auto& rule : from.rules) into.rules.push_back(std::move(rule));
  auto move_all = [](std::vector<std::string>& to, std::vector<std::string>& src) {
    for (auto& s : src) to.push_back(std::move(s));
  };
  for (auto& allowlist : from.allowlists) into.allowlists.push_back(std::move(allowlist));
  move_all(into.disabled_rules, from.disabled_rules);
  move_all(into.notes, from.notes);
}

std::uint32_t disabled_rule_line(std::string_view text, std::string_view id) {
  try {
    const toml::table document = toml::parse(text);
    if (const auto* ids = document["disabled_rules"].as_array()) {
      for (const auto& item : *ids) {
        if (item.value<std::string_view>() == id) return item.source().begin.line;
      }
    }
  } catch (const toml::parse_error&) {
  }
  return 1;
}

Expected<RuleFile> load_builtin_rules() {
  // Parsing the TOML is a quarter of a pre-commit run: the files are parsed side by side, then joined in order.
  const auto files = builtin_rule_files();
  std::vector<Expected<RuleFile>> parsed_files(files.size(), RuleFile{});
  parallel_for(files.size(),
               [&](std::size_t i) { parsed_files[i] = parse_rule_file(files[i].bytes, std::string(files[i].name)); });
  RuleFile all;
  std::string errors;
  for (auto& parsed : parsed_files) {
    if (!parsed) {
      errors += (errors.empty() ? "" : "\n") + parsed.error().message;
      continue;
    }
    append(all, std::move(*parsed));
  }
  if (!errors.empty()) return fail(errors);
  return all;
}

}  // namespace keyward::config
