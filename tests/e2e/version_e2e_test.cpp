// `keyward --version` (issue 20): keyward's version and the Hyperscan, RE2 and libgit2 it runs with, checked
// against what the build found (pkg-config), since on the machine that built it the loaded libraries are those.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace keyward::testing {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(VersionE2E, Issue20NamesKeywardAndTheLibrariesItRunsWith) {
  const ProcessResult result = run_keyward({"--version"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.err, "");
  const std::vector<std::string> lines = lines_of(result.out);
  ASSERT_EQ(lines.size(), 4u) << result.out;
  EXPECT_EQ(lines[0], "keyward " KEYWARD_EXPECTED_VERSION);
  EXPECT_EQ(lines[1].rfind("Hyperscan " KEYWARD_EXPECTED_HYPERSCAN_VERSION " ", 0), 0u) << lines[1];
  EXPECT_EQ(lines[3], "libgit2 " KEYWARD_EXPECTED_LIBGIT2_VERSION);
  // RE2 has no version call: the line says so and names the library file loaded, whose name carries its ABI.
  const std::string re2_prefix = "RE2 (no version call in RE2; library ";
  ASSERT_EQ(lines[2].rfind(re2_prefix, 0), 0u) << lines[2];
  const std::string re2_file = lines[2].substr(re2_prefix.size(), lines[2].size() - re2_prefix.size() - 1);
  EXPECT_NE(std::filesystem::path(re2_file).filename().string().find("libre2.so."), std::string::npos) << re2_file;
  EXPECT_TRUE(std::filesystem::is_regular_file(re2_file)) << re2_file;
  EXPECT_EQ(lines[2].back(), ')');
}

}  // namespace
}  // namespace keyward::testing
