// `keyward audit --fix` as a pure text function: a .gitignore's content and the patterns it lacks in, the new
// content out. Only ever appends: no line is removed, reordered or changed. The only negations written are the
// template names the caller proved safe (nothing ignored before matches them), so nothing that was ignored stops
// being ignored. Knows nothing of files or git.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace keyward::audit {

inline constexpr std::string_view kFixHeader = "# keyward audit: sensitive files (added by keyward audit --fix)";

// `old` followed by one block: a blank line (when `old` has content), kFixHeader, then each pattern of `missing`
// that is not already a line of `old`, one a line, in order, then `!name` for each of `keep` (templates such as
// .env.example that a new pattern would otherwise hide) not already a line. A file that ends with a newline still does;
// one whose last line has no newline keeps that shape (its last line is ended so the block starts on a line of its own,
// and the block's last line has no newline). Line endings follow `old` ("\r\n" if it uses them). When no pattern is
// left to add, `old` comes back unchanged, so a second run changes nothing.
std::string append_patterns(std::string_view old, const std::vector<std::string>& missing,
                            const std::vector<std::string>& keep = {});

}  // namespace keyward::audit
