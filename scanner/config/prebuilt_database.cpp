#include "scanner/config/prebuilt_database.h"

#include <cstdint>
#include <utility>

namespace keyward::config {
namespace {

struct Prebuilt {
  std::string_view key;
  std::string_view bytes;
};

Prebuilt parse(std::string_view blob) {
  if (blob.size() < 4) return {};
  std::uint32_t length = 0;
  for (int i = 3; i >= 0; --i) length = (length << 8) | static_cast<unsigned char>(blob[static_cast<std::size_t>(i)]);
  if (length == 0 || blob.size() - 4 < length) return {};
  return {.key = blob.substr(4, length), .bytes = blob.substr(4 + length)};
}

}  // namespace

std::string encode_prebuilt(std::string_view key, std::string_view bytes) {
  std::string out;
  const auto length = static_cast<std::uint32_t>(key.size());
  for (int i = 0; i < 4; ++i) out += static_cast<char>((length >> (8 * i)) & 0xff);
  out += key;
  out += bytes;
  return out;
}

engine::DatabaseCache with_prebuilt(engine::DatabaseCache inner, std::string_view blob) {
  const Prebuilt prebuilt = parse(blob);
  return {.load = [prebuilt, load = std::move(inner.load)](const std::string& key) -> std::optional<std::string> {
            if (!prebuilt.key.empty() && key == prebuilt.key) return std::string(prebuilt.bytes);
            return load ? load(key) : std::nullopt;
          },
          .store = std::move(inner.store)};
}

}  // namespace keyward::config
