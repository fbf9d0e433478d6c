// `keyward completion bash|zsh|fish`: prints the shell's completion script (scanner/cli/completion.h) to stdout.
#include <iostream>

#include <CLI/CLI.hpp>

#include "scanner/cli/commands.h"
#include "scanner/cli/completion.h"

namespace keyward::cli {

CLI::App* add_completion_command(CLI::App& app, CompletionOptions& options) {
  CLI::App* command = app.add_subcommand(
      "completion", "Print a shell completion script: keyward completion bash > /etc/bash_completion.d/keyward");
  command->add_option("shell", options.shell, "The shell")->required()->check(CLI::IsMember({"bash", "zsh", "fish"}));
  return command;
}

int run_completion(CLI::App& app, const CompletionOptions& options) {
  const Shell shell = options.shell == "zsh" ? Shell::kZsh : options.shell == "fish" ? Shell::kFish : Shell::kBash;
  std::cout << completion_script(app, shell);
  std::cout.flush();
  if (!std::cout) {
    print_error("cannot write the completion script to standard output");
    return kExitError;
  }
  return kExitClean;
}

}  // namespace keyward::cli
