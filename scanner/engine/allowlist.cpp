#include "scanner/engine/allowlist.h"

#include <algorithm>

#include <re2/re2.h>

namespace keyward::engine {
namespace {

// ASCII case folding: std::tolower consults the locale for every byte.
bool contains_caseless(std::string_view haystack, std::string_view lowered_needle) {
  auto it = std::search(haystack.begin(), haystack.end(), lowered_needle.begin(), lowered_needle.end(),
                        [](char a, char b) { return (a >= 'A' && a <= 'Z' ? static_cast<char>(a + 32) : a) == b; });
  return it != haystack.end();
}

bool any_match(const std::vector<std::unique_ptr<re2::RE2>>& patterns, std::string_view text) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const auto& re) { return re2::RE2::PartialMatch(text, *re); });
}

}  // namespace

bool candidate_allowed(const CompiledAllowlist& allowlist, const Candidate& candidate) {
  for (const auto& word : allowlist.stopwords) {
    if (contains_caseless(candidate.secret, word)) return true;
  }
  switch (allowlist.regex_target) {
    case RegexTarget::kSecret:
      return any_match(allowlist.regexes, candidate.secret);
    case RegexTarget::kMatch:
      return any_match(allowlist.regexes, candidate.match);
    case RegexTarget::kLine:
      return any_match(allowlist.regexes, candidate.line);
  }
  return false;
}

bool path_allowed(const CompiledAllowlist& allowlist, std::string_view path) {
  return any_match(allowlist.paths, path);
}

bool line_has_inline_allow(std::string_view line) {
  return line.find("keyward:allow") != std::string_view::npos ||
         line.find("gitleaks:allow") != std::string_view::npos ||
         line.find("pragma: allowlist secret") != std::string_view::npos;
}

}  // namespace keyward::engine
