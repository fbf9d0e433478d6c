// Report: the findings of a scan with their locations, plus stats and diagnostics. `finalize` sorts and redacts;
// after it, reporters only format. Knows nothing of files or git beyond the strings it is given.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/engine/rule.h"
#include "scanner/error.h"

namespace keyward::report {

struct Span {
  std::size_t start = 0;  // bytes into Finding::line_text
  std::size_t end = 0;
};

// Where a finding from a git source was introduced; empty for files and standard input.
struct CommitFields {
  std::string commit;
  std::string author;
  std::string email;
  std::string date;  // ISO 8601, UTC
};

struct Finding {
  std::string rule_id;
  std::string description;
  engine::Category category = engine::Category::kSecret;
  engine::Severity severity = engine::Severity::kHigh;
  std::string path;
  int line = 0;        // 1-based
  int column = 0;      // 1-based byte column of the secret's first byte
  int end_line = 0;    // of the secret's last byte
  int end_column = 0;  // 1-based byte column just past the secret's last byte (exclusive)
  std::string secret;
  std::string encoding;  // how the secret was encoded where it was found ("base64", ...); empty: as it is
  double entropy = 0.0;
  std::string fingerprint;
  std::string line_text;              // the first line of the match, cut to a window around the secret
  Span marked;                        // the secret within line_text
  std::vector<Span> secrets_in_line;  // every secret found on that line (this one included), for redaction
  CommitFields git;
  std::string message;  // what to do; set on findings about a whole file (line 0, no secret), such as the audit's
};

struct SkipCounts {
  std::uint64_t binary = 0;
  std::uint64_t too_large = 0;
  std::uint64_t ignored = 0;
  std::uint64_t symlinks = 0;
  std::uint64_t special = 0;
  std::uint64_t allowlisted = 0;  // files whose path the config allowlists
  std::uint64_t submodules = 0;   // gitlinks in git sources

  std::uint64_t total() const { return binary + too_large + ignored + symlinks + special + allowlisted + submodules; }
  void add(const SkipCounts& other);
};

// A run with --baseline: findings it hid, and entries no finding matched any more.
struct BaselineCounts {
  bool used = false;
  std::uint64_t hidden = 0;
  std::uint64_t stale = 0;
};

struct Stats {
  std::uint64_t commits = 0;  // git sources: commits read
  std::uint64_t files = 0;    // scanned (blobs, for git sources)
  std::uint64_t bytes = 0;    // scanned
  SkipCounts skipped;
  double seconds = 0.0;
  BaselineCounts baseline;
  std::uint64_t warnings = 0;  // findings that are warnings, not failures (the audit's uncovered patterns)
};

struct Report {
  std::vector<Finding> findings;
  Stats stats;
  Diagnostics diagnostics;
};

enum class Redaction { kRedact, kShow };

// How findings are ordered: by where they are (path, line, column, rule), or most severe first and then by where
// (the audit, whose one critical file must not drown among warnings).
enum class Order { kByLocation, kBySeverity };

// The redacted form: a few leading characters, then "…".
std::string redact(std::string_view secret);

// Sorts findings and diagnostics, and redacts secrets in findings and line texts.
void finalize(Report& report, Redaction redaction, Order order = Order::kByLocation);

}  // namespace keyward::report
