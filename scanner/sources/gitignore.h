// git's ignore decision, written to git's own rules (gitignore(5), dir.c): nested .gitignore files (deeper first),
// then .git/info/exclude, then core.excludesFile; the last matching line of a file wins; `!` re-includes; nothing
// below an ignored directory can be re-included. libgit2 1.5's git_ignore_path_is_ignored differs from git in two
// ways that matter here: it drops a literal negation (`!.env.local`) that negates no earlier line of its own file,
// and it lets a file's own negation beat an ignored parent directory. The audit must answer as git does.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

struct git_repository;

namespace keyward::sources {

// One line of an ignore file, parsed.
struct IgnorePattern {
  std::string pattern;          // without the leading '!' and the trailing '/'
  std::string base;             // the directory of the file it came from, "" or "dir/sub/"
  bool negative = false;        // `!pattern`
  bool directory_only = false;  // `pattern/`
  bool basename_only = false;   // no slash: matched against the last path component at any depth
};

// The patterns of one ignore file's text; comments and blank lines dropped, trailing spaces trimmed unless
// escaped with a backslash.
std::vector<IgnorePattern> parse_ignore_file(std::string_view text, const std::string& base);

// git's wildmatch: `*` `?` `[...]` (with `!`/`^`, ranges and [:classes:]) and `\` escapes; with `pathname`,
// `*`, `?` and classes never match '/', and `**` between slashes (or at either end) matches any number of
// directories.
bool wildmatch(std::string_view pattern, std::string_view text, bool pathname);

enum class PathKind { kFile, kDirectory };

// The ignore rules of one repository's working tree; nested .gitignore files are read once, when first needed.
class GitIgnore {
 public:
  explicit GitIgnore(git_repository* repo);

  // Whether git would ignore the untracked `path` (relative to the working tree, '/'-separated, no trailing '/').
  bool ignored(std::string_view path, PathKind kind);

  // Whether any ignore rule that a line appended to the root .gitignore would override (the root .gitignore,
  // info/exclude, core.excludesFile) might ignore a file or directory called `name`, at any depth. Errs towards
  // yes: `keyward audit --fix` writes `!name` only when this is false, so the negation un-ignores nothing.
  bool could_ignore_name(std::string_view name);

 private:
  // The last pattern matching `path` in the lists that apply to it (deepest first), or nullptr.
  const IgnorePattern* last_match(std::string_view path, PathKind kind, std::string_view deepest_dir);
  const std::vector<IgnorePattern>& patterns_in(const std::string& dir);

  std::string workdir_;
  std::vector<IgnorePattern> info_exclude_;
  std::vector<IgnorePattern> excludes_file_;
  std::map<std::string, std::vector<IgnorePattern>> gitignores_;  // by directory ("" for the root)
};

}  // namespace keyward::sources
