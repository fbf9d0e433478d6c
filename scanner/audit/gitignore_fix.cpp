#include "scanner/audit/gitignore_fix.h"

#include <set>

namespace keyward::audit {
namespace {

std::string_view trimmed(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  return line;
}

std::set<std::string, std::less<>> lines_of(std::string_view text) {
  std::set<std::string, std::less<>> lines;
  while (!text.empty()) {
    const auto end = text.find('\n');
    lines.emplace(trimmed(text.substr(0, end)));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

}  // namespace

std::string append_patterns(std::string_view old, const std::vector<std::string>& missing,
                            const std::vector<std::string>& keep) {
  const auto present = lines_of(old);
  std::vector<std::string> added;
  std::set<std::string, std::less<>> seen;
  for (const auto& pattern : missing) {
    if (!present.contains(pattern) && seen.insert(pattern).second) added.push_back(pattern);
  }
  std::string out(old);
  if (added.empty()) return out;  // nothing new to ignore, so nothing to keep from it either
  for (const auto& name : keep) {
    const std::string negation = "!" + name;
    if (!present.contains(negation) && seen.insert(negation).second) added.push_back(negation);
  }
  const std::string eol = old.find("\r\n") != std::string_view::npos ? "\r\n" : "\n";
  const bool ends_with_newline = old.empty() || old.back() == '\n';
  if (!old.empty()) {
    if (!ends_with_newline) out += eol;         // end the last line; its text is untouched
    if (!old.ends_with(eol + eol)) out += eol;  // one blank line before the block
  }
  out += kFixHeader;
  for (const auto& pattern : added) out += eol + pattern;
  if (ends_with_newline) out += eol;
  return out;
}

}  // namespace keyward::audit
