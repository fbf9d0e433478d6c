#include "scanner/cli/parse_errors.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <CLI/CLI.hpp>

#include "scanner/cli/suggest.h"

namespace keyward::cli {
namespace {

// Where the arguments went wrong: the deepest command they name, and the first word it does not know.
struct Context {
  CLI::App* command = nullptr;
  std::string command_line = "keyward";  // "keyward rules"
  std::string unknown_command;           // a word where one of the command's subcommands was expected
  std::string unknown_option;            // an option the command does not have
};

bool is_option(const std::string& arg) { return arg.size() > 1 && arg.front() == '-'; }

CLI::App* subcommand_named(CLI::App& app, const std::string& name) {
  for (CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_name() == name) return sub;
  }
  return nullptr;
}

Context locate(CLI::App& app, const std::vector<std::string>& args) {
  Context context;
  context.command = &app;
  bool value_next = false;
  for (const std::string& arg : args) {
    if (arg == "--") break;
    if (value_next) {
      value_next = false;
      continue;
    }
    if (is_option(arg)) {
      const bool long_option = arg.starts_with("--");
      const bool inline_value = long_option ? arg.find('=') != std::string::npos : arg.size() > 2;  // -j4, -fjson
      const std::string name = long_option ? arg.substr(0, arg.find('=')) : arg.substr(0, 2);
      const CLI::Option* option = context.command->get_option_no_throw(name);
      if (option == nullptr) {
        context.unknown_option = name;
        break;
      }
      value_next = option->get_expected_min() > 0 && !inline_value;
      continue;
    }
    if (context.command->get_subcommands({}).empty()) continue;  // an argument of the command
    CLI::App* sub = subcommand_named(*context.command, arg);
    if (sub == nullptr) {
      context.unknown_command = arg;
      break;
    }
    context.command = sub;
    context.command_line += " " + arg;
  }
  return context;
}

std::vector<std::string> subcommand_names(CLI::App& app) {
  std::vector<std::string> names;
  for (CLI::App* sub : app.get_subcommands({})) names.push_back(sub->get_name());
  return names;
}

std::vector<std::string> option_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* option : app.get_options()) {
    for (const auto& name : option->get_lnames()) names.push_back("--" + name);
    for (const auto& name : option->get_snames()) names.push_back("-" + name);
  }
  return names;
}

std::string did_you_mean(const std::optional<std::string>& suggestion) {
  return suggestion ? fmt::format(": did you mean '{}'?", *suggestion) : ".";
}

}  // namespace

std::string parse_error_line(CLI::App& app, const std::vector<std::string>& args, const CLI::ParseError& error) {
  const Context context = locate(app, args);
  const std::string help = fmt::format("See '{} --help'.", context.command_line);
  if (!context.unknown_command.empty()) {
    auto suggestion = closest_match(context.unknown_command, subcommand_names(*context.command));
    if (suggestion) suggestion = context.command_line + " " + *suggestion;
    return fmt::format("unknown command '{} {}'{} {}", context.command_line, context.unknown_command,
                       did_you_mean(suggestion), help);
  }
  if (!context.unknown_option.empty()) {
    return fmt::format("unknown option '{}' for '{}'{} {}", context.unknown_option, context.command_line,
                       did_you_mean(closest_match(context.unknown_option, option_names(*context.command))), help);
  }
  const auto commands = subcommand_names(*context.command);
  if (!commands.empty() && context.command->get_subcommands().empty()) {
    return fmt::format("'{}' needs a command: {}. {}", context.command_line, fmt::join(commands, ", "), help);
  }
  std::string what = error.what();
  while (!what.empty() && (what.back() == '\n' || what.back() == '.')) what.pop_back();
  return fmt::format("{}: {}. {}", context.command_line, what, help);
}

}  // namespace keyward::cli
