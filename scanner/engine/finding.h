// Match: what the engine found in one chunk of bytes, as byte offsets. Lines, paths and redaction come later.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace keyward::engine {

struct Match {
  std::uint32_t rule = 0;  // index into RuleSet::rules()
  std::size_t start = 0;   // the whole regex match, [start, end)
  std::size_t end = 0;
  std::size_t secret_start = 0;  // the secret's capture group, [secret_start, secret_end)
  std::size_t secret_end = 0;
  double entropy = 0.0;
  // Found through a decoding (see decode.h): the spans above are the encoded bytes in the original, the secret is
  // `decoded_secret`, and `encoding` names what was undone ("base64", "base64,base64", "percent", "escape").
  std::string decoded_secret;
  std::string encoding;
};

}  // namespace keyward::engine
