#include "scanner/filter/audit_log.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "tests/support/temp_dir.h"

namespace keyward::filter {
namespace {

TEST(AuditLog, OneJsonLinePerRecordAppended) {
  keyward::testing::TempDir dir;
  const AuditRecord record{.time = "2024-05-17T10:14:07.000Z",
                           .input = "json",
                           .env = "prod",
                           .model = "mistral-small-latest",
                           .verdict = Verdict::kRedacted,
                           .rules = {"pii-email"},
                           .pointers = {"/messages/0/content"},
                           .violations = {},
                           .findings = 2,
                           .blocked = 0,
                           .redacted = 2,
                           .masked = 0,
                           .allowed = 0,
                           .strings = 7,
                           .bytes_in = 120,
                           .bytes_out = 110};
  ASSERT_TRUE(append_audit_line(dir / "audit.jsonl", record));
  ASSERT_TRUE(append_audit_line(dir / "audit.jsonl", record));
  const std::string text = keyward::testing::read_file(dir / "audit.jsonl");
  ASSERT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
  const auto line = nlohmann::json::parse(text.substr(0, text.find('\n')));
  EXPECT_EQ(line["verdict"], "redacted");
  EXPECT_EQ(line["rules"][0], "pii-email");
  EXPECT_EQ(line["pointers"][0], "/messages/0/content");
  EXPECT_EQ(line["counts"]["redacted"], 2);
  EXPECT_EQ(line["bytes_in"], 120);
  EXPECT_FALSE(append_audit_line(dir / "missing/dir/audit.jsonl", record));
}

}  // namespace
}  // namespace keyward::filter
