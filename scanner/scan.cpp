#include "scanner/scan.h"

#include <chrono>
#include <optional>

#include <fmt/format.h>

#include "scanner/engine/allowlist.h"
#include "scanner/engine/engine.h"
#include "scanner/engine/scratch.h"
#include "scanner/parallel.h"
#include "scanner/report/locate.h"
#include "scanner/sources/stdin.h"

namespace keyward {
namespace {

struct WorkerState {
  std::optional<engine::Scratch> scratch;
  std::string buffer;
  report::Report partial;
};

// Scans one loaded item into `into`: engine, then the per-item post-scan.
void scan_item(const engine::RuleSet& rules, std::string_view path, std::string_view bytes, engine::Scratch& scratch,
               report::Report& into) {
  ++into.stats.files;
  into.stats.bytes += bytes.size();
  auto matches = engine::scan(rules, bytes, scratch);
  if (!matches) {
    into.diagnostics.push_back({std::string(path), matches.error().message});
    return;
  }
  if (matches->empty()) return;
  for (auto& finding : report::locate(rules, path, bytes, *matches)) into.findings.push_back(std::move(finding));
}

void load_and_scan(const engine::RuleSet& rules, const std::string& path, const ScanOptions& options,
                   WorkerState& state) {
  report::Report& into = state.partial;
  if (!state.scratch) {
    auto scratch = engine::Scratch::create(rules);
    if (!scratch) {
      into.diagnostics.push_back({path, scratch.error().message});
      return;
    }
    state.scratch.emplace(std::move(*scratch));
  }
  const auto loaded = sources::load_file(path, options.max_file_bytes, state.buffer);
  switch (loaded.status) {
    case sources::LoadStatus::kLoaded:
      scan_item(rules, path, state.buffer, *state.scratch, into);
      return;
    case sources::LoadStatus::kBinary:
      ++into.stats.skipped.binary;
      return;
    case sources::LoadStatus::kTooLarge:
      ++into.stats.skipped.too_large;
      return;
    case sources::LoadStatus::kNotRegular:
      ++into.stats.skipped.special;
      return;
    case sources::LoadStatus::kError:
      into.diagnostics.push_back({path, loaded.error});
      return;
  }
}

void merge(report::Report& into, report::Report&& from) {
  for (auto& f : from.findings) into.findings.push_back(std::move(f));
  for (auto& d : from.diagnostics) into.diagnostics.push_back(std::move(d));
  into.stats.files += from.stats.files;
  into.stats.bytes += from.stats.bytes;
  into.stats.skipped.add(from.stats.skipped);
}

}  // namespace

report::Report scan_paths(const engine::RuleSet& rules, const std::vector<std::string>& roots,
                          const ScanOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  report::Report report;
  std::vector<std::string> walk_roots;
  for (const auto& root : roots) {
    if (root != "-") {
      walk_roots.push_back(root);
      continue;
    }
    auto bytes = sources::read_stdin();
    if (!bytes) {
      report.diagnostics.push_back({sources::kStdinPath, bytes.error().message});
      continue;
    }
    merge(report, scan_bytes(rules, sources::kStdinPath, *bytes));
  }

  sources::WorktreeWalker walker(std::move(walk_roots), options.walk);
  const int threads = resolve_thread_count(options.threads);
  std::vector<WorkerState> workers(static_cast<std::size_t>(threads));
  run_pipeline(threads, [&]() -> Task {
    while (auto item = walker.next()) {
      if (engine::path_allowed(rules.global_allowlist(), item->path)) {
        ++report.stats.skipped.allowlisted;
        continue;
      }
      return [&rules, &options, &workers, path = std::move(item->path)](int worker) {
        load_and_scan(rules, path, options, workers[static_cast<std::size_t>(worker)]);
      };
    }
    return {};
  });
  for (auto& worker : workers) merge(report, std::move(worker.partial));
  const auto& counts = walker.counts();
  report.stats.skipped.ignored += counts.ignored;
  report.stats.skipped.symlinks += counts.symlinks;
  report.stats.skipped.special += counts.special;
  for (auto& d : walker.diagnostics()) report.diagnostics.push_back(std::move(d));
  report.stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

report::Report scan_bytes(const engine::RuleSet& rules, std::string_view path, std::string_view bytes) {
  report::Report report;
  auto scratch = engine::Scratch::create(rules);
  if (!scratch) {
    report.diagnostics.push_back({std::string(path), scratch.error().message});
    return report;
  }
  scan_item(rules, path, bytes, *scratch, report);
  return report;
}

}  // namespace keyward
