#include "scanner/sources/stdin.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace keyward::sources {

Expected<std::string> read_stdin() {
  std::string bytes;
  char block[65536];
  for (;;) {
    const ssize_t got = read(STDIN_FILENO, block, sizeof block);
    if (got < 0) {
      if (errno == EINTR) continue;
      return fail(fmt::format("cannot read standard input: {}", std::strerror(errno)));
    }
    if (got == 0) return bytes;
    bytes.append(block, static_cast<std::size_t>(got));
  }
}

}  // namespace keyward::sources
