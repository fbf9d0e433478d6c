#include "scanner/config/database_cache.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "scanner/sha256.h"

namespace keyward::config {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMagic = "KWDB1\n";

std::string path_for(const std::string& directory, const std::string& key) {
  return directory + "/" + sha256_hex(key) + ".hsdb";
}

std::optional<std::string> load(const std::string& directory, const std::string& key) {
  // One read into one buffer: this is on every run's startup path.
  std::ifstream in(path_for(directory, key), std::ios::binary | std::ios::ate);
  if (!in) return std::nullopt;
  const auto size = static_cast<std::size_t>(in.tellg());
  const std::size_t header = kMagic.size() + kSha256HexChars + 1;  // magic, 64 hex digits, newline
  if (size < header) return std::nullopt;
  std::string file(size, '\0');
  in.seekg(0);
  if (!in.read(file.data(), static_cast<std::streamsize>(size))) return std::nullopt;
  if (file.compare(0, kMagic.size(), kMagic) != 0) return std::nullopt;
  if (file.compare(kMagic.size(), kSha256HexChars, sha256_hex(std::string_view(file).substr(header))) != 0)
    return std::nullopt;
  file.erase(0, header);
  return file;
}

void prune(const std::string& directory) {
  std::error_code ec;
  std::vector<fs::directory_entry> files;
  for (const auto& entry : fs::directory_iterator(directory, ec)) {
    if (entry.path().extension() == ".hsdb") files.push_back(entry);
  }
  if (files.size() <= kMaxCachedDatabases) return;
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) {
    std::error_code e;
    return a.last_write_time(e) > b.last_write_time(e);
  });
  for (std::size_t i = kMaxCachedDatabases; i < files.size(); ++i) fs::remove(files[i].path(), ec);
}

void store(const std::string& directory, const std::string& key, std::string_view bytes) {
  std::error_code ec;
  fs::create_directories(directory, ec);
  if (ec) return;
  const std::string target = path_for(directory, key);
  const std::string temp = fmt::format("{}.{}.tmp", target, getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << kMagic << sha256_hex(bytes) << '\n';
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      fs::remove(temp, ec);
      return;
    }
  }
  fs::rename(temp, target, ec);
  if (ec) fs::remove(temp, ec);
  prune(directory);
}

}  // namespace

std::optional<std::string> default_cache_dir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && xdg[0] == '/') {
    return std::string(xdg) + "/keyward";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && home[0] != '\0') {
    return std::string(home) + "/.cache/keyward";
  }
  return std::nullopt;
}

engine::DatabaseCache file_database_cache(const std::string& directory) {
  return engine::DatabaseCache{
      .load = [directory](const std::string& key) { return load(directory, key); },
      .store = [directory](const std::string& key, std::string_view bytes) { store(directory, key, bytes); },
  };
}

}  // namespace keyward::config
