// A command-line mistake as one line that names it: an unknown command or option with the closest known one and
// the --help of the command it was given to, where CLI11 would say "A subcommand is required" for `keyward scna`.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
class ParseError;
}  // namespace CLI

namespace keyward::cli {

// `args`: the arguments after the program name, as given.
std::string parse_error_line(CLI::App& app, const std::vector<std::string>& args, const CLI::ParseError& error);

}  // namespace keyward::cli
