// Linear time (issue #8): for every built-in rule, adversarial inputs made from the rule's own first example,
// scanned by the engine with the whole default rule set (both categories) at 1 MB and 10 MB, and the worst rules
// again at 100 MB. Prints milliseconds per MB at each size: flat columns mean time proportional to size.
//   run:  the example's characters repeated with no separator (a long run of the rule's own alphabet)
//   near: the example with its last character changed, repeated one a line (a near-miss on every line)
//   head: the first half of the example, repeated (the prefix matches, the body never completes)
// Usage: keyward_linear_bench [WORST_N_AT_100MB (default 8)] [RULE_ID_SUBSTRING]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "scanner/config/config.h"
#include "scanner/engine/engine.h"
#include "scanner/engine/scratch.h"

namespace {

using namespace keyward;
constexpr std::size_t kMB = 1000 * 1000;

std::string fill(const std::string& unit, std::size_t bytes) {
  std::string out;
  out.reserve(bytes + unit.size());
  while (out.size() < bytes) out += unit;
  out.resize(bytes);
  return out;
}

struct Input {
  std::string rule_id;
  std::string kind;
  std::string unit;
};

std::vector<Input> inputs_for(const engine::Rule& rule) {
  if (rule.examples.empty()) return {};
  std::string example = rule.examples.front();
  std::string alphabet_run;
  for (char c : example) {
    if (c != '\n' && c != ' ') alphabet_run += c;
  }
  std::string near = example;
  near.back() = near.back() == 'x' ? 'y' : 'x';
  return {{rule.id, "run", alphabet_run},
          {rule.id, "near", near + "\n"},
          {rule.id, "head", example.substr(0, std::max<std::size_t>(1, example.size() / 2))}};
}

// Milliseconds per MB for scanning `unit` filled to `bytes` (one run after a 64 KB warm-up that compiles any
// lazily compiled regex), and the match count.
std::pair<double, std::size_t> time_per_mb(const engine::RuleSet& rules, engine::Scratch& scratch,
                                           const std::string& unit, std::size_t bytes) {
  const std::string data = fill(unit, bytes);
  (void)engine::scan(rules, std::string_view(data).substr(0, 65536), scratch);
  const auto start = std::chrono::steady_clock::now();
  auto found = engine::scan(rules, data, scratch);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!found) {
    std::fprintf(stderr, "scan failed: %s\n", found.error().message.c_str());
    std::exit(2);
  }
  return {ms / (static_cast<double>(bytes) / kMB), found->size()};
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t worst_n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 8;
  const std::string only = argc > 2 ? argv[2] : "";
  config::RuleSources sources;
  sources.categories = config::CategoryFilter::kAll;
  auto file = config::resolve_rules(sources, std::nullopt);
  if (!file) {
    std::fprintf(stderr, "%s\n", file.error().message.c_str());
    return 2;
  }
  std::vector<Input> inputs;
  for (const auto& rule : file->rules) {
    if (!only.empty() && rule.id.find(only) == std::string::npos) continue;
    for (auto& input : inputs_for(rule)) inputs.push_back(std::move(input));
  }
  auto rules = config::compile_rules(std::move(*file));
  if (!rules) {
    std::fprintf(stderr, "%s\n", rules.error().message.c_str());
    return 2;
  }
  auto scratch = engine::Scratch::create(*rules);
  if (!scratch) return 2;

  struct Row {
    const Input* input;
    double ms_1, ms_10, ms_100 = -1;
    std::size_t matches_10;
  };
  std::vector<Row> rows;
  for (const auto& input : inputs) {
    std::fprintf(stderr, "%s %s ...\r", input.rule_id.c_str(), input.kind.c_str());
    const auto one = time_per_mb(*rules, *scratch, input.unit, 1 * kMB);
    const auto ten = time_per_mb(*rules, *scratch, input.unit, 10 * kMB);
    rows.push_back({&input, one.first, ten.first, -1, ten.second});
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.ms_10 > b.ms_10; });
  for (std::size_t i = 0; i < std::min(worst_n, rows.size()); ++i) {
    rows[i].ms_100 = time_per_mb(*rules, *scratch, rows[i].input->unit, 100 * kMB).first;
  }
  fmt::print("{} inputs ({} rules x run/near/head), whole rule set ({} rules); ms per MB, one run after a warm-up\n",
             rows.size(), rows.size() / 3, rules->rules().size());
  fmt::print("{:<40} {:<5} {:>9} {:>9} {:>9} {:>9} {:>10}\n", "rule", "input", "1 MB", "10 MB", "100 MB", "10/1",
             "matches@10");
  double worst_ratio = 0;
  for (const auto& r : rows) {
    const double ratio = r.ms_10 / r.ms_1;
    worst_ratio = std::max(worst_ratio, r.ms_100 > 0 ? std::max(ratio, r.ms_100 / r.ms_1) : ratio);
    fmt::print("{:<40} {:<5} {:>9.2f} {:>9.2f} {:>9} {:>9.2f} {:>10}\n", r.input->rule_id, r.input->kind, r.ms_1,
               r.ms_10, r.ms_100 > 0 ? fmt::format("{:.2f}", r.ms_100) : "-", ratio, r.matches_10);
  }
  double total_1 = 0, total_10 = 0;
  for (const auto& r : rows) {
    total_1 += r.ms_1;
    total_10 += r.ms_10;
  }
  fmt::print("mean ms/MB: {:.2f} at 1 MB, {:.2f} at 10 MB; worst per-MB growth over 1 MB: x{:.2f}\n",
             total_1 / rows.size(), total_10 / rows.size(), worst_ratio);
  return 0;
}
