// A one-line progress display on standard error for long git scans: blobs done of total, commits, bytes, rate and
// an estimate of the time left, redrawn in place; only on a terminal, and cleared when the scan ends.
#pragma once

#include <functional>

#include "scanner/scan.h"

namespace keyward::cli {

enum class ProgressDisplay { kAuto, kOff };

// A callback for ScanOptions::on_progress, or none when progress is off or stderr is not a terminal.
std::function<void(const Progress&)> progress_line(ProgressDisplay display);

}  // namespace keyward::cli
