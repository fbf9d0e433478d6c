#include "scanner/audit/path_glob.h"

#include <fnmatch.h>

namespace keyward::audit {
namespace {

bool fn(const std::string& pattern, std::string_view text, int flags) {
  return fnmatch(pattern.c_str(), std::string(text).c_str(), flags) == 0;
}

// Whether the (slash-free of any trailing '/') pattern matches the path `prefix`, a file or a directory.
bool matches_prefix(const std::string& pattern, bool any_depth, std::string_view prefix) {
  if (pattern.find('/') == std::string::npos) {
    const auto slash = prefix.rfind('/');
    return fn(pattern, slash == std::string_view::npos ? prefix : prefix.substr(slash + 1), 0);
  }
  if (!any_depth) return fn(pattern, prefix, FNM_PATHNAME);
  for (std::size_t start = 0;;) {
    if (fn(pattern, prefix.substr(start), FNM_PATHNAME)) return true;
    const auto slash = prefix.find('/', start);
    if (slash == std::string_view::npos) return false;
    start = slash + 1;
  }
}

}  // namespace

bool glob_matches(std::string_view pattern, std::string_view path) {
  std::string body(pattern);
  const bool directory_only = !body.empty() && body.back() == '/';
  if (directory_only) body.pop_back();
  const bool any_depth = body.starts_with("**/");
  if (any_depth) body.erase(0, 3);
  if (body.starts_with("/")) body.erase(0, 1);
  if (body.empty()) return false;
  // The path itself (a file: never for a directory pattern), then each parent directory.
  if (!directory_only && matches_prefix(body, any_depth, path)) return true;
  for (auto slash = path.find('/'); slash != std::string_view::npos; slash = path.find('/', slash + 1)) {
    if (matches_prefix(body, any_depth, path.substr(0, slash))) return true;
  }
  return false;
}

std::string probe_path(std::string_view pattern) {
  std::string_view body = pattern;
  if (body.starts_with("**/")) body.remove_prefix(3);
  if (body.starts_with("/")) body.remove_prefix(1);
  std::string out;
  for (char c : body) {
    if (c == '*') {
      // "*.pem" -> "x.pem", ".env.*" -> ".env.x", "terraform.tfstate*" -> "terraform.tfstate"
      if (out.empty() || out.back() == '/' || out.back() == '.') out += 'x';
      continue;
    }
    out += c == '?' ? 'x' : c;
  }
  return out;
}

}  // namespace keyward::audit
