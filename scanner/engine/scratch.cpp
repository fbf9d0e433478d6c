#include "scanner/engine/scratch.h"

#include <fmt/format.h>
#include <hs.h>

namespace keyward::engine {

void Scratch::ScratchFree::operator()(hs_scratch* scratch) const { hs_free_scratch(scratch); }

Scratch::Scratch(Scratch&&) noexcept = default;
Scratch& Scratch::operator=(Scratch&&) noexcept = default;
Scratch::~Scratch() = default;

Expected<Scratch> Scratch::create(const RuleSet& rules) {
  Scratch scratch;
  scratch.regions.resize(rules.rules().size());
  scratch.open_window.assign(rules.gated_group_count(), 0);
  hs_scratch_t* raw = nullptr;
  // One scratch serves every database: allocating for each grows it as needed.
  std::vector<const hs_database_t*> databases{rules.database()};
  for (std::size_t group = 0; group < rules.gated_group_count(); ++group) {
    databases.push_back(rules.gated_database(group));
  }
  for (const hs_database_t* db : databases) {
    if (db != nullptr && hs_alloc_scratch(db, &raw) != HS_SUCCESS) {
      if (raw != nullptr) hs_free_scratch(raw);
      return fail("hyperscan: cannot allocate scratch space");
    }
  }
  scratch.hyperscan_.reset(raw);
  return scratch;
}

}  // namespace keyward::engine
