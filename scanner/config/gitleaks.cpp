#include "scanner/config/gitleaks.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

namespace keyward::config {
namespace {

constexpr int kMaxExtendDepth = 4;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

struct Reader {
  std::string file;
  std::vector<std::string>& errors;
  std::vector<std::string>& notes;

  std::string where(const toml::node& node) const { return fmt::format("{}:{}", file, node.source().begin.line); }

  std::vector<std::string> strings(const toml::table& table, const char* key) {
    std::vector<std::string> out;
    const toml::node* node = table.get(key);
    if (node == nullptr) return out;
    const auto* array = node->as_array();
    if (array == nullptr) {
      errors.push_back(fmt::format("{}: {} must be an array of strings", where(*node), key));
      return out;
    }
    for (const auto& item : *array) {
      if (const auto* s = item.as_string()) {
        out.push_back(s->get());
      } else {
        errors.push_back(fmt::format("{}: {} must hold only strings", where(item), key));
      }
    }
    return out;
  }

  // A value of type T, or nothing (an error when present with another type).
  template <typename T>
  std::optional<T> value(const toml::table& table, const char* key) {
    const toml::node* node = table.get(key);
    if (node == nullptr) return std::nullopt;
    if (auto v = node->value<T>()) return v;
    errors.push_back(fmt::format("{}: {} has the wrong type", where(*node), key));
    return std::nullopt;
  }

  void unknown_keys(const toml::table& table, const std::set<std::string>& known, const std::string& context) {
    for (const auto& [key, value] : table) {
      if (!known.contains(std::string(key.str()))) {
        notes.push_back(fmt::format("{}: {}'{}' is not supported and was ignored", where(value), context, key.str()));
      }
    }
  }

  // One allowlist table; nothing (after a note) when it lists nothing. `targets`, for a global allowlist, receives
  // its targetRules.
  std::optional<engine::Allowlist> allowlist(const toml::table& table, const std::string& context,
                                             std::vector<std::string>* targets) {
    std::set<std::string> known{"description", "regexes", "regexTarget", "stopwords", "paths", "commits", "condition"};
    if (targets != nullptr) known.insert("targetRules");
    unknown_keys(table, known, context);
    engine::Allowlist out;
    out.regexes = strings(table, "regexes");
    out.stopwords = strings(table, "stopwords");
    out.paths = strings(table, "paths");
    out.commits = strings(table, "commits");
    if (const auto target = value<std::string>(table, "regexTarget")) {
      if (*target == "match") {
        out.regex_target = engine::RegexTarget::kMatch;
      } else if (*target == "line") {
        out.regex_target = engine::RegexTarget::kLine;
      } else if (*target != "secret" && !target->empty()) {
        errors.push_back(
            fmt::format("{}: regexTarget must be secret, match or line", where(*table.get("regexTarget"))));
      }
    }
    if (const auto condition = value<std::string>(table, "condition")) {
      const std::string word = upper(*condition);
      if (word == "AND" || word == "&&") {
        out.condition = engine::AllowCondition::kAll;
      } else if (!word.empty() && word != "OR" && word != "||") {
        errors.push_back(fmt::format("{}: condition must be AND or OR", where(*table.get("condition"))));
      }
    }
    if (targets != nullptr) *targets = strings(table, "targetRules");
    if (out.regexes.empty() && out.stopwords.empty() && out.paths.empty() && out.commits.empty()) {
      notes.push_back(fmt::format("{}: {}an allowlist with no commits, paths, regexes or stopwords allows nothing",
                                  where(table), context));
      return std::nullopt;
    }
    return out;
  }

  // gitleaks takes one allowlist table or an array of them, under two names; `targets` as for allowlist().
  std::vector<engine::Allowlist> allowlists(const toml::table& owner, const std::string& context,
                                            std::vector<std::vector<std::string>>* targets) {
    std::vector<engine::Allowlist> out;
    auto take = [&](const toml::table& table) {
      std::vector<std::string> rule_ids;
      if (auto a = allowlist(table, context, targets != nullptr ? &rule_ids : nullptr)) {
        out.push_back(std::move(*a));
        if (targets != nullptr) targets->push_back(std::move(rule_ids));
      }
    };
    for (const char* key : {"allowlist", "allowlists"}) {
      const toml::node* node = owner.get(key);
      if (node == nullptr) continue;
      if (const auto* table = node->as_table()) {
        take(*table);
      } else if (const auto* array = node->as_array()) {
        for (const auto& item : *array) {
          if (const auto* table = item.as_table()) {
            take(*table);
          } else {
            errors.push_back(fmt::format("{}: {}{} must hold tables", where(item), context, key));
          }
        }
      } else {
        errors.push_back(fmt::format("{}: {}{} must be a table or an array of tables", where(*node), context, key));
      }
    }
    return out;
  }

  std::vector<engine::RequiredRule> required(const toml::table& rule, const std::string& context) {
    std::vector<engine::RequiredRule> out;
    const toml::node* node = rule.get("required");
    if (node == nullptr) return out;
    const auto* array = node->as_array();
    if (array == nullptr) {
      errors.push_back(fmt::format("{}: {}required must be an array of tables", where(*node), context));
      return out;
    }
    for (const auto& item : *array) {
      const auto* table = item.as_table();
      if (table == nullptr) {
        errors.push_back(fmt::format("{}: {}required must hold tables", where(item), context));
        continue;
      }
      unknown_keys(*table, {"id", "withinLines", "withinColumns"}, context + "[[rules.required]] ");
      engine::RequiredRule requirement;
      requirement.id = value<std::string>(*table, "id").value_or("");
      if (requirement.id.empty()) {
        errors.push_back(fmt::format("{}: {}[[rules.required]] needs an id", where(*table), context));
        continue;
      }
      if (auto lines = value<int64_t>(*table, "withinLines")) requirement.within_lines = static_cast<int>(*lines);
      if (auto columns = value<int64_t>(*table, "withinColumns")) {
        requirement.within_columns = static_cast<int>(*columns);
      }
      out.push_back(std::move(requirement));
    }
    return out;
  }

  // One [[rules]] table as gitleaks reads it. A rule that sets neither regex nor path extends one of the same id.
  std::optional<engine::Rule> rule(const toml::table& table) {
    engine::Rule rule;
    rule.source = file;
    rule.id = value<std::string>(table, "id").value_or("");
    if (rule.id.empty()) {
      errors.push_back(fmt::format("{}: a rule needs an id", where(table)));
      return std::nullopt;
    }
    const std::string context = fmt::format("rule {}: ", rule.id);
    unknown_keys(table,
                 {"id", "description", "regex", "secretGroup", "entropy", "keywords", "path", "tags", "allowlist",
                  "allowlists", "skipReport", "required"},
                 context);
    rule.description = value<std::string>(table, "description").value_or("");
    rule.regex = value<std::string>(table, "regex").value_or("");
    rule.path = value<std::string>(table, "path").value_or("");
    if (const auto group = value<int64_t>(table, "secretGroup"); group && *group > 0) {
      rule.secret_group = static_cast<int>(*group);
    }
    rule.min_entropy = value<double>(table, "entropy").value_or(0.0);
    rule.strict_entropy = true;  // gitleaks: entropy must exceed the threshold, at any length
    for (auto& keyword : strings(table, "keywords")) rule.keywords.push_back(lower(std::move(keyword)));
    rule.keyword_distance = 0;     // gitleaks: a keyword anywhere in the item
    (void)strings(table, "tags");  // metadata gitleaks prints; checked for type only
    rule.skip_report = value<bool>(table, "skipReport").value_or(false);
    rule.required = required(table, context);
    rule.allowlists = allowlists(table, context, nullptr);
    return rule;
  }
};

// `base` relative to where keyward runs, as gitleaks reads it, else (keyward's earlier reading, which also finds
// it when the config was discovered in another directory) relative to the extending config.
std::string extended_path(const std::string& config, const std::string& base) {
  std::error_code ec;
  if (std::filesystem::path(base).is_absolute() || std::filesystem::is_regular_file(base, ec)) return base;
  return (std::filesystem::path(config).parent_path() / base).string();
}

Expected<GitleaksConfig> load(const std::string& path, int depth) {
  if (depth > kMaxExtendDepth) return fail(fmt::format("{}: [extend] path nests too deeply", path));
  if (!std::filesystem::is_regular_file(path)) return fail(fmt::format("{}: cannot read gitleaks config", path));
  toml::table document;
  try {
    document = toml::parse(read_text(path), path);
  } catch (const toml::parse_error& e) {
    return fail(fmt::format("{}:{}:{}: {}", path, e.source().begin.line, e.source().begin.column, e.description()));
  }
  GitleaksConfig config;
  std::vector<std::string> errors;
  std::vector<std::string> notes;
  Reader reader{.file = path, .errors = errors, .notes = notes};
  reader.unknown_keys(document, {"title", "description", "extend", "rules", "allowlist", "allowlists", "minVersion"},
                      "");

  std::vector<engine::Rule> own;
  if (const toml::node* rules = document.get("rules")) {
    if (const auto* array = rules->as_array()) {
      for (const auto& item : *array) {
        const auto* table = item.as_table();
        if (table == nullptr) {
          errors.push_back(fmt::format("{}: rules must hold tables ([[rules]])", reader.where(item)));
          continue;
        }
        if (auto rule = reader.rule(*table)) {
          // A later rule of the same id in one file replaces the earlier one, as in gitleaks.
          std::erase_if(own, [&](const engine::Rule& r) { return r.id == rule->id; });
          own.push_back(std::move(*rule));
        }
      }
    } else {
      errors.push_back(fmt::format("{}: rules must be an array of tables ([[rules]])", reader.where(*rules)));
    }
  }
  std::vector<std::vector<std::string>> targets;
  auto global = reader.allowlists(document, "[[allowlists]] ", &targets);

  std::vector<std::string> disabled;
  if (const auto* extend = document["extend"].as_table()) {
    reader.unknown_keys(*extend, {"useDefault", "path", "url", "disabledRules"}, "[extend] ");
    config.use_default = reader.value<bool>(*extend, "useDefault").value_or(false);
    disabled = reader.strings(*extend, "disabledRules");
    if (extend->contains("url")) {
      notes.push_back(fmt::format("{}: [extend] url is not supported (keyward fetches nothing)", path));
    }
    if (const auto base = reader.value<std::string>(*extend, "path")) {
      if (config.use_default) {
        return fail(fmt::format("{}: [extend] useDefault and path cannot both be set", path));
      }
      auto parent = load(extended_path(path, *base), depth + 1);
      if (!parent) return parent;
      config.use_default = parent->use_default;
      config.rules = std::move(parent->rules);
      config.targeted = std::move(parent->targeted);
    }
  }
  if (!errors.empty()) return fail(errors);

  extend_rules(config.rules.rules, std::move(own));
  for (std::size_t i = 0; i < global.size(); ++i) {
    if (targets[i].empty()) {
      config.rules.allowlists.push_back(std::move(global[i]));
    } else {
      config.targeted.push_back({.rule_ids = std::move(targets[i]), .allowlist = std::move(global[i])});
    }
  }
  for (auto& id : disabled) config.rules.disabled_rules.push_back(std::move(id));
  for (auto& note : notes) config.rules.notes.push_back(std::move(note));
  return config;
}

}  // namespace

bool looks_like_gitleaks(std::string_view text) {
  try {
    const toml::table document = toml::parse(text);
    if (document.contains("title") || document.contains("extend") || document.contains("allowlists")) return true;
    if (const auto* rules = document["rules"].as_array()) {
      for (const auto& item : *rules) {
        const auto* t = item.as_table();
        if (t != nullptr && (t->contains("secretGroup") || t->contains("tags") || t->contains("path") ||
                             t->contains("allowlists") || t->contains("required") || t->contains("skipReport"))) {
          return true;
        }
      }
    }
  } catch (const toml::parse_error&) {
    return false;
  }
  return false;
}

Expected<GitleaksConfig> load_gitleaks_config(const std::string& path) { return load(path, 0); }

void extend_rules(std::vector<engine::Rule>& base, std::vector<engine::Rule> rules) {
  for (auto& rule : rules) {
    const auto found = std::find_if(base.begin(), base.end(), [&](const engine::Rule& r) { return r.id == rule.id; });
    if (found == base.end()) {
      base.push_back(std::move(rule));
      continue;
    }
    engine::Rule& into = *found;
    if (!rule.description.empty()) into.description = std::move(rule.description);
    if (!rule.regex.empty()) {
      into.regex = std::move(rule.regex);
      into.secret_group = rule.secret_group;
      // What was tied to the old pattern (its triggers, its format's checksums) no longer holds.
      into.triggers.clear();
      into.checks.clear();
    } else if (rule.secret_group) {
      into.secret_group = rule.secret_group;
    }
    if (!rule.path.empty()) into.path = std::move(rule.path);
    if (rule.min_entropy != 0.0) {
      into.min_entropy = rule.min_entropy;
      into.strict_entropy = rule.strict_entropy;
    }
    if (!rule.keywords.empty()) into.triggers.clear();  // keywords gate it now; a rule takes one or the other
    for (auto& keyword : rule.keywords) into.keywords.push_back(std::move(keyword));
    for (auto& allowlist : rule.allowlists) into.allowlists.push_back(std::move(allowlist));
    for (auto& requirement : rule.required) into.required.push_back(std::move(requirement));
    into.skip_report = into.skip_report || rule.skip_report;
    into.source = rule.source;
  }
}

void finish_gitleaks_rules(RuleFile& file, const std::vector<TargetedAllowlist>& targeted,
                           const std::string& config_path) {
  for (const auto& target : targeted) {
    for (const auto& id : target.rule_ids) {
      const auto found =
          std::find_if(file.rules.begin(), file.rules.end(), [&](const engine::Rule& r) { return r.id == id; });
      if (found == file.rules.end()) {
        file.notes.push_back(
            fmt::format("{}: [[allowlists]] targetRules: keyward has no rule '{}'; ignored for it", config_path, id));
        continue;
      }
      found->allowlists.push_back(target.allowlist);
    }
  }
  std::erase_if(file.rules, [&](const engine::Rule& rule) {
    if (!rule.regex.empty() || !rule.path.empty()) return false;
    file.notes.push_back(
        fmt::format("{}: rule {} sets neither regex nor path and keyward has no rule '{}' for it to "
                    "extend; skipped",
                    rule.source, rule.id, rule.id));
    return true;
  });
  for (auto& rule : file.rules) {
    if (rule.description.empty()) rule.description = rule.id;
  }
}

}  // namespace keyward::config
