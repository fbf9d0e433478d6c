#include "scanner/sources/worktree.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "scanner/sources/git.h"
#include "scanner/sources/gitignore.h"
#include "scanner/sources/long_path.h"

namespace keyward::sources {
namespace {

enum class Kind { kFile, kDirectory, kSymlink, kSpecial, kUnknown };

struct Entry {
  std::string name;
  Kind kind;
};

Kind kind_of(unsigned char d_type) {
  switch (d_type) {
    case DT_REG:
      return Kind::kFile;
    case DT_DIR:
      return Kind::kDirectory;
    case DT_LNK:
      return Kind::kSymlink;
    case DT_UNKNOWN:
      return Kind::kUnknown;
    default:
      return Kind::kSpecial;
  }
}

Kind kind_of_mode(mode_t mode) {
  if (S_ISREG(mode)) return Kind::kFile;
  if (S_ISDIR(mode)) return Kind::kDirectory;
  if (S_ISLNK(mode)) return Kind::kSymlink;
  return Kind::kSpecial;
}

// The repository a root lies in, for ignore decisions, and the root's path relative to its workdir. Ignore rules
// apply only to what git does not track (a tracked .env matching `.env` in .gitignore is still in every clone),
// so the index's paths are kept too.
struct RootRepo {
  Repository repo;
  std::string root_prefix;  // "" or "sub/dir/"
  std::optional<GitIgnore> ignore;
  std::vector<std::string> tracked;  // sorted
  std::string index_error;           // why the index could not be read (then nothing counts as tracked)

  bool is_tracked(std::string_view path) const { return std::binary_search(tracked.begin(), tracked.end(), path); }
  bool tracks_below(std::string_view dir) const {  // a tracked path inside directory `dir`
    const std::string prefix = std::string(dir) + "/";
    const auto it = std::lower_bound(tracked.begin(), tracked.end(), prefix);
    return it != tracked.end() && it->compare(0, prefix.size(), prefix) == 0;
  }
};

RootRepo open_root_repo(const std::string& root) {
  RootRepo out;
  out.repo = discover_repository(root);
  if (!out.repo) return out;
  const std::string dir = workdir(out.repo.get());
  if (dir.empty()) {
    out.repo.reset();
    return out;
  }
  std::error_code ec;
  const std::string absolute = std::filesystem::weakly_canonical(root, ec).string();
  const std::string base = dir.substr(0, dir.size() - 1);
  if (ec || absolute.compare(0, base.size(), base) != 0) {
    out.repo.reset();
    return out;
  }
  out.root_prefix = absolute.size() > base.size() ? absolute.substr(base.size() + 1) + "/" : "";
  out.ignore.emplace(out.repo.get());
  if (auto paths = tracked_paths(out.repo.get())) {
    out.tracked = std::move(*paths);
  } else {
    out.index_error = paths.error().message;
  }
  return out;
}

}  // namespace

struct WorktreeWalker::State {
  // A directory being walked. Only the top one's entries are taken, so the prefixes of all of them are kept
  // once, in `display_prefix` and `repo_prefix` below, each directory knowing only its length: 10,000 nested
  // directories then hold 20 KB of path, not 10,000 copies of it.
  struct PendingDir {
    std::size_t display_length = 0;
    std::size_t repo_length = 0;
    std::vector<Entry> entries;
    bool ignored = false;  // git ignores this directory: only what it tracks inside is walked
  };

  std::vector<std::string> roots;
  std::size_t next_root = 0;
  WalkOptions options;
  RootRepo repo;
  std::vector<PendingDir> stack;
  std::string display_prefix;                 // what goes before an entry's name in reports, for the top directory
  std::string repo_prefix;                    // the same, relative to the repository's workdir
  std::set<std::pair<dev_t, ino_t>> visited;  // directories entered, when links are followed
};

WorktreeWalker::WorktreeWalker(std::vector<std::string> roots, WalkOptions options)
    : state_(std::make_unique<State>()) {
  state_->roots = std::move(roots);
  state_->options = options;
}

WorktreeWalker::~WorktreeWalker() = default;

namespace {

// Reads a whole directory and closes it, so a deep tree never holds more than one descriptor open.
Expected<std::vector<Entry>> read_directory(const std::string& path) {
  const int fd = open_any_length(path.empty() ? "." : path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR* dir = fd < 0 ? nullptr : fdopendir(fd);
  if (dir == nullptr) {
    const int error = errno;
    if (fd >= 0) close(fd);
    return fail(fmt::format("cannot read directory: {}", std::strerror(error)));
  }
  std::vector<Entry> entries;
  while (const dirent* entry = readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (name == "." || name == ".." || name == ".git") continue;
    entries.push_back({std::string(name), kind_of(entry->d_type)});
  }
  closedir(dir);
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.name > b.name; });
  return entries;
}

std::string display_prefix_for_root(const std::string& root) {
  if (root == "." || root == "./") return "";
  return root.back() == '/' ? root : root + "/";
}

}  // namespace

std::optional<FileItem> WorktreeWalker::next() {
  State& s = *state_;
  const bool respect_ignore = s.options.ignore == IgnorePolicy::kRespectGitignore;
  const bool follow = s.options.symlinks == SymlinkPolicy::kFollow;

  // Whether git ignores `repo_path`, in a directory git ignores (`in_ignored`) or not. A directory git ignores
  // may still hold tracked files, which are walked; nothing untracked below it is.
  auto ignored = [&](const std::string& repo_path, PathKind kind, bool in_ignored) {
    if (!respect_ignore || !s.repo.ignore) return false;
    if (kind == PathKind::kFile && s.repo.is_tracked(repo_path)) return false;
    return in_ignored || s.repo.ignore->ignored(repo_path, kind);
  };

  auto enter = [&](const std::string& display, const std::string& repo_path, const struct stat* st, bool ignored_dir) {
    if (follow && st != nullptr && !s.visited.insert({st->st_dev, st->st_ino}).second) {
      diagnostics_.push_back({display, "symlink loop: directory already visited"});
      return;
    }
    auto entries = read_directory(display);
    if (!entries) {
      diagnostics_.push_back({display.empty() ? "." : display, entries.error().message});
      return;
    }
    s.display_prefix = display.empty() ? "" : display + "/";
    s.repo_prefix = repo_path.empty() ? "" : repo_path + "/";
    s.stack.push_back({.display_length = s.display_prefix.size(),
                       .repo_length = s.repo_prefix.size(),
                       .entries = std::move(*entries),
                       .ignored = ignored_dir});
  };

  for (;;) {
    if (s.stack.empty()) {
      if (s.next_root >= s.roots.size()) return std::nullopt;
      const std::string root = s.roots[s.next_root++];
      struct stat st {};
      if (stat(root.c_str(), &st) != 0) {
        diagnostics_.push_back({root, fmt::format("cannot read: {}", std::strerror(errno))});
        continue;
      }
      if (!S_ISDIR(st.st_mode)) {
        if (S_ISREG(st.st_mode)) return FileItem{root};
        ++counts_.special;
        continue;
      }
      s.repo = respect_ignore ? open_root_repo(root) : RootRepo{};
      if (!s.repo.index_error.empty()) diagnostics_.push_back({root, s.repo.index_error});
      s.visited.clear();
      std::string display = display_prefix_for_root(root);
      if (!display.empty()) display.pop_back();
      std::string repo_path = s.repo.root_prefix;
      if (!repo_path.empty()) repo_path.pop_back();
      enter(display, repo_path, &st, false);
      continue;
    }
    State::PendingDir& dir = s.stack.back();
    if (dir.entries.empty()) {
      s.stack.pop_back();
      continue;
    }
    Entry entry = std::move(dir.entries.back());
    dir.entries.pop_back();
    const bool in_ignored = dir.ignored;
    s.display_prefix.resize(dir.display_length);  // back from a subdirectory walked before this entry
    s.repo_prefix.resize(dir.repo_length);
    std::string display = s.display_prefix + entry.name;
    std::string repo_path = s.repo_prefix + entry.name;

    struct stat st {};
    bool have_stat = false;
    if (entry.kind == Kind::kUnknown) {
      if (stat_any_length(display, st, false) != 0) {
        diagnostics_.push_back({display, fmt::format("cannot read: {}", std::strerror(errno))});
        continue;
      }
      have_stat = true;
      entry.kind = kind_of_mode(st.st_mode);
    }
    if (entry.kind == Kind::kSymlink) {
      if (!follow) {
        ++counts_.symlinks;
        continue;
      }
      if (stat_any_length(display, st, true) != 0) {
        diagnostics_.push_back({display, fmt::format("broken symlink: {}", std::strerror(errno))});
        continue;
      }
      have_stat = true;
      entry.kind = kind_of_mode(st.st_mode);
    }
    switch (entry.kind) {
      case Kind::kDirectory: {
        const bool ignored_dir = ignored(repo_path, PathKind::kDirectory, in_ignored);
        if (ignored_dir && !s.repo.tracks_below(repo_path)) {
          ++counts_.ignored;
          continue;
        }
        if (follow && !have_stat && stat_any_length(display, st, true) == 0) have_stat = true;
        enter(display, repo_path, have_stat ? &st : nullptr, ignored_dir);
        continue;
      }
      case Kind::kFile:
        if (ignored(repo_path, PathKind::kFile, in_ignored)) {
          ++counts_.ignored;
          continue;
        }
        return FileItem{std::move(display)};
      default:
        ++counts_.special;
        continue;
    }
  }
}

LoadResult load_file(const std::string& path, std::uint64_t max_file_bytes, std::string& buffer) {
  const int fd = open_any_length(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return {.status = LoadStatus::kError, .error = fmt::format("cannot open: {}", std::strerror(errno))};
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  struct stat st {};
  if (fstat(fd, &st) != 0) return {.status = LoadStatus::kError, .error = std::strerror(errno)};
  if (!S_ISREG(st.st_mode)) return {.status = LoadStatus::kNotRegular, .error = {}};
  if (static_cast<std::uint64_t>(st.st_size) > max_file_bytes) return {.status = LoadStatus::kTooLarge, .error = {}};
  const auto wanted = static_cast<std::size_t>(st.st_size) + 1;  // one byte more tells a file that grew
  if (buffer.size() < wanted) buffer.resize(wanted);
  std::size_t filled = 0;
  bool sniffed = false;
  for (;;) {
    if (filled == buffer.size()) {
      if (buffer.size() > max_file_bytes) return {.status = LoadStatus::kTooLarge, .error = {}, .bytes = 0};
      buffer.resize(std::max<std::size_t>(buffer.size() * 2, 4096));  // the file grew while we read it
    }
    const std::size_t room = buffer.size() - filled;
    const std::size_t want = sniffed ? room : std::min(room, kBinarySniffBytes - filled);
    const ssize_t got = read(fd, buffer.data() + filled, want);
    if (got < 0) {
      if (errno == EINTR) continue;
      return {.status = LoadStatus::kError, .error = fmt::format("cannot read: {}", std::strerror(errno))};
    }
    filled += static_cast<std::size_t>(got);
    // Binary is decided on the first 8 KiB: stop reading as soon as they tell.
    if (!sniffed && (filled >= kBinarySniffBytes || got == 0)) {
      sniffed = true;
      if (std::memchr(buffer.data(), '\0', std::min(filled, kBinarySniffBytes)) != nullptr) {
        return {.status = LoadStatus::kBinary, .error = {}};
      }
    }
    if (got == 0) break;
  }
  if (filled > max_file_bytes) return {.status = LoadStatus::kTooLarge, .error = {}, .bytes = 0};
  return {.status = LoadStatus::kLoaded, .error = {}, .bytes = filled};
}

}  // namespace keyward::sources
