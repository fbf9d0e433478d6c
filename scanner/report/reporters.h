// The reporters: a finished Report in, bytes out. One function per format; none of them decides anything.
#pragma once

#include <ostream>
#include <string>

#include "scanner/report/report.h"

namespace keyward::report {

enum class Format { kText, kJson };
enum class Color { kNever, kAlways };

void write_text(const Report& report, std::ostream& out, Color color);
void write_json(const Report& report, std::ostream& out);

// One line for people: files, bytes, seconds, findings, skips.
std::string summary_line(const Report& report);

}  // namespace keyward::report
