// `keyward install-hook` / `keyward uninstall-hook`: keyward's pre-commit hook (hooks/pre-commit, built into the
// binary) in the hooks directory git uses for the repository (core.hooksPath honoured), found with libgit2.
#include <filesystem>
#include <iostream>
#include <system_error>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "scanner/cli/commands.h"
#include "scanner/hooks/builtin_hook.h"
#include "scanner/hooks/hook_install.h"
#include "scanner/sources/git.h"

namespace keyward::cli {
namespace {

// The running binary, so the hook runs this keyward whatever PATH a commit has; "keyward" if unknown.
std::string running_binary() {
  std::error_code ec;
  const auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec || path.empty() ? std::string("keyward") : path.string();
}

}  // namespace

void add_hook_commands(CLI::App& app, HookOptions& options, CLI::App*& install, CLI::App*& uninstall) {
  install = app.add_subcommand("install-hook", "Install keyward's git pre-commit hook (runs `keyward git --staged`)");
  install->add_option("repository", options.repository, "Repository (default: the one holding the current directory)");
  auto* force = install->add_flag("--force", options.force, "Replace a pre-commit hook that is not keyward's");
  install->add_flag("--chain", options.chain, "Keep a pre-commit hook that is not keyward's and run it first")
      ->excludes(force);
  uninstall = app.add_subcommand("uninstall-hook", "Remove keyward's pre-commit hook (and restore a chained one)");
  uninstall->add_option("repository", options.repository,
                        "Repository (default: the one holding the current directory)");
}

int run_install_hook(const HookOptions& options) {
  auto directory = sources::hooks_directory(options.repository);
  if (!directory) {
    print_error(directory.error().message);
    return kExitError;
  }
  const std::string script = hooks::hook_script(hooks::builtin_hook_files().front().bytes, running_binary());
  const auto existing = options.force   ? hooks::ExistingHook::kReplace
                        : options.chain ? hooks::ExistingHook::kChain
                                        : hooks::ExistingHook::kRefuse;
  auto result = hooks::install_hook(*directory, script, existing);
  if (!result) {
    print_error(result.error().message);
    return kExitError;
  }
  std::cerr << fmt::format("keyward: {} {}\n", result->updated ? "updated" : "installed", result->hook_path);
  if (!result->chained_path.empty()) {
    std::cerr << fmt::format("keyward: the previous hook runs first: {}\n", result->chained_path);
  }
  return kExitClean;
}

int run_uninstall_hook(const HookOptions& options) {
  auto directory = sources::hooks_directory(options.repository);
  if (!directory) {
    print_error(directory.error().message);
    return kExitError;
  }
  auto result = hooks::uninstall_hook(*directory);
  if (!result) {
    print_error(result.error().message);
    return kExitError;
  }
  if (!result->removed) {
    std::cerr << fmt::format("keyward: no pre-commit hook in {}: nothing to remove\n", *directory);
  } else if (result->restored) {
    std::cerr << fmt::format("keyward: removed keyward's hook; the chained hook is {} again\n", result->hook_path);
  } else {
    std::cerr << fmt::format("keyward: removed {}\n", result->hook_path);
  }
  return kExitClean;
}

}  // namespace keyward::cli
