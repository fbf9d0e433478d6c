// The working-tree source: walks directories on one thread, yielding files to scan, and loads a file's bytes
// on a worker. Skips .git/, what git ignores (unless asked), special files, symlinks (unless asked), binary
// files and files over the size limit, counting each skip. Knows nothing of rules or findings.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scanner/error.h"

namespace keyward::sources {

enum class SymlinkPolicy { kSkip, kFollow };
enum class IgnorePolicy { kRespectGitignore, kScanAll };

struct WalkOptions {
  SymlinkPolicy symlinks = SymlinkPolicy::kSkip;
  IgnorePolicy ignore = IgnorePolicy::kRespectGitignore;
};

struct WalkCounts {
  std::uint64_t ignored = 0;   // files and directories git ignores
  std::uint64_t symlinks = 0;  // links not followed
  std::uint64_t special = 0;   // FIFOs, sockets, devices
};

struct FileItem {
  std::string path;  // as shown in reports, and as opened
};

class WorktreeWalker {
 public:
  WorktreeWalker(std::vector<std::string> roots, WalkOptions options);
  ~WorktreeWalker();
  WorktreeWalker(const WorktreeWalker&) = delete;
  WorktreeWalker& operator=(const WorktreeWalker&) = delete;

  // The next file, or nullopt when the walk is done. Problems (an unreadable directory) go to diagnostics.
  std::optional<FileItem> next();

  const WalkCounts& counts() const { return counts_; }
  Diagnostics& diagnostics() { return diagnostics_; }

 private:
  struct State;
  std::unique_ptr<State> state_;
  WalkCounts counts_;
  Diagnostics diagnostics_;
};

enum class LoadStatus { kLoaded, kBinary, kTooLarge, kNotRegular, kError };

struct LoadResult {
  LoadStatus status = LoadStatus::kError;
  std::string error;      // with kError: why, without the path
  std::size_t bytes = 0;  // with kLoaded: how much of the buffer holds the file
};

// Reads the file into the front of `buffer`, which is reused between calls and only ever grows, so no call
// pays to zero memory it is about to overwrite. Binary: a NUL byte in the first 8 KiB.
LoadResult load_file(const std::string& path, std::uint64_t max_file_bytes, std::string& buffer);

inline constexpr std::size_t kBinarySniffBytes = 8192;

}  // namespace keyward::sources
