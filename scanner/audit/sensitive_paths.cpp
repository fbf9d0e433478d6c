#include "scanner/audit/sensitive_paths.h"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <re2/re2.h>
#include <toml++/toml.h>

#include "scanner/audit/builtin_sensitive_paths.h"
#include "scanner/audit/path_glob.h"
#include "scanner/config/gitleaks.h"

namespace keyward::audit {
namespace {

const std::set<std::string> kEntryKeys = {"id",      "description", "patterns",         "except",
                                          "content", "examples",    "negative_examples"};
const std::set<std::string> kAuditKeys = {"paths", "disabled"};

// Problems of one entry (or of a table's own keys), each as "FILE:LINE: ENTRY: what", LINE being that of the key
// at fault or else the entry's.
struct Problems {
  std::string file;
  std::string entry;  // empty for a table's own keys
  std::uint32_t line = 1;
  std::vector<std::string>& out;
  void add(const std::string& message) { add_at(line, message); }
  void add(const toml::node& node, const std::string& message) { add_at(node.source().begin.line, message); }
  void add_at(std::uint32_t at, const std::string& message) {
    out.push_back(entry.empty() ? fmt::format("{}:{}: {}", file, at, message)
                                : fmt::format("{}:{}: {}: {}", file, at, entry, message));
  }
};

std::vector<std::string> strings(const toml::node* node, const char* key, Problems& problems) {
  std::vector<std::string> out;
  if (node == nullptr) return out;
  const auto* array = node->as_array();
  if (array == nullptr) {
    problems.add(*node, fmt::format("{} must be an array of strings", key));
    return out;
  }
  for (const auto& item : *array) {
    if (const auto* s = item.as_string()) {
      out.push_back(s->get());
    } else {
      problems.add(item, fmt::format("{} must hold only strings", key));
    }
  }
  return out;
}

bool valid_id(std::string_view id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::optional<SensitivePath> parse_entry(const toml::table& table, const std::string& name, std::size_t index,
                                         std::vector<std::string>& errors) {
  const std::size_t errors_before = errors.size();
  SensitivePath entry;
  entry.source = name;
  entry.id = table["id"].value_or(std::string());
  Problems problems{.file = name,
                    .entry = entry.id.empty() ? fmt::format("paths[{}]", index) : entry.id,
                    .line = table.source().begin.line,
                    .out = errors};
  if (!valid_id(entry.id)) problems.add("id must be [a-z0-9-]+");
  for (const auto& [key, value] : table) {
    if (!kEntryKeys.contains(std::string(key.str()))) problems.add(value, fmt::format("unknown key '{}'", key.str()));
  }
  entry.description = table["description"].value_or(std::string());
  if (entry.description.empty()) problems.add("description is required");
  entry.patterns = strings(table.get("patterns"), "patterns", problems);
  entry.except = strings(table.get("except"), "except", problems);
  entry.content = strings(table.get("content"), "content", problems);
  entry.examples = strings(table.get("examples"), "examples", problems);
  entry.negative_examples = strings(table.get("negative_examples"), "negative_examples", problems);
  if (entry.patterns.empty()) problems.add("patterns must not be empty");
  for (const auto& pattern : entry.patterns) {
    // A negation would un-ignore files once --fix appends it; an empty pattern would match nothing.
    if (pattern.empty() || pattern.front() == '!' || pattern.front() == '#' || probe_path(pattern).empty()) {
      problems.add(*table.get("patterns"), fmt::format("'{}' is not a usable pattern", pattern));
    }
  }
  for (const auto& regex : entry.content) {
    const RE2 re(regex, RE2::Quiet);
    if (!re.ok()) problems.add(*table.get("content"), fmt::format("content regex '{}': {}", regex, re.error()));
  }
  if (errors.size() != errors_before) return std::nullopt;
  return entry;
}

void parse_entries(const toml::node* node, const std::string& name, const char* key, SensitivePaths& out,
                   std::vector<std::string>& errors) {
  if (node == nullptr) return;
  Problems problems{.file = name, .entry = {}, .line = 1, .out = errors};
  const auto* array = node->as_array();
  if (array == nullptr) {
    problems.add(*node, fmt::format("{} must be an array of tables", key));
    return;
  }
  for (std::size_t i = 0; i < array->size(); ++i) {
    const auto* table = (*array)[i].as_table();
    if (table == nullptr) {
      problems.add((*array)[i], fmt::format("{}[{}] is not a table", key, i));
      continue;
    }
    if (auto entry = parse_entry(*table, name, i, errors)) out.push_back(std::move(*entry));
  }
}

Expected<toml::table> parse_toml(std::string_view text, const std::string& name) {
  try {
    return toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    return fail(fmt::format("{}:{}:{}: {}", name, e.source().begin.line, e.source().begin.column, e.description()));
  }
}

}  // namespace

Expected<SensitivePaths> parse_sensitive_paths(std::string_view text, const std::string& name) {
  auto document = parse_toml(text, name);
  if (!document) return tl::unexpected(document.error());
  std::vector<std::string> errors;
  for (const auto& [key, value] : *document) {
    if (key.str() != "paths") {
      errors.push_back(fmt::format("{}:{}: unknown top-level key '{}'", name, value.source().begin.line, key.str()));
    }
  }
  SensitivePaths list;
  parse_entries(document->get("paths"), name, "paths", list, errors);
  if (!errors.empty()) return fail(errors);
  return list;
}

Expected<SensitivePaths> load_builtin_sensitive_paths() {
  SensitivePaths all;
  for (const auto& file : builtin_sensitive_path_files()) {
    auto parsed = parse_sensitive_paths(file.bytes, std::string(file.name));
    if (!parsed) return tl::unexpected(parsed.error());
    for (auto& entry : *parsed) all.push_back(std::move(entry));
  }
  return all;
}

Expected<SensitivePaths> load_sensitive_paths(const std::optional<std::string>& config_path) {
  auto all = load_builtin_sensitive_paths();
  if (!all || !config_path) return all;
  std::ifstream in(*config_path, std::ios::binary);
  if (!in) return fail(fmt::format("{}: cannot read config", *config_path));
  std::ostringstream text;
  text << in.rdbuf();
  if (config::looks_like_gitleaks(text.str())) return all;  // gitleaks has no audit settings
  auto document = parse_toml(text.str(), *config_path);
  if (!document) return tl::unexpected(document.error());
  const toml::node* audit = document->get("audit");
  if (audit == nullptr) return all;
  const auto* table = audit->as_table();
  std::vector<std::string> errors;
  Problems problems{.file = *config_path, .entry = {}, .line = 1, .out = errors};
  if (table == nullptr) {
    problems.add(*audit, "audit must be a table ([audit])");
    return fail(errors);
  }
  for (const auto& [key, value] : *table) {
    if (!kAuditKeys.contains(std::string(key.str()))) {
      problems.add(value, fmt::format("unknown key 'audit.{}'", key.str()));
    }
  }
  const auto disabled = strings(table->get("disabled"), "audit.disabled", problems);
  SensitivePaths extra;
  parse_entries(table->get("paths"), *config_path, "audit.paths", extra, errors);
  for (std::size_t i = 0; i < disabled.size(); ++i) {
    const auto known = [&](const SensitivePath& e) { return e.id == disabled[i]; };
    if (std::none_of(all->begin(), all->end(), known) && std::none_of(extra.begin(), extra.end(), known)) {
      problems.add(*table->get("disabled")->as_array()->get(i),
                   fmt::format("audit.disabled names an unknown entry '{}'", disabled[i]));
    }
  }
  if (!errors.empty()) return fail(errors);
  std::erase_if(*all, [&](const SensitivePath& builtin) {
    return std::any_of(extra.begin(), extra.end(), [&](const auto& e) { return e.id == builtin.id; });
  });
  for (auto& entry : extra) all->push_back(std::move(entry));
  std::erase_if(*all, [&](const SensitivePath& e) {
    return std::find(disabled.begin(), disabled.end(), e.id) != disabled.end();
  });
  return all;
}

std::optional<PathMatch> match_path(const SensitivePaths& list, std::string_view path) {
  for (const auto& entry : list) {
    const auto matches = [&](const std::string& pattern) { return glob_matches(pattern, path); };
    if (std::any_of(entry.except.begin(), entry.except.end(), matches)) continue;
    const auto hit = std::find_if(entry.patterns.begin(), entry.patterns.end(), matches);
    if (hit != entry.patterns.end()) return PathMatch{.entry = &entry, .pattern = *hit};
  }
  return std::nullopt;
}

bool content_qualifies(const SensitivePath& entry, std::string_view bytes) {
  if (entry.content.empty()) return true;
  return std::any_of(entry.content.begin(), entry.content.end(), [&](const std::string& regex) {
    const RE2 re(regex, RE2::Quiet);
    return re.ok() && RE2::PartialMatch(bytes, re);
  });
}

}  // namespace keyward::audit
