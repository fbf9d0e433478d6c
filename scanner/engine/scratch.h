// Scratch: the per-thread working memory of a scan (a Hyperscan scratch and the hit buffers).
// One per thread, made once from a RuleSet and reused for every chunk; never shared between threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "scanner/engine/rule_set.h"
#include "scanner/error.h"

struct hs_scratch;

namespace keyward::engine {

// Candidate hits of one rule, merged: RE2 confirms in [window_start, last_end].
struct HitRegion {
  std::size_t window_start = 0;
  std::size_t last_end = 0;
};

struct KeywordHit {
  std::size_t end = 0;
  std::uint32_t keyword = 0;
};

// Where one gated group's database must run: [start, end) of the chunk.
struct GateWindow {
  std::uint32_t group = 0;
  std::size_t start = 0;
  std::size_t end = 0;
};

class Scratch {
 public:
  static Expected<Scratch> create(const RuleSet& rules);

  Scratch(Scratch&&) noexcept;
  Scratch& operator=(Scratch&&) noexcept;
  ~Scratch();

  hs_scratch* hyperscan() { return hyperscan_.get(); }

  std::vector<std::vector<HitRegion>> regions;  // per rule
  std::vector<std::uint32_t> touched_rules;     // rules with regions in this chunk
  std::vector<KeywordHit> keyword_hits;
  std::vector<GateWindow> gate_windows;
  std::vector<std::size_t> open_window;  // per gated group: 1 + its last trigger window in gate_windows, or 0

 private:
  struct ScratchFree {
    void operator()(hs_scratch* scratch) const;
  };
  Scratch() = default;
  std::unique_ptr<hs_scratch, ScratchFree> hyperscan_;
};

}  // namespace keyward::engine
