#include "scanner/config/database_cache.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "scanner/engine/engine.h"
#include "tests/support/temp_dir.h"

namespace keyward::config {
namespace {

using keyward::testing::TempDir;

// One rule in the main database and two in keyword groups of their own: every database goes through the cache.
std::vector<engine::Rule> rules() {
  engine::Rule acme{.id = "acme", .description = "d", .regex = R"(key=([a-z]{6}))"};
  acme.keywords = {"acme"};
  engine::Rule zeta{.id = "zeta", .description = "d", .regex = R"(pin=([0-9]{6}))"};
  zeta.keywords = {"zeta"};
  return {engine::Rule{.id = "tok", .description = "d", .regex = R"(tok_([a-z]{6}))"}, acme, zeta};
}

std::size_t count_findings(const engine::RuleSet& set, std::string_view text) {
  auto scratch = engine::Scratch::create(set);
  return scan(set, text, *scratch)->size();
}

std::vector<std::filesystem::path> cached_files(const std::string& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) files.push_back(e.path());
  return files;
}

TEST(DatabaseCache, StoresOnceThenLoadsTheSameDatabase) {
  TempDir dir;
  const auto cache = file_database_cache(dir / "cache");
  int loads = 0;
  engine::DatabaseCache counting = cache;
  counting.load = [&](const std::string& key) {
    auto bytes = cache.load(key);
    if (bytes) ++loads;
    return bytes;
  };
  auto first = engine::RuleSet::compile(rules(), {.global_allowlists = {}, .phone_check = nullptr, .cache = &counting});
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(loads, 0);
  ASSERT_EQ(cached_files(dir / "cache").size(), 1u);
  auto second =
      engine::RuleSet::compile(rules(), {.global_allowlists = {}, .phone_check = nullptr, .cache = &counting});
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(loads, 1);
  EXPECT_EQ(count_findings(*second, "x tok_abcdef y"), 1u);
  EXPECT_EQ(count_findings(*second, "acme key=abcdef zeta pin=123456"), 2u);
  EXPECT_EQ(count_findings(*second, "key=abcdef pin=123456"), 0u);  // no keyword, no gated rule
}

TEST(DatabaseCache, ACorruptFileIsARebuildNotACrash) {
  TempDir dir;
  const auto cache = file_database_cache(dir / "cache");
  ASSERT_TRUE(engine::RuleSet::compile(rules(), {.global_allowlists = {}, .phone_check = nullptr, .cache = &cache}));
  const auto file = cached_files(dir / "cache").at(0);
  for (const std::size_t keep : {std::size_t{0}, std::size_t{10}, std::size_t{200}}) {
    std::string bytes = keyward::testing::read_file(file.string());
    bytes.resize(std::min(bytes.size(), keep));
    bytes += "garbage";
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
    auto set = engine::RuleSet::compile(rules(), {.global_allowlists = {}, .phone_check = nullptr, .cache = &cache});
    ASSERT_TRUE(set.has_value());
    EXPECT_EQ(count_findings(*set, "tok_abcdef"), 1u);
  }
}

TEST(DatabaseCache, DifferentRulesGetDifferentFilesAndTheDirectoryStaysBounded) {
  TempDir dir;
  const auto cache = file_database_cache(dir.path());
  for (std::size_t i = 0; i < kMaxCachedDatabases + 4; ++i) {
    std::vector<engine::Rule> r = {
        engine::Rule{.id = "tok", .description = "d", .regex = "tok" + std::to_string(i) + "_([a-z]{6})"}};
    ASSERT_TRUE(engine::RuleSet::compile(r, {.global_allowlists = {}, .phone_check = nullptr, .cache = &cache}));
  }
  EXPECT_EQ(cached_files(dir.path()).size(), kMaxCachedDatabases);
}

TEST(DatabaseCache, AnUnwritableDirectoryMeansNoCache) {
  const auto cache = file_database_cache("/proc/keyward-cannot-exist");
  auto set = engine::RuleSet::compile(rules(), {.global_allowlists = {}, .phone_check = nullptr, .cache = &cache});
  ASSERT_TRUE(set.has_value());
  EXPECT_EQ(count_findings(*set, "tok_abcdef"), 1u);
}

}  // namespace
}  // namespace keyward::config
