#include <cmath>

#include <nlohmann/json.hpp>

#include "scanner/report/reporters.h"

namespace keyward::report {
namespace {

using Json = nlohmann::ordered_json;

double rounded(double value) { return std::round(value * 1000.0) / 1000.0; }

Json skipped_json(const SkipCounts& skipped) {
  return Json{{"binary", skipped.binary},         {"too_large", skipped.too_large},
              {"ignored", skipped.ignored},       {"symlinks", skipped.symlinks},
              {"special", skipped.special},       {"allowlisted", skipped.allowlisted},
              {"submodules", skipped.submodules}, {"total", skipped.total()}};
}

}  // namespace

void write_json(const Report& report, std::ostream& out) {
  Json findings = Json::array();
  for (const auto& f : report.findings) {
    findings.push_back(Json{{"rule_id", f.rule_id},
                            {"description", f.description},
                            {"category", engine::to_string(f.category)},
                            {"severity", engine::to_string(f.severity)},
                            {"path", f.path},
                            {"line", f.line},
                            {"column", f.column},
                            {"end_line", f.end_line},
                            {"end_column", f.end_column},
                            {"secret", f.secret},
                            {"entropy", rounded(f.entropy)},
                            {"fingerprint", f.fingerprint}});
    if (!f.encoding.empty()) findings.back()["encoding"] = f.encoding;
    if (!f.git.commit.empty()) {
      auto& entry = findings.back();
      entry["commit"] = f.git.commit;
      entry["author"] = f.git.author;
      entry["email"] = f.git.email;
      entry["date"] = f.git.date;
    }
    if (!f.message.empty()) findings.back()["message"] = f.message;
  }
  Json diagnostics = Json::array();
  for (const auto& d : report.diagnostics) diagnostics.push_back(Json{{"origin", d.origin}, {"message", d.message}});
  Json stats{{"commits", report.stats.commits},
             {"files", report.stats.files},
             {"bytes", report.stats.bytes},
             {"skipped", skipped_json(report.stats.skipped)},
             {"seconds", rounded(report.stats.seconds)}};
  if (report.stats.baseline.used) {
    stats["baseline"] = Json{{"hidden", report.stats.baseline.hidden}, {"stale", report.stats.baseline.stale}};
  }
  const Json document{
      {"findings", std::move(findings)}, {"stats", std::move(stats)}, {"diagnostics", std::move(diagnostics)}};
  out << document.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

}  // namespace keyward::report
