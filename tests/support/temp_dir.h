// TempDir: a fresh directory for one test, removed with everything in it when the test ends.
#pragma once

#include <string>
#include <string_view>

namespace keyward::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(std::string_view relative) const { return path_ + "/" + std::string(relative); }

  // Writes a file (parents created) with exactly these bytes; returns its path.
  std::string write(std::string_view relative, std::string_view bytes) const;

 private:
  std::string path_;
};

std::string read_file(const std::string& path);

}  // namespace keyward::testing
