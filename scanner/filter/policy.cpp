#include "scanner/filter/policy.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "scanner/config/phone.h"

namespace keyward::filter {
namespace {

// Keys are snake_case; "personal-data", as earlier READMEs spelt it, is read too, with a note.
const std::set<std::string> kFilterKeys = {"secret", "personal_data", "personal-data",   "rules",
                                           "env",    "default_env",   "max_input_bytes", "default_regions"};
const std::set<std::string> kEnvKeys = {"models", "max_tokens", "max_messages", "max_text_bytes"};

// What a loop over a missing table walks. Both arms of `t != nullptr ? *t : kNoTable` are lvalues, so the table is
// not copied: a copy's nodes lose their source lines, and errors would name line 0.
const toml::table kNoTable;

struct Problems {
  std::string name;
  std::vector<std::string> out;
  void add(const toml::node& node, const std::string& message) {
    out.push_back(fmt::format("{}:{}: {}", name, node.source().begin.line, message));
  }
};

std::optional<Action> read_action(const toml::node& node, const std::string& key, Problems& problems) {
  const auto* value = node.as_string();
  const auto action = value != nullptr ? action_named(value->get()) : std::nullopt;
  if (!action) problems.add(node, fmt::format("filter.{} must be \"block\", \"redact\", \"mask\" or \"allow\"", key));
  return action;
}

std::optional<std::uint64_t> read_count(const toml::node* node, const std::string& key, Problems& problems) {
  if (node == nullptr) return std::nullopt;
  const auto* value = node->as_integer();
  if (value == nullptr || value->get() < 0) {
    problems.add(*node, fmt::format("filter.{} must be a non-negative integer", key));
    return std::nullopt;
  }
  return static_cast<std::uint64_t>(value->get());
}

RequestLimits read_env(const std::string& env, const toml::node& node, Problems& problems) {
  RequestLimits limits;
  const auto* table = node.as_table();
  if (table == nullptr) {
    problems.add(node, fmt::format("filter.env.{} must be a table", env));
    return limits;
  }
  for (const auto& [key, value] : *table) {
    if (!kEnvKeys.contains(std::string(key.str()))) {
      problems.add(value, fmt::format("unknown key 'filter.env.{}.{}'", env, key.str()));
    }
  }
  if (const toml::node* models = table->get("models")) {
    const auto* array = models->as_array();
    if (array == nullptr) problems.add(*models, fmt::format("filter.env.{}.models must be an array of strings", env));
    for (std::size_t i = 0; array != nullptr && i < array->size(); ++i) {
      if (const auto* model = (*array)[i].as_string()) {
        limits.models.push_back(model->get());
      } else {
        problems.add((*array)[i], fmt::format("filter.env.{}.models must hold only strings", env));
      }
    }
  }
  limits.max_tokens = read_count(table->get("max_tokens"), "env." + env + ".max_tokens", problems);
  limits.max_messages = read_count(table->get("max_messages"), "env." + env + ".max_messages", problems);
  limits.max_text_bytes = read_count(table->get("max_text_bytes"), "env." + env + ".max_text_bytes", problems);
  return limits;
}

// default_regions = ["FR", "BE"]: regions libphonenumber knows, by their ISO 3166 code.
void read_regions(const toml::node& node, Policy& policy, Problems& problems) {
  const auto* array = node.as_array();
  if (array == nullptr) {
    problems.add(node, "filter.default_regions must be an array of region codes ([\"FR\"])");
    return;
  }
  for (const auto& item : *array) {
    const auto* region = item.as_string();
    if (region == nullptr || !config::known_phone_region(region->get())) {
      problems.add(item,
                   "filter.default_regions: each entry must be a region code libphonenumber knows (\"FR\", \"GB\")");
      continue;
    }
    policy.default_regions.push_back(region->get());
  }
}

void read_filter(const toml::table& table, Policy& policy, Problems& problems) {
  for (const auto& [key, value] : table) {
    if (!kFilterKeys.contains(std::string(key.str()))) {
      problems.add(value, fmt::format("unknown key 'filter.{}'", key.str()));
    }
  }
  if (const toml::node* node = table.get("secret")) {
    if (auto action = read_action(*node, "secret", problems)) policy.secret_action = *action;
  }
  const toml::node* personal_data = table.get("personal_data");
  if (const toml::node* other = table.get("personal-data")) {
    if (personal_data != nullptr) {
      problems.add(*other, "filter.personal-data is filter.personal_data spelt the other way: keep one");
    } else {
      personal_data = other;
      policy.notes.push_back(fmt::format("{}:{}: filter.personal-data is spelt personal_data now (both work)",
                                         problems.name, other->source().begin.line));
    }
  }
  if (personal_data != nullptr) {
    if (auto action = read_action(*personal_data, "personal_data", problems)) policy.personal_data_action = *action;
  }
  if (const toml::node* node = table.get("rules")) {
    const auto* rules = node->as_table();
    if (rules == nullptr) problems.add(*node, "filter.rules must be a table of rule id = action");
    for (const auto& [id, value] : rules != nullptr ? *rules : kNoTable) {
      if (auto action = read_action(value, "rules." + std::string(id.str()), problems)) {
        policy.rules[std::string(id.str())] = *action;
      }
    }
  }
  if (const toml::node* node = table.get("env")) {
    const auto* envs = node->as_table();
    if (envs == nullptr) problems.add(*node, "filter.env must hold one table per environment ([filter.env.prod])");
    for (const auto& [env, value] : envs != nullptr ? *envs : kNoTable) {
      policy.environments[std::string(env.str())] = read_env(std::string(env.str()), value, problems);
    }
  }
  if (const toml::node* node = table.get("default_env")) {
    if (const auto* env = node->as_string()) {
      policy.default_env = env->get();
      if (!policy.environments.contains(policy.default_env)) {
        problems.add(*node, fmt::format("filter.default_env names '{}', which no [filter.env.{}] defines",
                                        policy.default_env, policy.default_env));
      }
    } else {
      problems.add(*node, "filter.default_env must be a string");
    }
  }
  if (auto bytes = read_count(table.get("max_input_bytes"), "max_input_bytes", problems)) {
    policy.max_input_bytes = *bytes;
  }
  if (const toml::node* node = table.get("default_regions")) read_regions(*node, policy, problems);
}

}  // namespace

const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::kAllowed:
      return "allowed";
    case Verdict::kRedacted:
      return "redacted";
    case Verdict::kBlocked:
      return "blocked";
  }
  return "blocked";
}

const char* to_string(Action action) {
  switch (action) {
    case Action::kAllow:
      return "allow";
    case Action::kMask:
      return "mask";
    case Action::kRedact:
      return "redact";
    case Action::kBlock:
      return "block";
  }
  return "block";
}

std::optional<Action> action_named(std::string_view name) {
  for (Action action : {Action::kAllow, Action::kMask, Action::kRedact, Action::kBlock}) {
    if (name == to_string(action)) return action;
  }
  return std::nullopt;
}

Action action_for(const Policy& policy, const engine::Rule& rule) {
  if (auto it = policy.rules.find(rule.id); it != policy.rules.end()) return it->second;
  return rule.category == engine::Category::kSecret ? policy.secret_action : policy.personal_data_action;
}

bool model_allowed(const RequestLimits& limits, std::string_view model) {
  if (limits.models.empty()) return true;
  return std::any_of(limits.models.begin(), limits.models.end(),
                     [&](const std::string& allowed) { return allowed == "*" || allowed == model; });
}

Expected<RequestLimits> limits_for(const Policy& policy, const std::string& env) {
  const std::string& name = env.empty() ? policy.default_env : env;
  if (name.empty()) return RequestLimits{};
  auto it = policy.environments.find(name);
  if (it == policy.environments.end()) {
    return fail(fmt::format("the filter policy defines no environment '{}' (add [filter.env.{}])", name, name));
  }
  return it->second;
}

Expected<Policy> parse_policy(std::string_view toml_text, const std::string& name, FilterTable filter_table) {
  toml::table document;
  try {
    document = toml::parse(toml_text, name);
  } catch (const toml::parse_error& e) {
    return fail(fmt::format("{}:{}:{}: {}", name, e.source().begin.line, e.source().begin.column, e.description()));
  }
  Policy policy;
  const toml::node* node = document.get("filter");
  if (node == nullptr && filter_table == FilterTable::kRequired) {
    return fail(
        fmt::format("{}: no [filter] table: a policy file sets the policy in one, as .keyward.toml does", name));
  }
  if (node == nullptr) return policy;
  Problems problems{.name = name, .out = {}};
  if (const auto* table = node->as_table()) {
    read_filter(*table, policy, problems);
  } else {
    problems.add(*node, "filter must be a table ([filter])");
  }
  if (!problems.out.empty()) return fail(problems.out);
  return policy;
}

Expected<Policy> load_policy(const std::string& path, FilterTable filter_table) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(fmt::format("{}: cannot read policy", path));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_policy(text.str(), path, filter_table);
}

}  // namespace keyward::filter
