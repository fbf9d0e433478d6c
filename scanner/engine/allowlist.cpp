#include "scanner/engine/allowlist.h"

#include <algorithm>

#include <re2/re2.h>

namespace keyward::engine {
namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

// ASCII case folding: std::tolower consults the locale for every byte.
bool contains_caseless(std::string_view haystack, std::string_view lowered_needle) {
  auto it = std::search(haystack.begin(), haystack.end(), lowered_needle.begin(), lowered_needle.end(),
                        [](char a, char b) { return lower(a) == b; });
  return it != haystack.end();
}

bool any_match(const std::vector<std::unique_ptr<re2::RE2>>& patterns, std::string_view text) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const auto& re) { return re2::RE2::PartialMatch(text, *re); });
}

// No path (standard input, a chat message) or no commit (a file outside history) matches nothing.
bool path_listed(const CompiledAllowlist& allowlist, std::string_view path) {
  return !path.empty() && any_match(allowlist.paths, path);
}

bool commit_listed(const CompiledAllowlist& allowlist, std::string_view commit) {
  return !commit.empty() && std::any_of(allowlist.commits.begin(), allowlist.commits.end(), [&](const auto& listed) {
    return listed.size() == commit.size() &&
           std::equal(listed.begin(), listed.end(), commit.begin(), [](char a, char b) { return a == lower(b); });
  });
}

std::string_view target(const CompiledAllowlist& allowlist, const Candidate& candidate) {
  switch (allowlist.regex_target) {
    case RegexTarget::kSecret:
      return candidate.secret;
    case RegexTarget::kMatch:
      return candidate.match;
    case RegexTarget::kLine:
      return candidate.line;
  }
  return candidate.secret;
}

bool one_allows(const CompiledAllowlist& allowlist, const Candidate& candidate, const Item& item) {
  auto stopword = [&] {
    return std::any_of(allowlist.stopwords.begin(), allowlist.stopwords.end(),
                       [&](const std::string& word) { return contains_caseless(candidate.secret, word); });
  };
  auto regex = [&] { return any_match(allowlist.regexes, target(allowlist, candidate)); };
  switch (allowlist.condition) {
    case AllowCondition::kAny:
      return stopword() || regex() || path_listed(allowlist, item.path) || commit_listed(allowlist, item.commit);
    case AllowCondition::kAll: {
      bool any_kind = false;
      auto holds = [&](bool kind_set, const auto& check) {
        if (!kind_set) return true;
        any_kind = true;
        return check();
      };
      const bool all = holds(!allowlist.stopwords.empty(), stopword) && holds(!allowlist.regexes.empty(), regex) &&
                       holds(!allowlist.paths.empty(), [&] { return path_listed(allowlist, item.path); }) &&
                       holds(!allowlist.commits.empty(), [&] { return commit_listed(allowlist, item.commit); });
      return all && any_kind;
    }
  }
  return false;
}

bool one_allows_item(const CompiledAllowlist& allowlist, const Item& item) {
  switch (allowlist.condition) {
    case AllowCondition::kAny:
      return path_listed(allowlist, item.path) || commit_listed(allowlist, item.commit);
    case AllowCondition::kAll:
      if (!allowlist.regexes.empty() || !allowlist.stopwords.empty()) return false;  // decided per finding
      if (allowlist.paths.empty() && allowlist.commits.empty()) return false;
      return (allowlist.paths.empty() || path_listed(allowlist, item.path)) &&
             (allowlist.commits.empty() || commit_listed(allowlist, item.commit));
  }
  return false;
}

}  // namespace

bool candidate_allowed(std::span<const CompiledAllowlist> allowlists, const Candidate& candidate, const Item& item) {
  return std::any_of(allowlists.begin(), allowlists.end(),
                     [&](const CompiledAllowlist& allowlist) { return one_allows(allowlist, candidate, item); });
}

bool item_allowed(std::span<const CompiledAllowlist> allowlists, const Item& item) {
  return std::any_of(allowlists.begin(), allowlists.end(),
                     [&](const CompiledAllowlist& allowlist) { return one_allows_item(allowlist, item); });
}

bool rule_applies(const CompiledRule& rule, const Item& item) {
  if (rule.path != nullptr && !re2::RE2::PartialMatch(item.path, *rule.path)) return false;
  return !item_allowed(rule.allowlists, item);
}

bool searches_lines(std::span<const CompiledAllowlist> allowlists) {
  return std::any_of(allowlists.begin(), allowlists.end(), [](const CompiledAllowlist& allowlist) {
    return allowlist.regex_target == RegexTarget::kLine && !allowlist.regexes.empty();
  });
}

bool line_has_inline_allow(std::string_view line) {
  return line.find("keyward:allow") != std::string_view::npos ||
         line.find("gitleaks:allow") != std::string_view::npos ||
         line.find("pragma: allowlist secret") != std::string_view::npos;
}

}  // namespace keyward::engine
