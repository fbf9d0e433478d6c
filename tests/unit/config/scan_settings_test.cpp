#include "scanner/config/scan_settings.h"

#include <gtest/gtest.h>

namespace keyward::config {
namespace {

TEST(ScanSettings, ReadsTheScanTableAndNothingElse) {
  const auto none = parse_scan_settings("[allowlist]\npaths = ['x']\n", "c.toml");
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_FALSE(none->max_file_bytes || none->max_decode_depth || none->redact);
  const auto set =
      parse_scan_settings("[scan]\nmax_file_bytes = 1024\nmax_decode_depth = 2\nredact = false\n", "c.toml");
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_EQ(set->max_file_bytes, 1024u);
  EXPECT_EQ(set->max_decode_depth, 2);
  EXPECT_EQ(set->redact, false);
}

TEST(ScanSettings, EveryBadKeyIsNamedWithItsLine) {
  const auto bad =
      parse_scan_settings("[scan]\nmax_file_bytes = -1\nmax_decode_depth = 9\nredact = 1\nlimit = 2\n", "c.toml");
  ASSERT_FALSE(bad);
  const std::string& m = bad.error().message;
  EXPECT_NE(m.find("c.toml:2: scan.max_file_bytes must be a positive integer"), std::string::npos) << m;
  EXPECT_NE(m.find("c.toml:3: scan.max_decode_depth must be an integer from 0 to 4"), std::string::npos) << m;
  EXPECT_NE(m.find("c.toml:4: scan.redact must be true or false"), std::string::npos) << m;
  EXPECT_NE(m.find("c.toml:5: unknown key 'scan.limit'"), std::string::npos) << m;
}

}  // namespace
}  // namespace keyward::config
