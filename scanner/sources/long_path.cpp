#include "scanner/sources/long_path.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <string_view>

namespace keyward::sources {
namespace {

// The longest piece handed to one openat() call: well below PATH_MAX.
constexpr std::size_t kStepBytes = PATH_MAX / 2;

class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) {
      const int saved = errno;  // closing must not hide why a step failed
      close(fd_);
      errno = saved;
    }
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int get() const { return fd_; }
  void reset(int fd) {
    Descriptor old(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

// Walks the directories of `path` but its last kStepBytes or so; calls `last(dirfd, rest)` on what remains.
template <typename Last>
int resolve_in_steps(const std::string& path, Last last) {
  std::string_view rest = path;
  Descriptor dir(-1);
  if (rest.front() == '/') {
    dir.reset(open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (dir.get() < 0) return -1;
    rest.remove_prefix(1);
  }
  while (rest.size() >= kStepBytes) {
    const std::size_t slash = rest.substr(0, kStepBytes).rfind('/');
    if (slash == std::string_view::npos || slash == 0) {  // one name longer than a step: no file can have it
      errno = ENAMETOOLONG;
      return -1;
    }
    const std::string step(rest.substr(0, slash));
    const int next = openat(dir.get() < 0 ? AT_FDCWD : dir.get(), step.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (next < 0) return -1;
    dir.reset(next);
    rest.remove_prefix(slash + 1);
  }
  return last(dir.get() < 0 ? AT_FDCWD : dir.get(), std::string(rest));
}

}  // namespace

int open_any_length(const std::string& path, int flags) {
  const int fd = open(path.c_str(), flags);
  if (fd >= 0 || errno != ENAMETOOLONG || path.empty()) return fd;
  return resolve_in_steps(path, [flags](int dir, const std::string& rest) { return openat(dir, rest.c_str(), flags); });
}

int stat_any_length(const std::string& path, struct stat& st, bool follow_last) {
  const int result = follow_last ? stat(path.c_str(), &st) : lstat(path.c_str(), &st);
  if (result == 0 || errno != ENAMETOOLONG || path.empty()) return result;
  return resolve_in_steps(path, [&st, follow_last](int dir, const std::string& rest) {
    return fstatat(dir, rest.c_str(), &st, follow_last ? 0 : AT_SYMLINK_NOFOLLOW);
  });
}

}  // namespace keyward::sources
