#include "scanner/engine/scratch.h"

#include <fmt/format.h>
#include <hs/hs.h>

namespace keyward::engine {

void Scratch::ScratchFree::operator()(hs_scratch* scratch) const { hs_free_scratch(scratch); }

Scratch::Scratch(Scratch&&) noexcept = default;
Scratch& Scratch::operator=(Scratch&&) noexcept = default;
Scratch::~Scratch() = default;

Expected<Scratch> Scratch::create(const RuleSet& rules) {
  Scratch scratch;
  scratch.regions.resize(rules.rules().size());
  if (rules.database() == nullptr) return scratch;
  hs_scratch_t* raw = nullptr;
  if (hs_alloc_scratch(rules.database(), &raw) != HS_SUCCESS) {
    return fail("hyperscan: cannot allocate scratch space");
  }
  scratch.hyperscan_.reset(raw);
  return scratch;
}

}  // namespace keyward::engine
