// The subcommands: each has one options struct, the CLI11 lines that fill it, and a run function that reads
// like a recipe and returns the exit code (0 clean, 1 findings, 2 usage or runtime error).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace keyward::cli {

inline constexpr int kExitClean = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitError = 2;

// Options every command that loads rules shares.
struct RuleOptions {
  std::optional<std::string> config;
  std::vector<std::string> rules;
  std::string category = "secret";
};

// Options every command that reports findings shares.
struct ReportOptions {
  std::string format = "text";
  std::optional<std::string> report_path;
  bool no_redact = false;
  std::string color = "auto";
  int threads = 0;
  // Unset: the config's [scan] table decides, else 10 MiB and 0 (decoding off unless asked for, engine/decode.h).
  std::optional<std::uint64_t> max_file_size;
  std::optional<int> max_decode_depth;
  std::optional<std::string> baseline;  // --baseline FILE: hide the findings it holds
};

struct ScanOptions {
  std::vector<std::string> paths;
  RuleOptions rule_options;
  ReportOptions report_options;
  bool no_ignore = false;
  bool follow_symlinks = false;
};

struct BaselineOptions {
  ScanOptions scan;
  std::optional<std::string> output;
  bool include_untracked = false;  // also record what must be fixed rather than baselined (audit/baseline_guard.h)
};

struct GitOptions {
  std::string repository = ".";
  bool staged = false;
  bool uncommitted = false;
  bool no_progress = false;
  std::string range;
  std::vector<std::string> branches;
  std::string since;  // YYYY-MM-DD
  RuleOptions rule_options;
  ReportOptions report_options;
};

struct AuditOptions {
  std::string repository = ".";
  bool history = false;
  bool fix = false;
  std::optional<std::string> config;
  ReportOptions report_options;
};

struct HookOptions {
  std::string repository = ".";
  bool force = false;
  bool chain = false;
};

struct RulesOptions {
  std::string format = "text";
  std::vector<std::string> files;
  RuleOptions rule_options;
};

struct FilterOptions {
  std::string input = "auto";  // auto | text | json
  std::optional<std::string> policy;
  std::string env;
  std::optional<std::string> audit_log;
  std::optional<std::string> config;
  std::vector<std::string> rules;
};

void add_scan_command(CLI::App& app, ScanOptions& options);
int run_scan(const ScanOptions& options);

void add_baseline_command(CLI::App& app, BaselineOptions& options);
int run_baseline(const BaselineOptions& options);

void add_git_command(CLI::App& app, GitOptions& options);
int run_git(const GitOptions& options);

void add_audit_command(CLI::App& app, AuditOptions& options);
int run_audit(const AuditOptions& options);
void add_filter_command(CLI::App& app, FilterOptions& options);
int run_filter(const FilterOptions& options);

struct ProxyOptions {
  std::string listen = "127.0.0.1:8080";
  std::string upstream = "https://api.mistral.ai";
  std::optional<std::string> upstream_ca;
  std::optional<std::string> policy;
  std::string env;
  std::optional<std::string> audit_log;
  std::string client_timeout = "60s";
  int threads = 0;
  std::optional<std::string> config;
  std::vector<std::string> rules;
};

void add_proxy_command(CLI::App& app, ProxyOptions& options);
int run_proxy(const ProxyOptions& options);

void add_hook_commands(CLI::App& app, HookOptions& options, CLI::App*& install, CLI::App*& uninstall);
int run_install_hook(const HookOptions& options);
int run_uninstall_hook(const HookOptions& options);

void add_rules_commands(CLI::App& app, RulesOptions& options, CLI::App*& list, CLI::App*& check);
int run_rules_list(const RulesOptions& options);
int run_rules_check(const RulesOptions& options);

struct CompletionOptions {
  std::string shell;
};

// `keyward completion SHELL` prints the script for the whole command line, so it is given the finished `app`.
CLI::App* add_completion_command(CLI::App& app, CompletionOptions& options);
int run_completion(CLI::App& app, const CompletionOptions& options);

// Prints "keyward: error: <message>" for each line of the message to stderr.
void print_error(const std::string& message);

}  // namespace keyward::cli
