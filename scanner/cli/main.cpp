// keyward's entry point: parse the command line, call one command, turn its outcome into an exit code.
#include <csignal>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "scanner/cli/commands.h"
#include "scanner/cli/parse_errors.h"
#include "scanner/cli/version_text.h"
#include "scanner/sources/git.h"

namespace {

int run(int argc, char** argv) {
  using namespace keyward::cli;
  std::signal(SIGPIPE, SIG_IGN);  // a closed pipe is a write error, not a crash
  keyward::sources::GitLibrary git;

  CLI::App app{"keyward: find secrets before they leave your machine", "keyward"};
  app.require_subcommand(1);
  app.set_version_flag("--version", version_text);

  ScanOptions scan;
  add_scan_command(app, scan);
  BaselineOptions baseline;
  add_baseline_command(app, baseline);
  GitOptions git_options;
  add_git_command(app, git_options);
  AuditOptions audit;
  add_audit_command(app, audit);
  FilterOptions filter;
  add_filter_command(app, filter);
  ProxyOptions proxy;
  add_proxy_command(app, proxy);
  HookOptions hook;
  CLI::App* install_hook = nullptr;
  CLI::App* uninstall_hook = nullptr;
  add_hook_commands(app, hook, install_hook, uninstall_hook);
  RulesOptions rules;
  CLI::App* rules_list = nullptr;
  CLI::App* rules_check = nullptr;
  add_rules_commands(app, rules, rules_list, rules_check);
  CompletionOptions completion_options;
  CLI::App* completion = add_completion_command(app, completion_options);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    print_error(parse_error_line(app, std::vector<std::string>(argv + 1, argv + argc), e));
    return kExitError;
  }

  try {
    if (app.got_subcommand("scan")) return run_scan(scan);
    if (app.got_subcommand("baseline")) return run_baseline(baseline);
    if (app.got_subcommand("git")) return run_git(git_options);
    if (app.got_subcommand("audit")) return run_audit(audit);
    if (app.got_subcommand("filter")) return run_filter(filter);
    if (app.got_subcommand("proxy")) return run_proxy(proxy);
    if (install_hook->parsed()) return run_install_hook(hook);
    if (uninstall_hook->parsed()) return run_uninstall_hook(hook);
    if (rules_list->parsed()) return run_rules_list(rules);
    if (rules_check->parsed()) return run_rules_check(rules);
    if (completion->parsed()) return run_completion(app, completion_options);
  } catch (const std::exception& e) {
    print_error(e.what());
    return kExitError;
  }
  print_error("no command given");
  return kExitError;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (...) {
    keyward::cli::print_error("unexpected internal error");
    return keyward::cli::kExitError;
  }
}
