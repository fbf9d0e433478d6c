#include "scanner/scan.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <map>
#include <optional>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

#include "scanner/engine/allowlist.h"
#include "scanner/engine/decode.h"
#include "scanner/engine/engine.h"
#include "scanner/engine/scratch.h"
#include "scanner/parallel.h"
#include "scanner/report/locate.h"
#include "scanner/report/required.h"
#include "scanner/sources/stdin.h"

namespace keyward {
namespace {

struct WorkerState {
  std::optional<engine::Scratch> scratch;
  std::string buffer;
  sources::Inflater inflater;  // git scans: the zlib stream of this worker's pack reads
  report::Report partial;
};

// Runs one item's work; whatever it throws (a library, a rule's check, a bug on odd content) becomes a diagnostic
// naming the item, and the scan goes on with every other item. main turns any diagnostic into exit 2.
template <typename Body>
void contained(std::string_view origin, report::Report& into, const Body& body) {
  try {
    body();
  } catch (const std::bad_alloc&) {
    into.diagnostics.push_back({std::string(origin), "out of memory, not scanned"});
  } catch (const std::exception& e) {
    into.diagnostics.push_back({std::string(origin), fmt::format("internal error, not scanned: {}", e.what())});
  } catch (...) {
    into.diagnostics.push_back({std::string(origin), "internal error, not scanned"});
  }
}

// Scans one loaded item into `into`: engine, then the per-item post-scan.
void scan_item(const engine::RuleSet& rules, const engine::Item& item, std::string_view bytes, engine::Scratch& scratch,
               int max_decode_depth, report::Report& into) {
  ++into.stats.files;
  into.stats.bytes += bytes.size();
  contained(item.path, into, [&] {
    auto matches = engine::scan_decoded(rules, bytes, scratch, max_decode_depth, item);
    if (!matches) {
      into.diagnostics.push_back({std::string(item.path), matches.error().message});
      return;
    }
    if (matches->empty()) return;
    auto findings = report::locate(rules, item.path, bytes, *matches);
    report::apply_required_rules(rules, findings);
    for (auto& finding : findings) into.findings.push_back(std::move(finding));
  });
}

// The findings of rules on paths alone (the file itself), whether or not its bytes are then scanned or skipped.
void add_path_findings(const engine::RuleSet& rules, const engine::Item& item, const sources::CommitInfo* commit,
                       report::Report& into) {
  contained(item.path, into, [&] {
    for (auto& finding : report::path_findings(rules, item)) {
      if (commit != nullptr) {
        finding.git = {.commit = commit->id, .author = commit->author, .email = commit->email, .date = commit->date};
      }
      into.findings.push_back(std::move(finding));
    }
  });
}

// Makes the worker's scratch on its first item; a failure is that item's diagnostic.
bool has_scratch(const engine::RuleSet& rules, WorkerState& state, std::string_view origin) {
  if (state.scratch) return true;
  auto scratch = engine::Scratch::create(rules);
  if (!scratch) {
    state.partial.diagnostics.push_back({std::string(origin), scratch.error().message});
    return false;
  }
  state.scratch.emplace(std::move(*scratch));
  return true;
}

// Reads a file into the worker's buffer; a skip is counted and a failure is a diagnostic under `origin`.
std::optional<std::string_view> load_counted(const std::string& file, std::string_view origin,
                                             const ScanOptions& options, WorkerState& state) {
  report::Report& into = state.partial;
  const auto loaded = sources::load_file(file, options.max_file_bytes, state.buffer);
  switch (loaded.status) {
    case sources::LoadStatus::kLoaded:
      return std::string_view(state.buffer).substr(0, loaded.bytes);
    case sources::LoadStatus::kBinary:
      ++into.stats.skipped.binary;
      break;
    case sources::LoadStatus::kTooLarge:
      ++into.stats.skipped.too_large;
      break;
    case sources::LoadStatus::kNotRegular:
      ++into.stats.skipped.special;
      break;
    case sources::LoadStatus::kError:
      into.diagnostics.push_back({std::string(origin), loaded.error});
      break;
  }
  return std::nullopt;
}

void load_and_scan(const engine::RuleSet& rules, const std::string& path, const ScanOptions& options,
                   WorkerState& state) {
  if (!has_scratch(rules, state, path)) return;
  const engine::Item item{.path = path, .commit = {}};
  add_path_findings(rules, item, nullptr, state.partial);
  if (const auto bytes = load_counted(path, path, options, state)) {
    scan_item(rules, item, *bytes, *state.scratch, options.max_decode_depth, state.partial);
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
    merge(report, scan_bytes(rules, sources::kStdinPath, *bytes, options.max_decode_depth));
  }

  sources::WorktreeWalker walker(std::move(walk_roots), options.walk);
  const int threads = resolve_thread_count(options.threads);
  std::vector<WorkerState> workers(static_cast<std::size_t>(threads));
  run_pipeline(threads, [&]() -> Task {
    while (auto item = walker.next()) {
      if (engine::item_allowed(rules.global_allowlists(), {.path = item->path, .commit = {}})) {
        ++report.stats.skipped.allowlisted;
        continue;
      }
      return [&rules, &options, &workers, path = std::move(item->path)](int worker) {
        auto& state = workers[static_cast<std::size_t>(worker)];
        contained(path, state.partial, [&] { load_and_scan(rules, path, options, state); });
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

namespace {

bool on_added_line(const sources::GitItem& item, const report::Finding& finding) {
  if (item.filter == sources::LineFilter::kAllLines) return true;
  auto first = std::lower_bound(item.added_lines.begin(), item.added_lines.end(), finding.line);
  return first != item.added_lines.end() && *first <= finding.end_line;
}

const sources::CommitInfo* commit_of(const sources::GitPlan& plan, const sources::GitItem& item) {
  return item.commit >= 0 ? &plan.commits[static_cast<std::size_t>(item.commit)] : nullptr;
}

engine::Item engine_item(const sources::GitItem& item, const sources::CommitInfo* commit) {
  return {.path = item.path, .commit = commit != nullptr ? std::string_view(commit->id) : std::string_view()};
}

// Scans a git item's bytes: size and binary skips, the engine, then only findings on added lines, with the
// item's commit; rules on paths alone report the file whatever its bytes.
void scan_git_bytes(const engine::RuleSet& rules, const sources::GitPlan& plan, const sources::GitItem& item,
                    std::string_view bytes, const ScanOptions& options, WorkerState& state) {
  report::Report& into = state.partial;
  if (!has_scratch(rules, state, item.path)) return;
  const sources::CommitInfo* commit = commit_of(plan, item);
  const engine::Item where = engine_item(item, commit);
  if (engine::item_allowed(rules.global_allowlists(), where)) {  // its path or its commit
    ++into.stats.skipped.allowlisted;
    return;
  }
  add_path_findings(rules, where, commit, into);
  if (bytes.size() > options.max_file_bytes) {
    ++into.stats.skipped.too_large;
    return;
  }
  if (bytes.substr(0, sources::kBinarySniffBytes).find('\0') != std::string_view::npos) {
    ++into.stats.skipped.binary;
    return;
  }
  const std::size_t before = into.findings.size();
  scan_item(rules, where, bytes, *state.scratch, options.max_decode_depth, into);
  auto kept = into.findings.begin() + static_cast<std::ptrdiff_t>(before);
  for (auto it = kept; it != into.findings.end(); ++it) {
    if (!on_added_line(item, *it)) continue;
    if (commit != nullptr) {
      it->git = {.commit = commit->id, .author = commit->author, .email = commit->email, .date = commit->date};
    }
    if (kept != it) *kept = std::move(*it);
    ++kept;
  }
  into.findings.erase(kept, into.findings.end());
}

// Reads one item on its own (a commit message, a working-tree file, a blob planning read already, or a blob through
// libgit2) and scans it.
void scan_git_item(const engine::RuleSet& rules, const sources::GitPlan& plan, const sources::GitItem& item,
                   const ScanOptions& options, WorkerState& state) {
  std::string_view bytes = item.text;
  if (item.bytes) {
    bytes = *item.bytes;
  } else if (!item.disk_path.empty()) {
    const auto loaded = load_counted(item.disk_path, item.path, options, state);
    if (!loaded) {  // skipped (binary, too large) or unreadable: its path may still be a finding
      add_path_findings(rules, engine_item(item, commit_of(plan, item)), commit_of(plan, item), state.partial);
      return;
    }
    bytes = *loaded;
  } else if (item.blob) {
    if (auto read = plan.blobs->read(*item.blob, state.buffer); !read) {
      state.partial.diagnostics.push_back({item.path, read.error().message});
      return;
    }
    bytes = state.buffer;
  }
  scan_git_bytes(rules, plan, item, bytes, options, state);
}

// The wanted objects of `root`'s delta tree that `delivered` does not hold.
std::vector<std::size_t> not_delivered(const sources::PackReadPlan& packed, int root,
                                       std::vector<std::size_t> delivered) {
  std::sort(delivered.begin(), delivered.end());
  std::vector<std::size_t> out;
  std::vector<int> pending{root};
  while (!pending.empty()) {
    const sources::PackNode& node = packed.nodes[static_cast<std::size_t>(pending.back())];
    pending.pop_back();
    for (const std::size_t w : node.wanted) {
      if (!std::binary_search(delivered.begin(), delivered.end(), w)) out.push_back(w);
    }
    pending.insert(pending.end(), node.children.begin(), node.children.end());
  }
  return out;
}

// The same secret at the same path, found in several commits, is reported once: at the earliest of them.
void keep_earliest(report::Report& report, const sources::GitPlan& plan) {
  std::unordered_map<std::string, std::size_t> order;
  for (std::size_t i = 0; i < plan.commits.size(); ++i) order.emplace(plan.commits[i].id, i);
  std::map<std::tuple<std::string, std::string, std::string>, std::size_t> earliest;  // -> index in findings
  std::vector<bool> keep(report.findings.size(), false);
  for (std::size_t i = 0; i < report.findings.size(); ++i) {
    const auto& f = report.findings[i];
    auto [it, inserted] = earliest.try_emplace({f.rule_id, f.path, f.secret}, i);
    if (inserted) continue;
    const auto& current = report.findings[it->second];
    if (std::tie(order[f.git.commit], f.line) < std::tie(order[current.git.commit], current.line)) it->second = i;
  }
  for (const auto& [key, index] : earliest) keep[index] = true;
  std::vector<report::Finding> out;
  for (std::size_t i = 0; i < report.findings.size(); ++i) {
    if (keep[i]) out.push_back(std::move(report.findings[i]));
  }
  report.findings = std::move(out);
}

}  // namespace

report::Report scan_git(const engine::RuleSet& rules, const sources::GitPlan& plan, const ScanOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  report::Report report;
  const int threads = resolve_thread_count(options.threads);
  std::vector<WorkerState> workers(static_cast<std::size_t>(threads));

  // Blobs stored in packs are decoded a delta tree at a time (each chain applied once, in pack order); the rest,
  // one item at a time. A history's plan comes with that read planned already.
  std::vector<std::size_t> wanted_item = plan.blob_read_items;
  sources::PackReadPlan own_reads;
  if (!plan.blob_reads) {
    std::vector<sources::ObjectId> wanted;
    wanted_item.clear();
    for (std::size_t i = 0; i < plan.items.size(); ++i) {
      if (plan.items[i].blob && !plan.items[i].bytes && plan.items[i].disk_path.empty()) {
        wanted.push_back(*plan.items[i].blob);
        wanted_item.push_back(i);
      }
    }
    if (plan.packs) own_reads = plan.packs->plan(wanted);
  }
  const sources::PackReadPlan& packed = plan.blob_reads ? *plan.blob_reads : own_reads;
  std::vector<bool> in_pack(plan.items.size(), false);
  for (const std::size_t i : wanted_item) in_pack[i] = true;
  for (const std::size_t w : packed.unplanned) in_pack[wanted_item[w]] = false;
  std::vector<std::size_t> singles;
  for (std::size_t i = 0; i < plan.items.size(); ++i) {
    if (!in_pack[i]) singles.push_back(i);
  }

  std::size_t next_root = 0, next_single = 0;
  std::atomic<std::uint64_t> items_done{0};
  std::atomic<std::uint64_t> bytes_read{0};
  auto progress = [&](bool done) {
    return Progress{.commits = plan.counts.commits,
                    .items_done = items_done.load(std::memory_order_relaxed),
                    .items_total = plan.items.size(),
                    .bytes = bytes_read.load(std::memory_order_relaxed),
                    .seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
                    .done = done};
  };
  // Runs `scan` on a worker's state and counts what it read.
  auto counted = [&](WorkerState& state, const auto& scan) {
    const std::uint64_t before = state.partial.stats.bytes;
    const std::uint64_t scanned = scan();
    bytes_read.fetch_add(state.partial.stats.bytes - before, std::memory_order_relaxed);
    items_done.fetch_add(scanned, std::memory_order_relaxed);
  };
  double last_report = 0.0;
  run_pipeline(threads, [&]() -> Task {
    if (options.on_progress) {
      const Progress now = progress(false);
      if (now.seconds - last_report >= kProgressIntervalSeconds) {
        options.on_progress(now);
        last_report = now.seconds;
      }
    }
    if (next_root < packed.roots.size()) {
      const int root = packed.roots[next_root++];
      return [&, root](int worker) {
        auto& state = workers[static_cast<std::size_t>(worker)];
        counted(state, [&] {
          std::vector<std::size_t> delivered, failed;
          try {
            failed = plan.packs->read_tree(packed, root, state.inflater, [&](std::size_t w, std::string_view bytes) {
              delivered.push_back(w);
              const sources::GitItem& item = plan.items[wanted_item[w]];
              contained(item.path, state.partial, [&] { scan_git_bytes(rules, plan, item, bytes, options, state); });
            });
          } catch (...) {
            // The pack reader stopped part-way: whatever it did not hand over is read on its own below.
            failed = not_delivered(packed, root, delivered);
          }
          // A corrupt pack entry: libgit2 reads the object or says why it cannot.
          for (const std::size_t w : failed) {
            const sources::GitItem& item = plan.items[wanted_item[w]];
            contained(item.path, state.partial, [&] { scan_git_item(rules, plan, item, options, state); });
          }
          return std::uint64_t{delivered.size() + failed.size()};
        });
      };
    }
    if (next_single == singles.size()) return {};
    const sources::GitItem* item = &plan.items[singles[next_single++]];
    return [&, item](int worker) {
      auto& state = workers[static_cast<std::size_t>(worker)];
      counted(state, [&] {
        contained(item->path, state.partial, [&] { scan_git_item(rules, plan, *item, options, state); });
        return std::uint64_t{1};
      });
    };
  });
  if (options.on_progress) options.on_progress(progress(true));
  for (auto& worker : workers) merge(report, std::move(worker.partial));
  if (!plan.commits.empty()) {
    keep_earliest(report, plan);
  } else {
    // --uncommitted: a line both staged and still in the working tree is one finding, not two.
    std::sort(report.findings.begin(), report.findings.end(), [](const auto& a, const auto& b) {
      return std::tie(a.path, a.line, a.column, a.rule_id) < std::tie(b.path, b.line, b.column, b.rule_id);
    });
    report.findings.erase(std::unique(report.findings.begin(), report.findings.end(),
                                      [](const auto& a, const auto& b) {
                                        return std::tie(a.path, a.line, a.column, a.rule_id, a.secret) ==
                                               std::tie(b.path, b.line, b.column, b.rule_id, b.secret);
                                      }),
                          report.findings.end());
  }
  report.stats.commits = plan.counts.commits;
  report.stats.skipped.submodules += plan.counts.submodules;
  report.stats.skipped.binary += plan.counts.binary;
  for (const auto& d : plan.diagnostics) report.diagnostics.push_back(d);
  report.stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

report::Report scan_bytes(const engine::RuleSet& rules, std::string_view path, std::string_view bytes,
                          int max_decode_depth) {
  report::Report report;
  auto scratch = engine::Scratch::create(rules);
  if (!scratch) {
    report.diagnostics.push_back({std::string(path), scratch.error().message});
    return report;
  }
  scan_item(rules, {.path = path, .commit = {}}, bytes, *scratch, max_decode_depth, report);
  return report;
}

}  // namespace keyward
