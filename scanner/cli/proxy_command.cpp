// `keyward proxy`: an HTTP endpoint an SDK's base URL points at; every request body is screened with the filter's
// policy before it goes on to the upstream API, and the response comes back as it arrives. Runs until SIGINT or
// SIGTERM (exit 0); a setup error (policy, rules, address, TLS) exits 2 with one line.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <thread>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "scanner/cli/commands.h"
#include "scanner/cli/config_check.h"
#include "scanner/config/config.h"
#include "scanner/filter/filter.h"
#include "scanner/proxy/proxy_settings.h"
#include "scanner/proxy/server.h"

namespace keyward::cli {
namespace {

// The policy: --policy FILE, else the [filter] table of the config file, else the defaults.
Expected<filter::Policy> resolve_policy(const ProxyOptions& options, const std::optional<std::string>& config) {
  if (options.policy) return filter::load_policy(*options.policy, filter::FilterTable::kRequired);
  if (config) return filter::load_policy(*config);
  return filter::Policy{};
}

// An audit log that cannot be opened for appending stops the proxy before it serves anything.
Expected<void> check_audit_log(const std::string& path) {
  const int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return fail(fmt::format("audit log {}: {}", path, std::strerror(errno)));
  close(fd);
  return {};
}

Expected<proxy::ServerSettings> resolve_settings(const ProxyOptions& options, std::uint64_t max_body_bytes) {
  auto listen = proxy::parse_listen_address(options.listen);
  if (!listen) return tl::unexpected(listen.error());
  auto upstream = proxy::parse_upstream_url(options.upstream);
  if (!upstream) return tl::unexpected(upstream.error());
  auto timeout = proxy::parse_duration(options.client_timeout);
  if (!timeout) return fail("--client-timeout " + timeout.error().message);
  if (options.audit_log) {
    if (auto writable = check_audit_log(*options.audit_log); !writable) return tl::unexpected(writable.error());
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return proxy::ServerSettings{.listen = std::move(*listen),
                               .upstream = {.url = std::move(*upstream), .extra_ca_file = options.upstream_ca},
                               .audit_log = options.audit_log,
                               .client_timeout = *timeout,
                               .max_body_bytes = max_body_bytes,
                               .threads = options.threads > 0 ? static_cast<unsigned>(options.threads) : cores,
                               .on_listening = {},
                               .on_warning = {}};
}

}  // namespace

void add_proxy_command(CLI::App& app, ProxyOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "proxy", "Serve HTTP in front of an LLM API: screen every request body, forward it, stream the response back");
  cmd->add_option("--listen", options.listen, "HOST:PORT to listen on (default 127.0.0.1:8080; port 0: any free)");
  cmd->add_option("--upstream", options.upstream, "The API to forward to (default https://api.mistral.ai)");
  cmd->add_option("--upstream-ca", options.upstream_ca, "PEM file of CA certificates to trust besides the system's")
      ->check(CLI::ExistingFile);
  cmd->add_option("--policy", options.policy, "Policy file with a [filter] table (default: the config's)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--env", options.env, "Environment whose request limits apply ([filter.env.NAME])");
  cmd->add_option("--audit-log", options.audit_log, "Append one JSON line per screened request to FILE");
  cmd->add_option("--client-timeout", options.client_timeout,
                  "Longest time to read a request, or to write a piece of a response (default 60s)");
  cmd->add_option("-j,--threads", options.threads, "Event-loop threads (default: one per core)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("-c,--config", options.config, "Config file (default: .keyward.toml at the repository root)")
      ->check(CLI::ExistingFile);
  cmd->add_option("-r,--rules", options.rules, "Extra rule file (repeatable)")
      ->allow_extra_args(false)
      ->check(CLI::ExistingFile);
}

int run_proxy(const ProxyOptions& options) {
  const auto config = options.config ? options.config : config::discover_config(".");
  if (!config_is_sound(config, options.rules)) return kExitError;
  auto policy = resolve_policy(options, config);
  if (!policy) {
    print_error(policy.error().message);
    return kExitError;
  }
  auto settings = resolve_settings(options, policy->max_input_bytes);
  if (!settings) {
    print_error(settings.error().message);
    return kExitError;
  }
  auto built = filter::Filter::load(config, options.rules, std::move(*policy), options.env);
  if (!built) {
    print_error(built.error().message);
    return kExitError;
  }
  const std::string upstream = proxy::to_string(settings->upstream.url);
  settings->on_listening = [&upstream](const std::string& address) {
    std::cerr << fmt::format("keyward: proxy listening on {}, forwarding to {}\n", address, upstream) << std::flush;
  };
  settings->on_warning = [](const std::string& message) {
    std::cerr << fmt::format("keyward: warning: {}\n", message) << std::flush;
  };
  if (auto served = proxy::serve(*settings, *built); !served) {
    print_error(served.error().message);
    return kExitError;
  }
  return kExitClean;
}

}  // namespace keyward::cli
