#include "scanner/hooks/hook_install.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

#include <fmt/format.h>

namespace keyward::hooks {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kBinaryLine = "keyward_bin='keyward'";

// For a single-quoted sh string: ' becomes '\''.
std::string sh_single_quoted(std::string_view text) {
  std::string out;
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out;
}

Expected<std::string> read_text(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return fail(fmt::format("{}: cannot read", path.string()));
  return std::string{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

bool is_keywards(const std::string& text) { return text.find(kHookMarker) != std::string::npos; }

// Written beside the hook, then renamed over it: git never runs half a hook.
Expected<void> write_executable(const fs::path& path, const std::string& text) {
  const fs::path temporary = path.string() + ".keyward-tmp";
  {
    std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
    file << text;
    file.flush();
    if (!file) return fail(fmt::format("{}: cannot write", temporary.string()));
  }
  if (chmod(temporary.c_str(), 0755) != 0) return fail(fmt::format("{}: cannot make executable", temporary.string()));
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec) return fail(fmt::format("{}: cannot write: {}", path.string(), ec.message()));
  return {};
}

}  // namespace

std::string hook_script(std::string_view script_template, std::string_view binary) {
  std::string script(script_template);
  const auto at = script.find(kBinaryLine);
  if (at != std::string::npos) {
    script.replace(at, kBinaryLine.size(), "keyward_bin='" + sh_single_quoted(binary) + "'");
  }
  return script;
}

Expected<InstallResult> install_hook(const std::string& hooks_dir, const std::string& script, ExistingHook existing) {
  std::error_code ec;
  fs::create_directories(hooks_dir, ec);
  if (ec) return fail(fmt::format("{}: cannot create the hooks directory: {}", hooks_dir, ec.message()));
  const fs::path hook = fs::path(hooks_dir) / "pre-commit";
  const fs::path chained = hook.string() + std::string(kChainedSuffix);
  InstallResult result{.hook_path = hook.string(), .chained_path = {}, .updated = false};
  if (fs::exists(fs::symlink_status(hook))) {
    auto text = read_text(hook);
    if (!text) return tl::unexpected(text.error());
    if (is_keywards(*text)) {
      result.updated = true;
    } else if (existing == ExistingHook::kRefuse) {
      return fail(
          fmt::format("{} exists and is not keyward's: --chain keeps it and runs it before keyward, "
                      "--force replaces it",
                      hook.string()));
    } else if (existing == ExistingHook::kChain) {
      if (fs::exists(fs::symlink_status(chained))) {
        return fail(fmt::format("{} exists already: cannot chain another hook", chained.string()));
      }
      fs::rename(hook, chained, ec);
      if (ec) return fail(fmt::format("{}: cannot move aside: {}", hook.string(), ec.message()));
    }
  }
  if (fs::exists(fs::symlink_status(chained))) result.chained_path = chained.string();
  auto written = write_executable(hook, script);
  if (!written) return tl::unexpected(written.error());
  return result;
}

Expected<UninstallResult> uninstall_hook(const std::string& hooks_dir) {
  const fs::path hook = fs::path(hooks_dir) / "pre-commit";
  const fs::path chained = hook.string() + std::string(kChainedSuffix);
  UninstallResult result{.hook_path = hook.string(), .removed = false, .restored = false};
  if (!fs::exists(fs::symlink_status(hook))) return result;
  auto text = read_text(hook);
  if (!text) return tl::unexpected(text.error());
  if (!is_keywards(*text)) return fail(fmt::format("{} is not keyward's hook: left as it is", hook.string()));
  std::error_code ec;
  fs::remove(hook, ec);
  if (ec) return fail(fmt::format("{}: cannot remove: {}", hook.string(), ec.message()));
  result.removed = true;
  if (fs::exists(fs::symlink_status(chained))) {
    fs::rename(chained, hook, ec);
    if (ec) return fail(fmt::format("{}: cannot restore: {}", chained.string(), ec.message()));
    result.restored = true;
  }
  return result;
}

}  // namespace keyward::hooks
