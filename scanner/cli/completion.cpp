#include "scanner/cli/completion.h"

#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

namespace keyward::cli {
namespace {

struct OptionSpec {
  std::vector<std::string> short_names;  // without the '-'
  std::vector<std::string> long_names;   // without the "--"
  bool takes_value = false;
  std::string description;
};

struct CommandSpec {
  std::string path;    // "" for keyward itself, else e.g. "scan" or "rules list"
  std::string parent;  // the path of the command above it
  std::string name;    // the last word of the path
  std::string description;
  std::vector<std::string> subcommands;
  std::vector<OptionSpec> options;
};

// Every command below `app` (itself first), depth first, in the order --help lists them. Hidden options (no group)
// and positionals are left out, as --help leaves them out.
void collect(CLI::App& app, const std::string& path, const std::string& parent, std::vector<CommandSpec>& out) {
  CommandSpec command{.path = path,
                      .parent = parent,
                      .name = app.get_name(),
                      .description = app.get_description(),
                      .subcommands = {},
                      .options = {}};
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_group().empty() || !option->nonpositional()) continue;
    command.options.push_back({.short_names = option->get_snames(),
                               .long_names = option->get_lnames(),
                               .takes_value = option->get_expected_max() > 0,
                               .description = option->get_description()});
  }
  const std::vector<CLI::App*> subcommands = app.get_subcommands({});
  for (CLI::App* sub : subcommands) command.subcommands.push_back(sub->get_name());
  out.push_back(command);
  for (CLI::App* sub : subcommands) {
    collect(*sub, path.empty() ? sub->get_name() : path + " " + sub->get_name(), path, out);
  }
}

std::vector<std::string> dashed(const OptionSpec& option) {
  std::vector<std::string> names;
  for (const auto& name : option.short_names) names.push_back("-" + name);
  for (const auto& name : option.long_names) names.push_back("--" + name);
  return names;
}

std::string join(const std::vector<std::string>& words) {
  std::string joined;
  for (const auto& word : words) joined += (joined.empty() ? "" : " ") + word;
  return joined;
}

// One line of text for a single-quoted shell string: quotes closed and reopened around an escaped quote.
std::string single_quoted(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c == '\n' ? ' ' : c);
  return quoted + "'";
}

// fish reads \' inside single quotes.
std::string fish_quoted(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') quoted += '\\';
    quoted += c == '\n' ? ' ' : c;
  }
  return quoted + "'";
}

// The shell lines that walk the words typed so far to the command they name: "case "$command|$word" in ..."
// entries, shared by bash and zsh.
std::string walk_cases(const std::vector<CommandSpec>& commands, const std::string& indent) {
  std::string cases;
  for (const auto& command : commands) {
    if (command.path.empty()) continue;
    cases += fmt::format("{}{}) command={} ;;\n", indent, single_quoted(command.parent + "|" + command.name),
                         single_quoted(command.path));
  }
  return cases;
}

// What a command offers: its options' names, the names that take a value, its commands' names.
struct Offer {
  std::string options;
  std::string value_options;
  std::string subcommands;
};

Offer offer_of(const CommandSpec& command) {
  std::vector<std::string> options;
  std::vector<std::string> value_options;
  for (const auto& option : command.options) {
    for (const auto& name : dashed(option)) {
      options.push_back(name);
      if (option.takes_value) value_options.push_back(name);
    }
  }
  return {.options = join(options), .value_options = join(value_options), .subcommands = join(command.subcommands)};
}

std::string bash_script(const std::vector<CommandSpec>& commands) {
  std::string offers;
  for (const auto& command : commands) {
    const Offer offer = offer_of(command);
    offers +=
        fmt::format("    {}) options={} values={} subcommands={} ;;\n", single_quoted(command.path),
                    single_quoted(offer.options), single_quoted(offer.value_options), single_quoted(offer.subcommands));
  }
  return fmt::format(
      R"(# bash completion for keyward: written by `keyward completion bash` from its command-line definitions.
_keyward() {{
  local cur=${{COMP_WORDS[COMP_CWORD]}} prev=${{COMP_WORDS[COMP_CWORD-1]}} command= word i
  local options= values= subcommands=
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${{COMP_WORDS[i]}}
    case "$command|$word" in
{}    esac
  done
  case "$command" in
{}  esac
  # After an option that takes a value: nothing here, so bash completes file names (complete -o default).
  [[ " $values " == *" $prev "* ]] && return 0
  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$options" -- "$cur")
  elif [[ -n $subcommands ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$subcommands" -- "$cur")
  fi
  return 0
}}
complete -o default -F _keyward keyward
)",
      walk_cases(commands, "      "), offers);
}

std::string zsh_script(const std::vector<CommandSpec>& commands) {
  std::string offers;
  for (const auto& command : commands) {
    const Offer offer = offer_of(command);
    offers += fmt::format("    {}) options=({}) values=({}) subcommands=({}) ;;\n", single_quoted(command.path),
                          offer.options, offer.value_options, offer.subcommands);
  }
  return fmt::format(R"(#compdef keyward
# zsh completion for keyward: written by `keyward completion zsh` from its command-line definitions.
_keyward() {{
  local command= word i
  local -a options values subcommands
  for ((i = 2; i < CURRENT; i++)); do
    word=${{words[i]}}
    case "$command|$word" in
{}    esac
  done
  case "$command" in
{}  esac
  if (( ${{values[(Ie)${{words[CURRENT-1]}}]}} )); then
    _files
  elif [[ $PREFIX == -* ]]; then
    compadd -- $options
  elif (( $#subcommands )); then
    compadd -- $subcommands
  else
    _files
  fi
}}
_keyward "$@"
)",
                     walk_cases(commands, "      "), offers);
}

std::string fish_script(const std::vector<CommandSpec>& commands) {
  std::string cases;
  for (const auto& command : commands) {
    if (command.path.empty()) continue;
    cases += fmt::format("      case {}\n        set command {}\n", fish_quoted(command.parent + "|" + command.name),
                         fish_quoted(command.path));
  }
  std::string lines;
  for (const auto& command : commands) {
    const std::string in = fmt::format("-n \"__keyward_in '{}'\"", command.path);  // paths are [a-z -] only
    for (const auto& sub : command.subcommands) {
      std::string description;
      for (const auto& candidate : commands) {
        if (candidate.parent == command.path && candidate.name == sub) description = candidate.description;
      }
      lines += fmt::format("complete -c keyward -f {} -a {} -d {}\n", in, sub, fish_quoted(description));
    }
    for (const auto& option : command.options) {
      std::string names;
      for (const auto& name : option.short_names) names += " -s " + name;
      for (const auto& name : option.long_names) names += " -l " + name;
      lines += fmt::format("complete -c keyward {}{}{} -d {}\n", in, names, option.takes_value ? " -r" : "",
                           fish_quoted(option.description));
    }
  }
  return fmt::format(
      R"(# fish completion for keyward: written by `keyward completion fish` from its command-line definitions.
# __keyward_in PATH: the words typed so far name the command PATH ('' for keyward itself, e.g. 'rules list').
function __keyward_in
  set -l command ''
  set -l typed (commandline -opc)
  set -e typed[1]
  for word in $typed
    switch "$command|$word"
{}    end
  end
  test "$command" = "$argv[1]"
end
{})",
      cases, lines);
}

}  // namespace

std::string completion_script(CLI::App& app, Shell shell) {
  std::vector<CommandSpec> commands;
  collect(app, "", "", commands);
  switch (shell) {
    case Shell::kBash:
      return bash_script(commands);
    case Shell::kZsh:
      return zsh_script(commands);
    case Shell::kFish:
      return fish_script(commands);
  }
  return "";
}

}  // namespace keyward::cli
