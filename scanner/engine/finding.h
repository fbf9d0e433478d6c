// Match: what the engine found in one chunk of bytes, as byte offsets. Lines, paths and redaction come later.
#pragma once

#include <cstddef>
#include <cstdint>

namespace keyward::engine {

struct Match {
  std::uint32_t rule = 0;  // index into RuleSet::rules()
  std::size_t start = 0;   // the whole regex match, [start, end)
  std::size_t end = 0;
  std::size_t secret_start = 0;  // the secret's capture group, [secret_start, secret_end)
  std::size_t secret_end = 0;
  double entropy = 0.0;
};

}  // namespace keyward::engine
