// Encoded secrets: runs of base64 or hex that decode to text, percent-encoding and string escapes (`\"`, `\n`,
// as in JSON, notebooks and logs) are decoded into views, a window of the line with the encoded part replaced,
// and scanned again with the same rules, so a key is found behind its encoding and its context keywords still
// count. A match that only a decoding reveals points at the encoded bytes in the original and names the
// encodings. Bytes in, matches out: no files, no paths.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/engine/allowlist.h"
#include "scanner/engine/finding.h"
#include "scanner/engine/rule_set.h"
#include "scanner/engine/scratch.h"

namespace keyward::engine {

// The default depth of decoding (`--max-decode-depth`): base64 of base64, base64 of hex. It costs about a tenth
// of a large tree's scan time with AVX-512, about a sixth with AVX2 alone (bench/decode.sh, bench/README.md).
inline constexpr int kUsualMaxDecodeDepth = 2;
inline constexpr int kMaxDecodeDepth = 8;  // the engine decodes no deeper, whatever it is asked (the CLI allows 4)
inline constexpr std::size_t kMinBase64Chars = 16;
inline constexpr std::size_t kMinHexChars = 32;

// scan() plus what decoding reveals, decodings nested up to `max_depth` deep (0: scan() alone). Matches found
// only through a decoding carry `decoded_secret` and `encoding`; so does a secret that is itself
// percent-encoded.
Expected<std::vector<Match>> scan_decoded(const RuleSet& rules, std::string_view bytes, Scratch& scratch, int max_depth,
                                          const Item& item = {});

// Standard or URL-safe alphabet, padding optional; empty when `run` is not base64.
std::optional<std::string> decode_base64(std::string_view run);
std::optional<std::string> decode_hex(std::string_view run);
std::string decode_percent(std::string_view text);
// Text, not binary data: almost no control bytes, and not mostly bytes above ASCII.
bool mostly_printable(std::string_view bytes);

}  // namespace keyward::engine
