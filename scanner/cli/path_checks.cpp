#include "scanner/cli/path_checks.h"

#include <sys/stat.h>

#include <cerrno>
#include <filesystem>

#include <fmt/format.h>

#include "scanner/sources/git.h"

namespace keyward::cli {
namespace {

Expected<void> exists(const std::string& path) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) return fail(fmt::format("{}: {}", path, errno_text(errno)));
  return {};
}

}  // namespace

Expected<void> check_inputs_exist(const std::vector<std::string>& paths) {
  for (const auto& path : paths) {
    if (path == "-") continue;
    if (auto ok = exists(path); !ok) return ok;
  }
  return {};
}

Expected<void> check_repository(const std::string& path) {
  if (auto ok = exists(path); !ok) return ok;
  if (!sources::discover_repository(path)) {
    return fail(fmt::format("{}: not a git repository (nor inside one); `keyward scan {}` scans files outside git",
                            path, path));
  }
  return {};
}

Expected<void> check_output_path(const std::optional<std::string>& path, std::string_view what) {
  namespace fs = std::filesystem;
  if (!path) return {};
  const fs::path directory = fs::path(*path).parent_path();
  if (directory.empty()) return {};
  std::error_code ec;
  const auto status = fs::status(directory, ec);
  if (status.type() == fs::file_type::not_found) {
    return fail(fmt::format("cannot write {} to {}: no such directory '{}'", what, *path, directory.string()));
  }
  if (!ec && status.type() != fs::file_type::directory) {
    return fail(fmt::format("cannot write {} to {}: '{}' is not a directory", what, *path, directory.string()));
  }
  return {};
}

}  // namespace keyward::cli
