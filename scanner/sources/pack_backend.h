// An object-database backend for libgit2 over keyward's own pack reader, with a cache of decoded objects: planning
// a history reads each commit's tree after its parent's, and the cache lets each tree cost one delta rather than
// its whole chain. Objects it does not hold fall through to libgit2's own backends.
#pragma once

#include <cstddef>
#include <memory>

#include "scanner/error.h"
#include "scanner/sources/pack.h"

struct git_odb;

namespace keyward::sources {

Expected<bool> add_pack_backend(git_odb* odb, std::shared_ptr<const PackSet> packs, std::size_t cache_bytes);

}  // namespace keyward::sources
