// Installing and removing keyward's git pre-commit hook in a hooks directory: plain file work, no git. A hook
// that is not keyward's is never lost: refused, replaced only when asked (--force), or chained (kept beside
// keyward's as pre-commit.keyward-chained, run first, and put back by uninstall).
#pragma once

#include <string>
#include <string_view>

#include "scanner/error.h"

namespace keyward::hooks {

// The line that marks a hook as keyward's own.
inline constexpr std::string_view kHookMarker = "# keyward-managed-hook";
inline constexpr std::string_view kChainedSuffix = ".keyward-chained";

// The hook script (hooks/pre-commit) set to run `binary` (an absolute path, or "keyward" to look it up on PATH).
std::string hook_script(std::string_view script_template, std::string_view binary);

enum class ExistingHook { kRefuse, kReplace, kChain };

struct InstallResult {
  std::string hook_path;
  std::string chained_path;  // the foreign hook kept and run first; empty when none
  bool updated = false;      // keyward's hook was there already and is rewritten
};

// Writes `script` as `hooks_dir`/pre-commit (mode 0755, the directory created if need be).
Expected<InstallResult> install_hook(const std::string& hooks_dir, const std::string& script, ExistingHook existing);

struct UninstallResult {
  std::string hook_path;
  bool removed = false;   // false: there was no pre-commit hook
  bool restored = false;  // a chained hook is the pre-commit hook again
};

// Removes keyward's pre-commit hook and puts a chained one back; refuses to touch a hook that is not keyward's.
Expected<UninstallResult> uninstall_hook(const std::string& hooks_dir);

}  // namespace keyward::hooks
