// The audit trail of the content filter: one record per screened request (time, model, verdict, rule ids, JSON
// pointers, counts, sizes) and its JSON line. Never the text and never a secret: only names, pointers and numbers.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "scanner/error.h"
#include "scanner/filter/policy.h"

namespace keyward::filter {

struct AuditRecord {
  std::string time;   // UTC, ISO 8601 with milliseconds
  std::string input;  // "text" or "json"
  std::string env;    // the environment whose request limits applied ("" for none)
  std::string model;  // as the request names it ("" when it names none, or when the model field had a finding)
  Verdict verdict = Verdict::kBlocked;
  std::vector<std::string> rules;       // rule ids with findings, sorted, unique
  std::vector<std::string> pointers;    // JSON pointers with findings or violations, sorted, unique
  std::vector<std::string> violations;  // request limits broken ("model", "max_tokens", ...)
  std::size_t findings = 0;
  std::size_t blocked = 0;
  std::size_t redacted = 0;
  std::size_t masked = 0;
  std::size_t allowed = 0;
  std::size_t strings = 0;  // keys, strings and numbers screened
  std::size_t bytes_in = 0;
  std::size_t bytes_out = 0;
};

// The record as one line of JSON, without the newline.
std::string audit_json(const AuditRecord& record);

// Appends the line and a newline to `path` in one write (O_APPEND), so concurrent writers do not interleave.
Expected<void> append_audit_line(const std::string& path, const AuditRecord& record);

}  // namespace keyward::filter
