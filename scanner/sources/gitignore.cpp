#include "scanner/sources/gitignore.h"

#include <git2.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace keyward::sources {
namespace {

std::string read_regular_file(const std::string& path) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return {};  // git does not follow a symlinked one
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Trailing spaces go, unless the last of them is escaped with a backslash.
std::string_view trim_trailing_spaces(std::string_view line) {
  std::size_t end = line.size();
  while (end > 0 && line[end - 1] == ' ') {
    std::size_t backslashes = 0;
    for (std::size_t i = end - 1; i > 0 && line[i - 1] == '\\'; --i) ++backslashes;
    if (backslashes % 2 == 1) break;  // "\ " keeps this space (and those before it)
    --end;
  }
  return line.substr(0, end);
}

// A bracket expression at pattern[p] ('[' already consumed) against `c`; `p` moves past the closing ']'.
// Returns -1 when the expression never closes (then nothing matches, as in git).
int match_class(std::string_view pattern, std::size_t& p, unsigned char c) {
  bool negated = false;
  if (p < pattern.size() && (pattern[p] == '!' || pattern[p] == '^')) {
    negated = true;
    ++p;
  }
  bool matched = false;
  bool first = true;
  unsigned char previous = 0;
  for (;; first = false) {
    if (p >= pattern.size()) return -1;
    unsigned char pc = static_cast<unsigned char>(pattern[p]);
    if (pc == ']' && !first) {
      ++p;
      break;
    }
    if (pc == '\\') {
      if (++p >= pattern.size()) return -1;
      pc = static_cast<unsigned char>(pattern[p]);
      if (pc == c) matched = true;
      previous = pc;
      ++p;
      continue;
    }
    if (pc == '-' && previous != 0 && p + 1 < pattern.size() && pattern[p + 1] != ']') {
      unsigned char hi = static_cast<unsigned char>(pattern[p + 1]);
      p += 2;
      if (hi == '\\') {
        if (p >= pattern.size()) return -1;
        hi = static_cast<unsigned char>(pattern[p++]);
      }
      if (previous <= c && c <= hi) matched = true;
      previous = 0;
      continue;
    }
    if (pc == '[' && p + 1 < pattern.size() && pattern[p + 1] == ':') {
      const auto close = pattern.find(":]", p + 2);
      if (close == std::string_view::npos) return -1;
      const std::string_view name = pattern.substr(p + 2, close - p - 2);
      const int ch = c;
      if ((name == "alnum" && isalnum(ch)) || (name == "alpha" && isalpha(ch)) || (name == "blank" && isblank(ch)) ||
          (name == "cntrl" && iscntrl(ch)) || (name == "digit" && isdigit(ch)) || (name == "graph" && isgraph(ch)) ||
          (name == "lower" && islower(ch)) || (name == "print" && isprint(ch)) || (name == "punct" && ispunct(ch)) ||
          (name == "space" && isspace(ch)) || (name == "upper" && isupper(ch)) || (name == "xdigit" && isxdigit(ch))) {
        matched = true;
      }
      p = close + 2;
      previous = 0;
      continue;
    }
    if (pc == c) matched = true;
    previous = pc;
    ++p;
  }
  return matched != negated ? 1 : 0;
}

bool match_from(std::string_view pattern, std::size_t p, std::string_view text, std::size_t t, bool pathname) {
  while (p < pattern.size()) {
    const char pc = pattern[p];
    if (pc == '*') {
      std::size_t q = p;
      while (q < pattern.size() && pattern[q] == '*') ++q;
      const bool starts_component = p == 0 || pattern[p - 1] == '/';
      if (pathname && q - p >= 2 && starts_component && (q == pattern.size() || pattern[q] == '/')) {
        if (q == pattern.size()) return true;  // trailing "**": everything below
        // "**/": zero or more whole directories.
        if (match_from(pattern, q + 1, text, t, pathname)) return true;
        for (std::size_t i = t; i < text.size(); ++i) {
          if (text[i] == '/' && match_from(pattern, q + 1, text, i + 1, pathname)) return true;
        }
        return false;
      }
      // One '*' (or a "**" inside a component, which is the same): any run of characters, not '/' in a path.
      for (std::size_t i = t;; ++i) {
        if (match_from(pattern, q, text, i, pathname)) return true;
        if (i == text.size() || (pathname && text[i] == '/')) return false;
      }
    }
    if (t == text.size()) return false;
    const unsigned char c = static_cast<unsigned char>(text[t]);
    if (pc == '?') {
      if (pathname && c == '/') return false;
    } else if (pc == '[') {
      std::size_t end = p + 1;
      const int result = match_class(pattern, end, c);
      if (result != 1 || (pathname && c == '/')) return false;
      p = end;
      ++t;
      continue;
    } else if (pc == '\\' && p + 1 < pattern.size()) {
      if (static_cast<unsigned char>(pattern[++p]) != c) return false;
    } else if (static_cast<unsigned char>(pc) != c) {
      return false;
    }
    ++p;
    ++t;
  }
  return t == text.size();
}

bool matches(const IgnorePattern& pattern, std::string_view path, PathKind kind) {
  if (pattern.directory_only && kind != PathKind::kDirectory) return false;
  if (pattern.basename_only) {
    const auto slash = path.rfind('/');
    return wildmatch(pattern.pattern, slash == std::string_view::npos ? path : path.substr(slash + 1), false);
  }
  std::string_view body = pattern.pattern;
  if (!body.empty() && body.front() == '/') body.remove_prefix(1);
  if (!path.starts_with(pattern.base)) return false;
  return wildmatch(body, path.substr(pattern.base.size()), true);
}

const IgnorePattern* last_in(const std::vector<IgnorePattern>& list, std::string_view path, PathKind kind) {
  for (auto it = list.rbegin(); it != list.rend(); ++it) {
    if (matches(*it, path, kind)) return &*it;
  }
  return nullptr;
}

std::string excludes_file_path(git_repository* repo) {
  git_config* config = nullptr;
  std::string path;
  if (git_repository_config_snapshot(&config, repo) == 0) {
    git_buf buf = GIT_BUF_INIT;
    if (git_config_get_path(&buf, config, "core.excludesFile") == 0 && buf.ptr != nullptr) path = buf.ptr;
    git_buf_dispose(&buf);
    git_config_free(config);
  }
  if (!path.empty()) return path;
  // git's default: $XDG_CONFIG_HOME/git/ignore, else $HOME/.config/git/ignore.
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg != '\0') {
    return std::string(xdg) + "/git/ignore";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return std::string(home) + "/.config/git/ignore";
  }
  return {};
}

}  // namespace

std::vector<IgnorePattern> parse_ignore_file(std::string_view text, const std::string& base) {
  std::vector<IgnorePattern> out;
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a UTF-8 byte order mark
  while (!text.empty()) {
    const auto newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    line = trim_trailing_spaces(line);
    IgnorePattern pattern{.pattern = {}, .base = base};
    if (!line.empty() && line.front() == '!') {
      pattern.negative = true;
      line.remove_prefix(1);
    }
    if (!line.empty() && line.back() == '/') {
      pattern.directory_only = true;
      line.remove_suffix(1);
    }
    if (line.empty()) continue;
    pattern.basename_only = line.find('/') == std::string_view::npos;
    pattern.pattern = std::string(line);
    out.push_back(std::move(pattern));
  }
  return out;
}

bool wildmatch(std::string_view pattern, std::string_view text, bool pathname) {
  return match_from(pattern, 0, text, 0, pathname);
}

GitIgnore::GitIgnore(git_repository* repo) {
  const char* workdir = git_repository_workdir(repo);
  workdir_ = workdir == nullptr ? "" : workdir;
  const char* common = git_repository_commondir(repo);
  if (common != nullptr) info_exclude_ = parse_ignore_file(read_regular_file(std::string(common) + "info/exclude"), "");
  if (const std::string path = excludes_file_path(repo); !path.empty()) {
    std::ifstream in(path, std::ios::binary);  // git follows a symlinked global file
    std::ostringstream text;
    text << in.rdbuf();
    excludes_file_ = parse_ignore_file(text.str(), "");
  }
}

const std::vector<IgnorePattern>& GitIgnore::patterns_in(const std::string& dir) {
  auto it = gitignores_.find(dir);
  if (it == gitignores_.end()) {
    it = gitignores_.emplace(dir, parse_ignore_file(read_regular_file(workdir_ + dir + ".gitignore"), dir)).first;
  }
  return it->second;
}

const IgnorePattern* GitIgnore::last_match(std::string_view path, PathKind kind, std::string_view deepest_dir) {
  // The .gitignore of deepest_dir and of each directory above it, deepest first.
  std::string_view dir = deepest_dir;
  for (;;) {
    if (const IgnorePattern* hit = last_in(patterns_in(std::string(dir)), path, kind)) return hit;
    if (dir.empty()) break;
    const auto slash = dir.substr(0, dir.size() - 1).rfind('/');
    dir = slash == std::string_view::npos ? std::string_view() : dir.substr(0, slash + 1);
  }
  if (const IgnorePattern* hit = last_in(info_exclude_, path, kind)) return hit;
  return last_in(excludes_file_, path, kind);
}

bool GitIgnore::ignored(std::string_view path, PathKind kind) {
  // Each parent directory, from the top: once one is ignored, everything below it is.
  for (auto slash = path.find('/'); slash != std::string_view::npos; slash = path.find('/', slash + 1)) {
    const std::string_view parent = path.substr(0, slash);
    const auto above = parent.rfind('/');
    const std::string_view parent_dir =
        above == std::string_view::npos ? std::string_view() : path.substr(0, above + 1);
    const IgnorePattern* hit = last_match(parent, PathKind::kDirectory, parent_dir);
    if (hit != nullptr && !hit->negative) return true;
  }
  const auto slash = path.rfind('/');
  const IgnorePattern* hit =
      last_match(path, kind, slash == std::string_view::npos ? std::string_view() : path.substr(0, slash + 1));
  return hit != nullptr && !hit->negative;
}

bool GitIgnore::could_ignore_name(std::string_view name) {
  const auto could_match = [&](const IgnorePattern& p) {
    if (p.negative) return false;
    if (p.basename_only) return wildmatch(p.pattern, name, false);
    const std::string_view last = std::string_view(p.pattern).substr(p.pattern.rfind('/') + 1);
    return last.find("**") != std::string_view::npos || wildmatch(last, name, true);
  };
  const std::vector<IgnorePattern>* lists[] = {&patterns_in(""), &info_exclude_, &excludes_file_};
  for (const auto* list : lists) {
    if (std::any_of(list->begin(), list->end(), could_match)) return true;
  }
  return false;
}

}  // namespace keyward::sources
