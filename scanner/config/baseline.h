// Baselines: the fingerprints of findings already triaged, kept in a JSON file, so a scan reports only new ones.
// A fingerprint (report/fingerprint.h) is rule id, path and a keyed hash of the secret: a finding that moves to
// another line keeps it; the file never holds a secret. Knows nothing of the command line or of scanning.
#pragma once

#include <cstdint>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "scanner/error.h"
#include "scanner/report/report.h"

namespace keyward::config {

struct BaselineEntry {
  std::string fingerprint;
  std::string rule_id;  // for people reading the file; only the fingerprint is matched
  std::string path;
};

struct Baseline {
  std::vector<BaselineEntry> entries;  // sorted by path, rule, fingerprint; one per fingerprint
};

// Reads a baseline file: {"version": 1, "findings": [{"fingerprint": "...", "rule_id": ..., "path": ...}]}.
// Anything else is an error naming the file and what is wrong.
Expected<Baseline> read_baseline(const std::string& path);

// The baseline of a report's findings.
Baseline baseline_of(const report::Report& report);
void write_baseline(const Baseline& baseline, std::ostream& out);

struct BaselineOutcome {
  std::uint64_t hidden = 0;          // findings removed because the baseline holds them
  std::vector<BaselineEntry> stale;  // entries no finding matched
};

// Removes the findings whose fingerprint the baseline holds, and says which entries matched nothing.
BaselineOutcome apply_baseline(const Baseline& baseline, report::Report& report);

}  // namespace keyward::config
