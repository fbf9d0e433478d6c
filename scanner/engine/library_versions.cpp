#include "scanner/engine/library_versions.h"

#include <dlfcn.h>

#include <filesystem>
#include <system_error>

#include <hs.h>
#include <re2/re2.h>

namespace keyward::engine {

std::string hyperscan_version() { return hs_version(); }

namespace {

// The file of the loaded object (executable or shared library) holding `code`; "" when the loader cannot say.
std::string object_file(void* code) {
  Dl_info info{};
  if (dladdr(code, &info) == 0 || info.dli_fname == nullptr) return "";
  return info.dli_fname;
}

}  // namespace

std::string re2_library_file() {
  const std::string re2 = object_file(reinterpret_cast<void*>(&re2::RE2::FullMatchN));
  if (re2.empty() || re2 == object_file(reinterpret_cast<void*>(&re2_library_file))) return "";
  // Followed through its links (libre2.so.9 -> libre2.so.9.0.0): the versioned file names the release's ABI.
  std::error_code error;
  const std::filesystem::path file = std::filesystem::canonical(re2, error);
  return error ? re2 : file.string();
}

}  // namespace keyward::engine
