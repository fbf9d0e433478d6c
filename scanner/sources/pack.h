// Reads objects straight from a repository's pack files (the v2 .idx lookup, entry headers, zlib and git's delta
// format), so a scan that wants many blobs resolves each delta chain once: libgit2 reads every object alone and
// re-applies its whole chain each time. Knows nothing of commits, trees, paths or rules; whatever it cannot plan or
// decode is handed back, for libgit2 to read (or to explain why it cannot).
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace keyward::sources {

using ObjectId = std::array<unsigned char, 20>;

// 40 lowercase hex digits.
std::string to_hex(const ObjectId& id);

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

struct DecodedObject {
  int type = 0;  // git's object type code: 1 commit, 2 tree, 3 blob, 4 tag
  std::shared_ptr<const std::string> bytes;
};

// Decoded objects by a key (their place in a pack, or their id), within a byte budget: for reading many objects
// one by one in an order where each is a delta of one read shortly before (trees, commit by commit). Two
// generations stand in for an LRU list: a hit in the old one moves the entry to the young one, and when the young
// one holds half the budget it becomes the old one, dropping the old one's rest. Not thread-safe: one per reader.
template <typename Key, typename KeyHash = std::hash<Key>>
class DecodedCache {
 public:
  using Entry = DecodedObject;
  explicit DecodedCache(std::size_t budget_bytes) : budget_bytes_(budget_bytes) {}

  // Valid until the next add.
  const Entry* find(const Key& key) {
    if (const auto young = young_.find(key); young != young_.end()) return &young->second;
    const auto old = old_.find(key);
    if (old == old_.end()) return nullptr;
    Entry entry = std::move(old->second);
    old_.erase(old);
    young_bytes_ += entry.bytes->size();
    return &young_.emplace(key, std::move(entry)).first->second;
  }

  void add(const Key& key, Entry entry) {
    const std::size_t bytes = entry.bytes->size();
    if (bytes > budget_bytes_ / 4 || young_.contains(key)) return;
    if (young_bytes_ + bytes > budget_bytes_ / 2) {
      old_ = std::move(young_);
      young_.clear();
      young_bytes_ = 0;
    }
    young_.emplace(key, std::move(entry));
    young_bytes_ += bytes;
  }

 private:
  std::size_t budget_bytes_;
  std::size_t young_bytes_ = 0;
  std::unordered_map<Key, Entry, KeyHash> young_;
  std::unordered_map<Key, Entry, KeyHash> old_;
};

// Objects by their place in a pack: (pack << 48) | offset.
using ObjectCache = DecodedCache<std::uint64_t>;

// An object id's first eight bytes: SHA-1 spreads them evenly, so they serve as its hash.
struct ObjectIdHash {
  std::size_t operator()(const ObjectId& id) const {
    std::size_t h = 0;
    std::memcpy(&h, id.data(), sizeof h);
    return h;
  }
};

// A decompressor for pack entries (zlib streams), kept from object to object: making one costs more than inflating
// a small object. Not thread-safe: one per reader.
class Inflater {
 public:
  Inflater();
  ~Inflater();
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  // Inflates the stream at `at` (within `data` of `size` bytes) into exactly `expected` bytes; false when the
  // stream is corrupt, shorter or longer, or could not make that many bytes from what is left of the data.
  bool inflate_to(const unsigned char* data, std::uint64_t size, std::uint64_t at, std::uint64_t expected,
                  std::string& out);

 private:
  struct Stream;
  std::unique_ptr<Stream> stream_;
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

  // The same plan, built one wanted object at a time: a caller that learns what it wants piece by piece (a history,
  // commit after commit) does this work as it goes instead of all at the end. Not thread-safe.
  class Planner {
   public:
    explicit Planner(const PackSet& packs);
    ~Planner();
    Planner(const Planner&) = delete;
    Planner& operator=(const Planner&) = delete;
    // `index` is the caller's for this object: the plan's nodes and `unplanned` list it.
    void want(const ObjectId& id, std::size_t index);
    // The plan so far, its roots in pack order; the planner starts again empty.
    PackReadPlan finish();

   private:
    struct State;
    std::unique_ptr<State> state_;
  };

  // One object and its type, through `cache`: every base decoded on the way is cached too. Empty when the object
  // is in no pack here or its entry is corrupt.
  std::optional<ObjectCache::Entry> read(const ObjectId& id, ObjectCache& cache, Inflater& inflater) const;

  // Decodes `root` and the planned nodes below it depth-first, each delta applied once to its base, and calls
  // `visit(wanted index, bytes)` for every wanted object among them. Returns the wanted indices it could not
  // decode (a corrupt entry). Safe to call from many threads at once, on different roots (each its inflater).
  std::vector<std::size_t> read_tree(const PackReadPlan& plan, int root, Inflater& inflater,
                                     const std::function<void(std::size_t, std::string_view)>& visit) const;

 private:
  std::vector<std::unique_ptr<Pack>> packs_;
};

// Git's delta format: `delta` applied to `base` into `out`; false when the delta is malformed or out of bounds.
bool apply_delta(std::string_view base, std::string_view delta, std::string& out);

}  // namespace keyward::sources
