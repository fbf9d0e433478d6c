#include "scanner/cli/progress_line.h"

#include <unistd.h>

#include <cstdint>
#include <cstdio>

#include <fmt/format.h>

namespace keyward::cli {
namespace {

std::string mebibytes(std::uint64_t bytes) { return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / 1048576.0); }

void draw(const Progress& p) {
  if (p.done) {
    std::fputs("\r\x1b[K", stderr);
    return;
  }
  const double rate = p.seconds > 0 ? static_cast<double>(p.bytes) / p.seconds : 0.0;
  std::string eta = "?";
  if (p.items_done > 0 && p.items_total >= p.items_done) {
    const double per_item = p.seconds / static_cast<double>(p.items_done);
    eta = fmt::format("{:.0f}s", per_item * static_cast<double>(p.items_total - p.items_done));
  }
  std::fputs(fmt::format("\r\x1b[Kkeyward: {}/{} blobs, {} commits, {}, {}/s, ETA {}", p.items_done, p.items_total,
                         p.commits, mebibytes(p.bytes), mebibytes(static_cast<std::uint64_t>(rate)), eta)
                 .c_str(),
             stderr);
  std::fflush(stderr);
}

}  // namespace

std::function<void(const Progress&)> progress_line(ProgressDisplay display) {
  if (display == ProgressDisplay::kOff || isatty(STDERR_FILENO) == 0) return {};
  return draw;
}

}  // namespace keyward::cli
