// `keyward rules list` and `keyward rules check [FILE...]`.
#include <iostream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "scanner/cli/commands.h"
#include "scanner/cli/config_check.h"
#include "scanner/cli/rule_loading.h"
#include "scanner/config/config.h"
#include "scanner/config/rule_check.h"

namespace keyward::cli {

void add_rules_commands(CLI::App& app, RulesOptions& options, CLI::App*& list, CLI::App*& check) {
  CLI::App* rules = app.add_subcommand("rules", "List or check rules");
  rules->require_subcommand(1);
  list = rules->add_subcommand("list", "List the rules a scan would run");
  add_rule_options(*list, options.rule_options);
  list->add_option("-f,--format", options.format, "Output format")->check(CLI::IsMember({"text", "json"}));
  check = rules->add_subcommand("check", "Compile rules and prove their examples (default: the built-in rules)");
  check->add_option("files", options.files, "Rule files to check")->check(CLI::ExistingFile);
}

int run_rules_list(const RulesOptions& options) {
  const auto& rule_options = options.rule_options;
  if (!config_is_sound(rule_options.config ? rule_options.config : config::discover_config("."), rule_options.rules)) {
    return kExitError;
  }
  auto rules = load_rules(options.rule_options, ".");
  if (!rules) {
    print_error(rules.error().message);
    return kExitError;
  }
  if (options.format == "json") {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& r : rules->rules()) {
      out.push_back({{"id", r.rule.id},
                     {"description", r.rule.description},
                     {"category", engine::to_string(r.rule.category)},
                     {"severity", engine::to_string(r.rule.severity)},
                     {"source", r.rule.source}});
    }
    std::cout << out.dump(2) << '\n';
  } else {
    for (const auto& r : rules->rules()) {
      std::cout << fmt::format("{:<40} {:<13} {:<8} {}\n", r.rule.id, engine::to_string(r.rule.category),
                               engine::to_string(r.rule.severity), r.rule.description);
    }
    std::cout << fmt::format("{} rules\n", rules->rules().size());
  }
  return kExitClean;
}

int run_rules_check(const RulesOptions& options) {
  auto builtin = config::load_builtin_rules();
  if (!builtin) {
    print_error(builtin.error().message);
    return kExitError;
  }
  config::RuleFile under_test;
  if (options.files.empty()) {
    under_test = *builtin;
  } else {
    for (const auto& path : options.files) {
      auto file = config::load_rule_file(path);
      if (!file) {
        print_error(file.error().message);
        return kExitError;
      }
      config::append(under_test, std::move(*file));
    }
  }
  const auto count = options.files.empty() ? config::ExampleCount::kRequireTwo : config::ExampleCount::kAny;
  auto result = config::check_rules(under_test, *builtin, count);
  if (!result) {
    print_error(result.error().message);
    return kExitError;
  }
  for (const auto& problem : result->problems) std::cout << problem << '\n';
  std::cout << fmt::format("{} rules, {} examples, {} negative examples: {}\n", result->rules, result->examples,
                           result->negative_examples,
                           result->problems.empty() ? "ok" : fmt::format("{} problems", result->problems.size()));
  return result->problems.empty() ? kExitClean : kExitFindings;
}

}  // namespace keyward::cli
