#include "scanner/filter/audit_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace keyward::filter {

std::string audit_json(const AuditRecord& record) {
  nlohmann::ordered_json line = {
      {"time", record.time},
      {"input", record.input},
      {"env", record.env},
      {"model", record.model},
      {"verdict", to_string(record.verdict)},
      {"rules", record.rules},
      {"pointers", record.pointers},
      {"violations", record.violations},
      {"counts",
       {{"findings", record.findings},
        {"blocked", record.blocked},
        {"redacted", record.redacted},
        {"masked", record.masked},
        {"allowed", record.allowed},
        {"strings", record.strings}}},
      {"bytes_in", record.bytes_in},
      {"bytes_out", record.bytes_out},
  };
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Expected<void> append_audit_line(const std::string& path, const AuditRecord& record) {
  const std::string line = audit_json(record) + "\n";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return fail(fmt::format("{}: cannot open audit log: {}", path, std::strerror(errno)));
  std::size_t written = 0;
  while (written < line.size()) {
    const ssize_t got = ::write(fd, line.data() + written, line.size() - written);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      return fail(fmt::format("{}: cannot write audit log: {}", path, why));
    }
    written += static_cast<std::size_t>(got);
  }
  if (::close(fd) != 0) return fail(fmt::format("{}: cannot write audit log: {}", path, std::strerror(errno)));
  return {};
}

}  // namespace keyward::filter
