// The glob dialect of the sensitive-path list: the part of gitignore syntax that list needs, so that a pattern can
// be appended to .gitignore verbatim and mean there what it means here. Pure string functions; knows nothing of
// files or git.
//
//   name, *.pem, .env.*      no slash: matches a path component at any depth (`*` and `?` stay in one component)
//   secrets/                 trailing slash: matches a directory, so every path below it
//   config/app.key           a slash elsewhere: anchored at the repository root
//   **/.aws/credentials      a leading `**/`: the rest, anchored at any directory
#pragma once

#include <string>
#include <string_view>

namespace keyward::audit {

// Whether `pattern` matches the file `path` (relative, '/'-separated) or one of its parent directories, the way
// a .gitignore line would.
bool glob_matches(std::string_view pattern, std::string_view path);

// A path that `pattern` matches, at the repository root, for asking git whether the pattern is ignored: the
// leading `**/` dropped, a `*` that starts a name or follows a '.' matching "x" and any other `*` nothing, each
// `?` an 'x'; a directory pattern keeps its slash.
std::string probe_path(std::string_view pattern);

}  // namespace keyward::audit
