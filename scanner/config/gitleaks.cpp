#include "scanner/config/gitleaks.h"

#include <filesystem>
#include <fstream>
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

  void unknown_keys(const toml::table& table, const std::set<std::string>& known, const std::string& context) {
    for (const auto& [key, value] : table) {
      if (!known.contains(std::string(key.str()))) {
        notes.push_back(fmt::format("{}: {}'{}' is not supported and was ignored", where(value), context, key.str()));
      }
    }
  }

  // One gitleaks allowlist table; returns nothing for parts keyward cannot honour (after a note).
  std::optional<engine::Allowlist> allowlist(const toml::table& table, const std::string& context) {
    unknown_keys(table,
                 {"description", "regexes", "regexTarget", "stopwords", "paths", "commits", "condition", "targetRules"},
                 context);
    engine::Allowlist out;
    out.regexes = strings(table, "regexes");
    out.stopwords = strings(table, "stopwords");
    out.paths = strings(table, "paths");
    if (const auto target = table["regexTarget"].value<std::string>()) {
      if (*target == "match") {
        out.regex_target = engine::RegexTarget::kMatch;
      } else if (*target == "line") {
        out.regex_target = engine::RegexTarget::kLine;
      } else if (*target != "secret") {
        errors.push_back(
            fmt::format("{}: regexTarget must be secret, match or line", where(*table.get("regexTarget"))));
      }
    }
    if (table.contains("commits")) {
      notes.push_back(fmt::format("{}: {}commits allowlists apply to git history scans only and were ignored",
                                  where(*table.get("commits")), context));
    }
    if (const auto condition = table["condition"].value<std::string>(); condition && *condition == "AND") {
      const int parts = !out.regexes.empty() + !out.stopwords.empty() + !out.paths.empty();
      if (parts > 1) {
        notes.push_back(
            fmt::format("{}: {}condition = \"AND\" across several kinds of entry is not supported; "
                        "this allowlist was ignored",
                        where(*table.get("condition")), context));
        return std::nullopt;
      }
    }
    if (table.contains("targetRules")) {
      notes.push_back(fmt::format("{}: {}targetRules is not supported; the allowlist applies to every rule",
                                  where(*table.get("targetRules")), context));
    }
    return out;
  }

  // gitleaks allows one allowlist table or an array of them, under two names.
  std::vector<engine::Allowlist> allowlists(const toml::table& owner, const std::string& context) {
    std::vector<engine::Allowlist> out;
    if (const auto* single = owner["allowlist"].as_table()) {
      if (auto a = allowlist(*single, context)) out.push_back(std::move(*a));
    }
    if (const auto* many = owner["allowlists"].as_array()) {
      for (const auto& item : *many) {
        if (const auto* table = item.as_table()) {
          if (auto a = allowlist(*table, context)) out.push_back(std::move(*a));
        }
      }
    }
    return out;
  }
};

void merge_allowlist(engine::Allowlist& into, const engine::Allowlist& from) {
  into.regexes.insert(into.regexes.end(), from.regexes.begin(), from.regexes.end());
  into.stopwords.insert(into.stopwords.end(), from.stopwords.begin(), from.stopwords.end());
  into.paths.insert(into.paths.end(), from.paths.begin(), from.paths.end());
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
  Reader reader{.file = path, .errors = errors, .notes = config.rules.notes};
  reader.unknown_keys(document, {"title", "description", "extend", "rules", "allowlist", "allowlists", "minVersion"},
                      "");

  if (const auto* extend = document["extend"].as_table()) {
    reader.unknown_keys(*extend, {"useDefault", "path", "url", "disabledRules"}, "[extend] ");
    config.use_default = extend->get("useDefault") != nullptr && extend->get("useDefault")->value_or(false);
    config.rules.disabled_rules = reader.strings(*extend, "disabledRules");
    if (extend->contains("url")) {
      config.rules.notes.push_back(fmt::format("{}: [extend] url is not supported (keyward fetches nothing)", path));
    }
    if (const auto base = (*extend)["path"].value<std::string>()) {
      const auto base_path = std::filesystem::path(path).parent_path() / *base;
      auto parent = load(base_path.string(), depth + 1);
      if (!parent) return parent;
      config.use_default = config.use_default || parent->use_default;
      append(config.rules, std::move(parent->rules));
    }
  }

  for (const auto& global : reader.allowlists(document, "[allowlist] "))
    merge_allowlist(config.rules.allowlist, global);

  if (const auto* rules = document["rules"].as_array()) {
    for (const auto& item : *rules) {
      const auto* table = item.as_table();
      if (table == nullptr) continue;
      engine::Rule rule;
      rule.source = path;
      rule.id = (*table)["id"].value_or(std::string());
      const std::string context = fmt::format("rule {}: ", rule.id);
      reader.unknown_keys(*table,
                          {"id", "description", "regex", "secretGroup", "entropy", "keywords", "path", "tags",
                           "allowlist", "allowlists", "skipReport"},
                          context);
      rule.description = (*table)["description"].value_or(rule.id);
      rule.regex = (*table)["regex"].value_or(std::string());
      if (rule.regex.empty()) {
        reader.notes.push_back(fmt::format("{}: {}path-only rules (no regex) are not supported; rule skipped",
                                           reader.where(*table), context));
        continue;
      }
      if (const auto group = (*table)["secretGroup"].value<int64_t>(); group && *group > 0) {
        rule.secret_group = static_cast<int>(*group);
      }
      rule.min_entropy = (*table)["entropy"].value_or(0.0);
      rule.keywords = reader.strings(*table, "keywords");
      rule.keyword_distance = 0;  // gitleaks: a keyword anywhere in the fragment
      if (table->contains("path")) {
        reader.notes.push_back(
            fmt::format("{}: {}'path' narrowing a regex rule is not supported; the rule runs on "
                        "every file",
                        reader.where(*table->get("path")), context));
      }
      for (const auto& a : reader.allowlists(*table, context)) {
        if (a.regex_target != engine::RegexTarget::kSecret && !rule.allowlist.regexes.empty() &&
            rule.allowlist.regex_target != a.regex_target) {
          reader.notes.push_back(fmt::format("{}: {}allowlists with different regexTargets: the first one is used",
                                             reader.where(*table), context));
        }
        if (rule.allowlist.regexes.empty()) rule.allowlist.regex_target = a.regex_target;
        merge_allowlist(rule.allowlist, a);
      }
      // A rule of the config replaces one of the same id from an extended config.
      std::erase_if(config.rules.rules, [&](const engine::Rule& r) { return r.id == rule.id; });
      config.rules.rules.push_back(std::move(rule));
    }
  }
  if (!errors.empty()) {
    return fail(errors);
  }
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
        if (t != nullptr && (t->contains("secretGroup") || t->contains("tags") || t->contains("path"))) return true;
      }
    }
  } catch (const toml::parse_error&) {
    return false;
  }
  return false;
}

Expected<GitleaksConfig> load_gitleaks_config(const std::string& path) { return load(path, 0); }

}  // namespace keyward::config
