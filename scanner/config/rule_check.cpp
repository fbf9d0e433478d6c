#include "scanner/config/rule_check.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "scanner/config/config.h"
#include "scanner/scan.h"

namespace keyward::config {
namespace {

std::string shorten(std::string_view text) {
  std::string out(text.substr(0, 60));
  std::replace(out.begin(), out.end(), '\n', ' ');
  return text.size() > 60 ? out + "…" : out;
}

}  // namespace

Expected<RuleCheckResult> check_rules(const RuleFile& under_test, const RuleFile& context, ExampleCount count) {
  RuleFile all;
  std::set<std::string> tested_ids;
  for (const auto& rule : under_test.rules) tested_ids.insert(rule.id);
  append(all, RuleFile{.rules = {}, .allowlists = context.allowlists, .disabled_rules = {}, .notes = {}});
  for (const auto& rule : context.rules) {
    if (!tested_ids.contains(rule.id)) all.rules.push_back(rule);
  }
  append(all, under_test);
  all.disabled_rules.clear();
  auto compiled = compile_rules(all);
  if (!compiled) return tl::unexpected(compiled.error());

  RuleCheckResult result;
  for (const auto& rule : under_test.rules) {
    ++result.rules;
    const std::string where = fmt::format("{}: {}", rule.source, rule.id);
    if (count == ExampleCount::kRequireTwo && (rule.examples.size() < 2 || rule.negative_examples.size() < 2)) {
      result.problems.push_back(fmt::format("{}: needs at least two examples and two negative examples", where));
    }
    auto findings_of_category = [&](const std::string& text) {
      std::set<std::string> ids;
      for (const auto& f : scan_bytes(*compiled, "example", text, 0).findings) {
        if (f.category == rule.category) ids.insert(f.rule_id);
      }
      return ids;
    };
    for (const auto& example : rule.examples) {
      ++result.examples;
      const auto ids = findings_of_category(example);
      if (!ids.contains(rule.id)) {
        result.problems.push_back(fmt::format("{}: example not found: {}", where, shorten(example)));
      }
      for (const auto& other : ids) {
        if (other != rule.id) {
          result.problems.push_back(fmt::format("{}: example also found by {}: {}", where, other, shorten(example)));
        }
      }
    }
    for (const auto& negative : rule.negative_examples) {
      ++result.negative_examples;
      for (const auto& other : findings_of_category(negative)) {
        result.problems.push_back(fmt::format("{}: negative example found by {}: {}", where, other, shorten(negative)));
      }
    }
  }
  return result;
}

}  // namespace keyward::config
