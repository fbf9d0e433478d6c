// `keyward filter`: a chat request (or plain text) on standard input, screened, the rewritten request on standard
// output. Exit 0 allowed or redacted, 1 blocked (one JSON line on stderr naming rules and pointers, nothing on
// stdout), 2 bad input or setup error (one line on stderr, nothing on stdout).
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "scanner/cli/commands.h"
#include "scanner/cli/config_check.h"
#include "scanner/config/config.h"
#include "scanner/filter/filter.h"
#include "scanner/filter/json_text.h"
#include "scanner/filter/reasons.h"

namespace keyward::cli {
namespace {

// Standard input, up to `max_bytes`; one byte more is reported as "too large".
Expected<std::string> read_input(std::uint64_t max_bytes) {
  std::string bytes;
  char block[65536];
  for (;;) {
    const ssize_t got = read(STDIN_FILENO, block, sizeof block);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return fail(fmt::format("cannot read standard input: {}", std::strerror(errno)));
    if (got == 0) return bytes;
    bytes.append(block, static_cast<std::size_t>(got));
    if (bytes.size() > max_bytes) return fail(fmt::format("input is over the limit of {} bytes", max_bytes));
  }
}

// The policy: --policy FILE, else the [filter] table of the config file, else the defaults.
Expected<filter::Policy> resolve_policy(const FilterOptions& options, const std::optional<std::string>& config) {
  if (options.policy) return filter::load_policy(*options.policy, filter::FilterTable::kRequired);
  if (config) return filter::load_policy(*config);
  return filter::Policy{};
}

// Text that happens to start with '[' or '{' ("[URGENT] ...") was taken for a JSON request: say how to send it as
// text.
std::string text_hint(const Error& error, std::string_view input) {
  if (!error.message.starts_with("invalid JSON")) return "";
  const auto first = input.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "";
  return fmt::format(
      " (the input starts with '{}', so it was read as a JSON request; `--input text` screens plain text)",
      input[first]);
}

std::string blocked_line(const filter::Screening& screening) {
  const nlohmann::ordered_json line = {{"verdict", "blocked"}, {"reasons", filter::blocked_reasons(screening)}};
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool write_all(std::string_view bytes) {
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t got = write(STDOUT_FILENO, bytes.data() + written, bytes.size() - written);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return false;
    written += static_cast<std::size_t>(got);
  }
  return true;
}

}  // namespace

void add_filter_command(CLI::App& app, FilterOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "filter", "Screen a chat request (or text) on stdin; write the redacted request to stdout, or block");
  cmd->add_option("--input", options.input, "What stdin holds (default: JSON when it starts with '{' or '[')")
      ->check(CLI::IsMember({"auto", "text", "json"}));
  cmd->add_option("--policy", options.policy, "Policy file with a [filter] table (default: the config's)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--env", options.env, "Environment whose request limits apply ([filter.env.NAME])");
  cmd->add_option("--audit-log", options.audit_log, "Append one JSON line per screened request to FILE");
  cmd->add_option("-c,--config", options.config, "Config file (default: .keyward.toml at the repository root)")
      ->check(CLI::ExistingFile);
  cmd->add_option("-r,--rules", options.rules, "Extra rule file (repeatable)")
      ->allow_extra_args(false)
      ->check(CLI::ExistingFile);
}

int run_filter(const FilterOptions& options) {
  const auto config = options.config ? options.config : config::discover_config(".");
  if (!config_is_sound(config, options.rules, ConfigNotes::kHide)) return kExitError;
  auto policy = resolve_policy(options, config);
  if (!policy) {
    print_error(policy.error().message);
    return kExitError;
  }
  auto input = read_input(policy->max_input_bytes);
  if (!input) {
    print_error(input.error().message);
    return kExitError;
  }
  if (input->empty()) {  // a pipe that lost its producer, not a request: nothing was screened, so nothing passes
    print_error("standard input is empty: nothing to screen (pipe a request or text into `keyward filter`)");
    return kExitError;
  }
  auto built = filter::Filter::load(config, options.rules, std::move(*policy), options.env);
  if (!built) {
    print_error(built.error().message);
    return kExitError;
  }
  const bool json = options.input == "json" || (options.input == "auto" && filter::looks_like_json(*input));
  auto screening = json ? built->screen_request(*input) : built->screen(*input);
  if (!screening) {
    print_error(screening.error().message + (options.input == "auto" ? text_hint(screening.error(), *input) : ""));
    return kExitError;
  }
  if (options.audit_log) {
    // No audit line, no request: an unwritable audit log stops the request like any other error.
    if (auto logged = filter::append_audit_line(*options.audit_log, screening->audit); !logged) {
      print_error(logged.error().message);
      return kExitError;
    }
  }
  if (screening->verdict == filter::Verdict::kBlocked) {
    std::cerr << blocked_line(*screening) << '\n';
    return kExitFindings;
  }
  if (!write_all(screening->text)) {
    print_error(fmt::format("cannot write standard output: {}", std::strerror(errno)));
    return kExitError;
  }
  return kExitClean;
}

}  // namespace keyward::cli
