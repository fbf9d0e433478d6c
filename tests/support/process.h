// Runs a real program as a child process: arguments, working directory, standard input; returns its exit code
// and everything it wrote. Optionally drops root to `nobody` first, so permission tests mean something as root.
#pragma once

#include <string>
#include <vector>

namespace keyward::testing {

struct ProcessResult {
  int exit_code = -1;  // -1: killed by a signal
  std::string out;
  std::string err;
};

enum class Privileges { kKeep, kDropRoot };

struct ProcessOptions {
  std::string cwd;
  std::string stdin_bytes;
  Privileges privileges = Privileges::kKeep;
  std::vector<std::string> env;  // extra NAME=value entries
};

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// The keyward binary under test.
ProcessResult run_keyward(const std::vector<std::string>& args, const ProcessOptions& options = {});

}  // namespace keyward::testing
