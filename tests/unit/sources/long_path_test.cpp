#include "scanner/sources/long_path.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"

namespace keyward::sources {
namespace {

using keyward::testing::TempDir;

// `depth` directories named "dir" below `root`; returns the deepest one's path. The tree is made
// with openat so that its own making never names a long path.
std::string make_deep(const std::string& root, int depth) {
  int fd = open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  std::string path = root;
  for (int i = 0; i < depth; ++i) {
    EXPECT_EQ(mkdirat(fd, "dir", 0755), 0);
    const int child = openat(fd, "dir", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    close(fd);
    fd = child;
    path += "/dir";
  }
  const int file = openat(fd, "deep.txt", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
  EXPECT_EQ(write(file, "found", 5), 5);
  close(file);
  close(fd);
  return path;
}

// Removes what make_deep made, bottom up.
void remove_deep(const std::string& root, int depth) {
  std::string rel;
  for (int i = 0; i < depth; ++i) rel += i == 0 ? "dir" : "/dir";
  const int top = open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  std::vector<int> fds{top};
  for (int i = 0; i < depth; ++i) fds.push_back(openat(fds.back(), "dir", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  unlinkat(fds.back(), "deep.txt", 0);
  for (int i = depth; i > 0; --i) {
    close(fds[static_cast<std::size_t>(i)]);
    unlinkat(fds[static_cast<std::size_t>(i - 1)], "dir", AT_REMOVEDIR);
  }
  close(top);
}

TEST(LongPath, OpensAndStatsAFileBelowAPathFourTimesPathMax) {
  TempDir dir;
  constexpr int kDepth = 4 * PATH_MAX / 4;  // "/dir" per level: 4 x PATH_MAX bytes
  const std::string deep = make_deep(dir.path(), kDepth) + "/deep.txt";
  ASSERT_GT(deep.size(), 4u * PATH_MAX);
  ASSERT_EQ(open(deep.c_str(), O_RDONLY), -1);  // what the plain call says
  EXPECT_EQ(errno, ENAMETOOLONG);

  const int fd = open_any_length(deep, O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0) << std::strerror(errno);
  char bytes[8] = {};
  EXPECT_EQ(read(fd, bytes, sizeof bytes), 5);
  EXPECT_STREQ(bytes, "found");
  close(fd);
  struct stat st {};
  ASSERT_EQ(stat_any_length(deep, st, false), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_size, 5);
  remove_deep(dir.path(), kDepth);
}

TEST(LongPath, SaysWhyWhenADeepPathIsMissingOrANameIsTooLong) {
  TempDir dir;
  std::string missing = dir.path();
  while (missing.size() < 2 * PATH_MAX) missing += "/nowhere";
  errno = 0;
  EXPECT_EQ(open_any_length(missing, O_RDONLY), -1);
  EXPECT_EQ(errno, ENOENT);
  struct stat st {};
  EXPECT_EQ(stat_any_length(missing, st, true), -1);
  EXPECT_EQ(errno, ENOENT);

  const std::string one_long_name = dir.path() + "/" + std::string(PATH_MAX, 'n');
  EXPECT_EQ(open_any_length(one_long_name, O_RDONLY), -1);
  EXPECT_EQ(errno, ENAMETOOLONG);
}

TEST(LongPath, ShortPathsBehaveAsTheSystemCalls) {
  TempDir dir;
  const std::string file = dir.write("a/b.txt", "x");
  const int fd = open_any_length(file, O_RDONLY | O_CLOEXEC);
  EXPECT_GE(fd, 0);
  close(fd);
  struct stat st {};
  EXPECT_EQ(stat_any_length(dir / "a", st, true), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(open_any_length(dir / "none", O_RDONLY), -1);
  EXPECT_EQ(errno, ENOENT);
}

}  // namespace
}  // namespace keyward::sources
