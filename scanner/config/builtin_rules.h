// The rule files shipped inside the binary (rules/*.toml), embedded at build time by cmake/embed_files.cmake.
#pragma once

#include <span>
#include <string_view>

namespace keyward::config {

struct EmbeddedFile {
  std::string_view name;
  std::string_view bytes;
};

std::span<const EmbeddedFile> builtin_rule_files();

}  // namespace keyward::config
