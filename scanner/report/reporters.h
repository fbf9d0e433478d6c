// The reporters: a finished Report in, bytes out. One function per format; none of them decides anything.
#pragma once

#include <ostream>
#include <string>

#include "scanner/report/report.h"

namespace keyward::report {

enum class Format { kText, kJson, kSarif, kGithub };
enum class Color { kNever, kAlways };

void write_text(const Report& report, std::ostream& out, Color color);
void write_json(const Report& report, std::ostream& out);
// SARIF 2.1.0 (sarif.cpp): `rules` holds the rules that have results; columns are byte columns.
void write_sarif(const Report& report, std::ostream& out);
// GitHub Actions workflow commands (github.cpp), one line per finding.
void write_github(const Report& report, std::ostream& out);
std::string github_annotation(const Finding& finding);

// One line for people: files, bytes, seconds, findings (warnings apart), then what was skipped and why:
// "keyward: 4 files, 612 B, 0.01 s, 1 finding; skipped 3 ignored by .gitignore (--no-ignore to scan them)".
std::string summary_line(const Report& report);

}  // namespace keyward::report
