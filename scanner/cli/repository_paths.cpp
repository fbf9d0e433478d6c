#include "scanner/cli/repository_paths.h"

#include <filesystem>
#include <map>

#include "scanner/report/fingerprint.h"
#include "scanner/sources/git.h"
#include "scanner/sources/stdin.h"

namespace keyward::cli {
namespace {

namespace fs = std::filesystem;

// The working directory of the repository holding `directory` (canonical, with a trailing '/'), or "" when none.
std::string workdir_of(const fs::path& directory) {
  const sources::Repository repo = sources::discover_repository(directory.string());
  if (!repo) return "";
  const std::string workdir = sources::workdir(repo.get());
  if (workdir.empty()) return "";
  std::error_code ec;
  const std::string canonical = fs::weakly_canonical(workdir, ec).string();
  if (ec) return "";
  return canonical.ends_with('/') ? canonical : canonical + "/";
}

}  // namespace

std::vector<std::string> repository_paths(const report::Report& report) {
  std::map<fs::path, std::string> workdirs;  // one repository discovery per directory
  std::vector<std::string> paths;
  paths.reserve(report.findings.size());
  for (const auto& finding : report.findings) {
    paths.push_back(finding.path);
    if (finding.path == sources::kStdinPath) continue;
    std::error_code ec;
    const fs::path absolute = fs::absolute(finding.path, ec).lexically_normal();
    if (ec || !absolute.has_filename()) continue;
    const fs::path directory = fs::weakly_canonical(absolute.parent_path(), ec);
    if (ec) continue;
    auto known = workdirs.find(directory);
    if (known == workdirs.end()) known = workdirs.emplace(directory, workdir_of(directory)).first;
    const std::string& workdir = known->second;
    const std::string inside = (directory / absolute.filename()).string();
    if (!workdir.empty() && inside.starts_with(workdir)) paths.back() = inside.substr(workdir.size());
  }
  return paths;
}

void fingerprint_by_repository_path(report::Report& report, const std::vector<std::string>& paths) {
  for (std::size_t i = 0; i < report.findings.size() && i < paths.size(); ++i) {
    auto& finding = report.findings[i];
    finding.fingerprint = report::fingerprint(finding.rule_id, paths[i], finding.secret);
  }
}

}  // namespace keyward::cli
