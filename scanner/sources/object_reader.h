// Reads commits, trees and blobs by id for one thread: from the packs through caches of decoded objects (so a tree
// read after its previous version costs one delta, and a tree read twice costs nothing the second time), else
// through libgit2's object database (loose objects, or what the pack reader cannot decode). Knows nothing of what
// the objects mean.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "scanner/error.h"
#include "scanner/sources/pack.h"

struct git_odb;

namespace keyward::sources {

enum class ObjectType { kCommit = 1, kTree = 2, kBlob = 3 };

class ObjectReader {
 public:
  // `odb` is shared by every reader (libgit2's object database is safe to share); `cache_bytes` bounds each cache.
  ObjectReader(const PackSet& packs, git_odb* odb, std::size_t cache_bytes);

  // The object's bytes; the error says why not (missing, corrupt, not of `type`).
  Expected<std::shared_ptr<const std::string>> read(const ObjectId& id, ObjectType type);
  // This reader's zlib stream, for the pack reads its thread makes otherwise (a delta tree of blobs).
  Inflater& inflater() { return inflater_; }

 private:
  const PackSet& packs_;
  git_odb* odb_;
  ObjectCache by_place_;
  DecodedCache<ObjectId, ObjectIdHash> by_id_;
  Inflater inflater_;
};

}  // namespace keyward::sources
