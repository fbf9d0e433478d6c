// The prebuilt database answers only for its own key; everything else, and every store, goes to the cache
// behind it; a damaged blob is no prebuilt database.
#include "scanner/config/prebuilt_database.h"

#include <gtest/gtest.h>

#include <map>

namespace keyward::config {
namespace {

struct Inner {
  std::map<std::string, std::string> files;
  engine::DatabaseCache cache() {
    return {.load = [this](const std::string& key) -> std::optional<std::string> {
              const auto it = files.find(key);
              return it == files.end() ? std::nullopt : std::optional(it->second);
            },
            .store = [this](const std::string& key, std::string_view bytes) { files[key] = bytes; }};
  }
};

TEST(PrebuiltDatabase, AnswersItsOwnKeyAndPassesTheRestOn) {
  Inner inner;
  inner.files["other"] = "other bytes";
  const std::string blob = encode_prebuilt("default rules", std::string("db\0bytes", 8));
  const auto cache = with_prebuilt(inner.cache(), blob);
  EXPECT_EQ(cache.load("default rules"), std::string("db\0bytes", 8));
  EXPECT_EQ(cache.load("other"), "other bytes");
  EXPECT_EQ(cache.load("unknown"), std::nullopt);
  cache.store("new", "new bytes");
  EXPECT_EQ(inner.files.at("new"), "new bytes");
  EXPECT_FALSE(inner.files.contains("default rules")) << "the prebuilt database is never copied to disk";
}

TEST(PrebuiltDatabase, ADamagedBlobIsNoPrebuiltDatabase) {
  Inner inner;
  const std::string good = encode_prebuilt("key", "bytes");
  for (const std::string& blob : {std::string(), good.substr(0, 3), good.substr(0, 5), std::string(4, '\0') + "x"}) {
    const auto cache = with_prebuilt(inner.cache(), blob);
    EXPECT_EQ(cache.load("key"), std::nullopt) << blob.size();
    EXPECT_EQ(cache.load(""), std::nullopt) << blob.size();
  }
  const auto no_inner = with_prebuilt(engine::DatabaseCache{}, good);
  EXPECT_EQ(no_inner.load("key"), "bytes");
  EXPECT_EQ(no_inner.load("else"), std::nullopt);
}

}  // namespace
}  // namespace keyward::config
