// SARIF 2.1.0 for code scanning: one run, one `rules` entry per rule that has a result (in rule-id order), one
// result per finding with its location, a partial fingerprint (the finding's) and, for git sources, the commit
// in `properties`. Formats a finished Report only.
#include <cctype>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "scanner/report/reporters.h"

namespace keyward::report {
namespace {

using Json = nlohmann::ordered_json;

const char* level_of(engine::Severity severity) {
  switch (severity) {
    case engine::Severity::kCritical:
    case engine::Severity::kHigh:
      return "error";
    case engine::Severity::kMedium:
      return "warning";
    case engine::Severity::kLow:
      return "note";
  }
  return "warning";
}

// "mistral-api-key" -> "MistralApiKey": SARIF's `name` is an identifier, not a sentence.
std::string rule_name(std::string_view id) {
  std::string name;
  bool upper = true;
  for (char c : id) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) {
      upper = true;
      continue;
    }
    name += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return name;
}

// A relative path as a URI reference: unreserved bytes and '/' as they are, every other byte percent-encoded.
// An absolute path becomes a file:// URI.
std::string path_uri(std::string_view path) {
  std::string uri = path.starts_with('/') ? "file://" : "";
  for (unsigned char c : path) {
    if (std::isalnum(c) != 0 || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
      uri += static_cast<char>(c);
    } else {
      uri += fmt::format("%{:02X}", c);
    }
  }
  return uri;
}

std::string help_text(const Finding& f) {
  if (!f.message.empty()) return f.message;
  return "Remove the secret from the file and rotate it: it may have been copied already. A false positive is "
         "allowed by a `keyward:allow` comment on its line, or by a baseline (`keyward baseline`).";
}

Json rule_json(const Finding& f) {
  return Json{{"id", f.rule_id},
              {"name", rule_name(f.rule_id)},
              {"shortDescription", Json{{"text", f.description}}},
              {"help", Json{{"text", help_text(f)}}},
              {"defaultConfiguration", Json{{"level", level_of(f.severity)}}},
              {"properties", Json{{"category", engine::to_string(f.category)},
                                  {"severity", engine::to_string(f.severity)},
                                  {"tags", Json::array({"security", engine::to_string(f.category)})}}}};
}

std::string message_text(const Finding& f) {
  if (f.secret.empty()) return f.message.empty() ? f.description + "." : f.description + ": " + f.message;
  return fmt::format("{} found: {}{}.", f.description, f.secret, f.encoding.empty() ? "" : " (" + f.encoding + ")");
}

Json result_json(const Finding& f, std::size_t rule_index) {
  Json physical{{"artifactLocation", Json{{"uri", path_uri(f.path)}}}};
  if (f.line > 0) {
    physical["region"] =
        Json{{"startLine", f.line}, {"startColumn", f.column}, {"endLine", f.end_line}, {"endColumn", f.end_column}};
  }
  Json result{{"ruleId", f.rule_id},
              {"ruleIndex", rule_index},
              {"level", level_of(f.severity)},
              {"message", Json{{"text", message_text(f)}}},
              {"locations", Json::array({Json{{"physicalLocation", std::move(physical)}}})}};
  if (!f.fingerprint.empty()) result["partialFingerprints"] = Json{{"keywardFingerprint/v1", f.fingerprint}};
  Json properties{{"severity", engine::to_string(f.severity)}};
  if (!f.secret.empty()) properties["secret"] = f.secret;
  if (!f.encoding.empty()) properties["encoding"] = f.encoding;
  if (!f.git.commit.empty()) {
    properties["commit"] = f.git.commit;
    properties["author"] = f.git.author;
    properties["email"] = f.git.email;
    properties["date"] = f.git.date;
  }
  result["properties"] = std::move(properties);
  return result;
}

}  // namespace

void write_sarif(const Report& report, std::ostream& out) {
  std::map<std::string, const Finding*> first_by_rule;
  for (const auto& f : report.findings) first_by_rule.emplace(f.rule_id, &f);
  Json rules = Json::array();
  std::map<std::string, std::size_t> rule_index;
  for (const auto& [id, finding] : first_by_rule) {
    rule_index.emplace(id, rules.size());
    rules.push_back(rule_json(*finding));
  }
  Json results = Json::array();
  for (const auto& f : report.findings) results.push_back(result_json(f, rule_index.at(f.rule_id)));
  Json notifications = Json::array();
  for (const auto& d : report.diagnostics) {
    notifications.push_back(Json{{"level", "error"}, {"message", Json{{"text", d.origin + ": " + d.message}}}});
  }
  const Json document{
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs",
       Json::array({Json{{"tool", Json{{"driver", Json{{"name", "keyward"},
                                                       {"semanticVersion", KEYWARD_VERSION},
                                                       {"rules", std::move(rules)}}}}},
                         {"invocations", Json::array({Json{{"executionSuccessful", report.diagnostics.empty()},
                                                           {"toolExecutionNotifications", std::move(notifications)}}})},
                         {"results", std::move(results)}}})}};
  out << document.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

}  // namespace keyward::report
