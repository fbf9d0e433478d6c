// Error, Expected<T> and Diagnostics: the one error path of keyward.
// Fallible setup returns Expected<T>; per-input problems are collected as Diagnostics and the work goes on.
// Knows nothing of terminals or exit codes: only main turns outcomes into those.
#pragma once

#include <cctype>
#include <string>
#include <system_error>
#include <vector>

#include <tl/expected.hpp>

namespace keyward {

struct Error {
  std::string message;
};

template <typename T>
using Expected = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(std::string message) { return tl::unexpected(Error{std::move(message)}); }

// Several problems as one error, one a line.
inline tl::unexpected<Error> fail(const std::vector<std::string>& problems) {
  std::string message;
  for (const auto& p : problems) message += (message.empty() ? "" : "\n") + p;
  return fail(std::move(message));
}

// What an errno value means, starting lower-case to follow a colon: "no such file or directory".
inline std::string errno_text(int error_number) {
  std::string text = std::generic_category().message(error_number);
  if (!text.empty()) text.front() = static_cast<char>(std::tolower(static_cast<unsigned char>(text.front())));
  return text;
}

// A problem with one input (a file, a blob): the scan reports it and goes on.
struct Diagnostic {
  std::string origin;
  std::string message;
};

using Diagnostics = std::vector<Diagnostic>;

}  // namespace keyward
