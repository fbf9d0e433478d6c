// Runs a real program as a child process: arguments, working directory, standard input; returns its exit code
// and everything it wrote. Optionally drops root to `nobody` first, so permission tests mean something as root,
// and optionally kills a child that outlives a deadline, so a hang fails a test instead of stalling the suite.
// A child that drops to `nobody` runs a copy of the program in a world-readable temporary directory, so the suite
// passes wherever it is built (below root's mode-700 home too).
#pragma once

#include <string>
#include <vector>

namespace keyward::testing {

struct ProcessResult {
  int exit_code = -1;      // -1: killed by a signal
  bool timed_out = false;  // killed because it outlived ProcessOptions::timeout_seconds
  std::string out;
  std::string err;
};

enum class Privileges { kKeep, kDropRoot };

struct ProcessOptions {
  std::string cwd;
  std::string stdin_bytes;
  Privileges privileges = Privileges::kKeep;
  std::vector<std::string> env;  // extra NAME=value entries
  int timeout_seconds = 0;       // > 0: SIGKILL the child after this long (a generous bound, not a timing check)
};

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// The keyward binary under test.
ProcessResult run_keyward(const std::vector<std::string>& args, const ProcessOptions& options = {});

}  // namespace keyward::testing
