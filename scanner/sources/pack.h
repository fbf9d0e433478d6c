// Reads objects straight from a repository's pack files (the v2 .idx lookup, entry headers, zlib and git's delta
// format), so a scan that wants many blobs resolves each delta chain once: libgit2 reads every object alone and
// re-applies its whole chain each time. Knows nothing of commits, trees, paths or rules; whatever it cannot plan or
// decode is handed back, for libgit2 to read (or to explain why it cannot).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace keyward::sources {

using ObjectId = std::array<unsigned char, 20>;

// One object to decode: where it is stored, what it is a delta of, and which wanted objects it is.
struct PackNode {
  std::uint32_t pack = 0;
  std::uint64_t offset = 0;
  int base = -1;                    // the node this one is a delta against; -1: stored whole
  std::vector<int> children;        // nodes stored as deltas against this one, and needed
  std::vector<std::size_t> wanted;  // indices into the caller's list of wanted objects
};

struct PackReadPlan {
  std::vector<PackNode> nodes;
  std::vector<int> roots;              // whole objects whose subtrees hold every planned object, in pack order
  std::vector<std::size_t> unplanned;  // wanted objects in no pack here (loose, or an entry that does not parse)
};

// Decoded objects by their place in a pack, the least recently used dropped first to stay within a byte budget;
// for reading many objects one by one in an order where each is a delta of one read before (trees, commit by
// commit). Not thread-safe: one per reader.
class ObjectCache {
 public:
  struct Entry {
    int type = 0;  // git's object type code: 1 commit, 2 tree, 3 blob, 4 tag
    std::shared_ptr<const std::string> bytes;
  };
  explicit ObjectCache(std::size_t budget_bytes) : budget_bytes_(budget_bytes) {}
  const Entry* find(std::uint64_t key);
  void add(std::uint64_t key, Entry entry);

 private:
  using Order = std::list<std::pair<std::uint64_t, Entry>>;
  std::size_t budget_bytes_;
  std::size_t used_bytes_ = 0;
  Order order_;  // most recently used first
  std::unordered_map<std::uint64_t, Order::iterator> by_key_;
};

class PackSet {
 public:
  struct Pack;
  // The packs under `objects_dir` (".../objects/pack/*.idx"); a pack whose index cannot be read is left out.
  static PackSet open(const std::string& objects_dir);
  PackSet();
  PackSet(PackSet&&) noexcept;
  PackSet& operator=(PackSet&&) noexcept;
  ~PackSet();

  // Which nodes must be decoded to produce each wanted object, as a forest of delta chains.
  PackReadPlan plan(std::span<const ObjectId> wanted) const;

  // Decodes `root` and the planned nodes below it depth-first, each delta applied once to its base, and calls
  // `visit(wanted index, bytes)` for every wanted object among them. Returns the wanted indices it could not
  // decode (a corrupt entry). Safe to call from many threads at once, on different roots.
  // One object and its type, through `cache`: every base decoded on the way is cached too. Empty when the object
  // is in no pack here or its entry is corrupt.
  std::optional<ObjectCache::Entry> read(const ObjectId& id, ObjectCache& cache) const;

  std::vector<std::size_t> read_tree(const PackReadPlan& plan, int root,
                                     const std::function<void(std::size_t, std::string_view)>& visit) const;

 private:
  std::vector<std::unique_ptr<Pack>> packs_;
};

// Git's delta format: `delta` applied to `base` into `out`; false when the delta is malformed or out of bounds.
bool apply_delta(std::string_view base, std::string_view delta, std::string& out);

}  // namespace keyward::sources
