// `keyward completion bash|zsh|fish`: a shell completion script written from the command line's own definitions
// (the CLI11 tree main builds), so completions offer exactly the commands and options --help shows.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace keyward::cli {

enum class Shell { kBash, kZsh, kFish };

// The completion script for `shell`, from every command and option below `app`.
std::string completion_script(CLI::App& app, Shell shell);

}  // namespace keyward::cli
