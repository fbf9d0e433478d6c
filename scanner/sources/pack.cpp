#include "scanner/sources/pack.h"

#include <fcntl.h>
#include <libdeflate.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <filesystem>
#include <optional>
#include <tuple>
#include <unordered_map>

namespace keyward::sources {
namespace {

// A read-only view of a whole file; empty when the file cannot be mapped.
class Mapping {
 public:
  explicit Mapping(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && st.st_size > 0) {
      void* p = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
      if (p != MAP_FAILED) {
        data_ = static_cast<const unsigned char*>(p);
        size_ = static_cast<std::size_t>(st.st_size);
      }
    }
    ::close(fd);
  }
  ~Mapping() {
    if (data_ != nullptr) ::munmap(const_cast<unsigned char*>(data_), size_);
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  const unsigned char* data() const { return data_; }
  std::size_t size() const { return size_; }

 private:
  const unsigned char* data_ = nullptr;
  std::size_t size_ = 0;
};

std::uint32_t be32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

constexpr int kCommit = 1, kTree = 2, kBlob = 3, kTag = 4, kOfsDelta = 6, kRefDelta = 7;
constexpr std::size_t kIdxHeaderBytes = 8 + 256 * 4;
constexpr std::size_t kPackHeaderBytes = 12;
constexpr std::size_t kTrailerBytes = 20;
enum class Stored { kWhole, kDelta };
constexpr int kMaxChainLength = 100000;  // a longer chain is a cycle in a corrupt pack
// No object larger is decoded here (libgit2 reads it, if anyone must): a few bytes of delta can claim or copy
// their way to any size, and memory is asked for before the bytes exist. The scan skips far smaller blobs.
constexpr std::uint64_t kMaxObjectBytes = std::uint64_t{256} << 20;
// Deflate never makes more than 1032 bytes of one byte of input (zlib's technical notes).
constexpr std::uint64_t kMaxInflateRatio = 1032;

std::uint64_t location_key(std::uint32_t pack, std::uint64_t offset) { return (std::uint64_t{pack} << 48) | offset; }

struct EntryHeader {
  int type = 0;
  std::uint64_t size = 0;                  // inflated size: the object's, or the delta's
  std::uint64_t data_offset = 0;           // where the zlib stream starts
  std::uint64_t base_offset = 0;           // kOfsDelta
  const unsigned char* base_id = nullptr;  // kRefDelta: 20 bytes
};

}  // namespace

struct PackSet::Pack {
  Mapping idx;
  Mapping pack;
  std::uint32_t count = 0;
  std::vector<std::uint32_t> fanout;  // [k]: how many ids have first two bytes below k; 65,537 entries

  Pack(const std::string& idx_path, const std::string& pack_path) : idx(idx_path), pack(pack_path) {}

  // A v2 index whose object count matches its pack's header, or nothing usable.
  bool valid() {
    static constexpr unsigned char kIdxMagic[] = {0xff, 't', 'O', 'c'};
    if (idx.size() < kIdxHeaderBytes + 2 * kTrailerBytes || pack.size() < kPackHeaderBytes + kTrailerBytes) {
      return false;
    }
    if (std::memcmp(idx.data(), kIdxMagic, 4) != 0 || be32(idx.data() + 4) != 2) return false;
    if (std::memcmp(pack.data(), "PACK", 4) != 0) return false;
    count = be32(idx.data() + 8 + std::size_t{255} * 4);
    const std::size_t needed = kIdxHeaderBytes + std::size_t{count} * (20 + 4 + 4) + 2 * kTrailerBytes;
    if (idx.size() < needed || be32(pack.data() + 8) != count) return false;
    // The index's own fanout must rise: one that falls is a corrupt index.
    for (std::size_t i = 1; i < 256; ++i) {
      if (be32(idx.data() + 8 + (i - 1) * 4) > be32(idx.data() + 8 + i * 4)) return false;
    }
    // The index's fanout narrows a search by the first byte; this one, counted from the names themselves (so it
    // stays within them whatever the file says), by the first two: a lookup in a large pack costs a few
    // comparisons where it would cost a dozen cache misses.
    fanout.assign(65537, 0);
    for (std::uint32_t i = 0; i < count; ++i) {
      const unsigned char* id = ids() + std::size_t{i} * 20;
      ++fanout[(std::size_t{id[0]} << 8 | id[1]) + 1];
    }
    for (std::size_t k = 1; k < fanout.size(); ++k) fanout[k] += fanout[k - 1];
    return true;
  }

  const unsigned char* ids() const { return idx.data() + kIdxHeaderBytes; }

  std::optional<std::uint64_t> find(const unsigned char* id) const {
    const std::size_t bucket = std::size_t{id[0]} << 8 | id[1];
    std::uint32_t lo = fanout[bucket];
    std::uint32_t hi = fanout[bucket + 1];
    while (lo < hi) {
      const std::uint32_t mid = lo + (hi - lo) / 2;
      const int order = std::memcmp(ids() + std::size_t{mid} * 20, id, 20);
      if (order == 0) return offset_at(mid);
      if (order < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return std::nullopt;
  }

  std::optional<std::uint64_t> offset_at(std::uint32_t index) const {
    const unsigned char* offsets = ids() + std::size_t{count} * 24;
    const std::uint32_t small = be32(offsets + std::size_t{index} * 4);
    if ((small & 0x80000000u) == 0) return small;
    const std::size_t large = kIdxHeaderBytes + std::size_t{count} * 28 + std::size_t{small & 0x7fffffffu} * 8;
    if (large + 8 > idx.size() - 2 * kTrailerBytes) return std::nullopt;
    return (std::uint64_t{be32(idx.data() + large)} << 32) | be32(idx.data() + large + 4);
  }

  std::optional<EntryHeader> header(std::uint64_t offset) const {
    const std::uint64_t end = pack.size() - kTrailerBytes;
    if (offset < kPackHeaderBytes || offset >= end) return std::nullopt;
    const unsigned char* p = pack.data();
    std::uint64_t pos = offset;
    unsigned char c = p[pos++];
    EntryHeader h;
    h.type = (c >> 4) & 7;
    h.size = c & 15;
    for (int shift = 4; c & 0x80; shift += 7) {
      if (pos >= end || shift > 57) return std::nullopt;
      c = p[pos++];
      h.size |= std::uint64_t{c & 0x7fu} << shift;
    }
    if (h.type == kOfsDelta) {
      if (pos >= end) return std::nullopt;
      c = p[pos++];
      std::uint64_t back = c & 0x7f;
      while (c & 0x80) {
        if (pos >= end || back > (std::uint64_t{1} << 56)) return std::nullopt;
        c = p[pos++];
        back = ((back + 1) << 7) | (c & 0x7f);
      }
      if (back == 0 || back > offset) return std::nullopt;
      h.base_offset = offset - back;
    } else if (h.type == kRefDelta) {
      if (pos + 20 > end) return std::nullopt;
      h.base_id = p + pos;
      pos += 20;
    } else if (h.type != kCommit && h.type != kTree && h.type != kBlob && h.type != kTag) {
      return std::nullopt;
    }
    h.data_offset = pos;
    return h;
  }
};

namespace {

bool read_varint(std::string_view data, std::size_t& pos, std::uint64_t& value) {
  value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos >= data.size()) return false;
    const auto c = static_cast<unsigned char>(data[pos++]);
    value |= std::uint64_t{c & 0x7fu} << shift;
    if ((c & 0x80) == 0) return true;
  }
  return false;
}

}  // namespace

// libdeflate inflates a whole buffer whose result size is known, which a pack entry's header gives, in about half
// the instructions of zlib's streaming inflate (planning libgit2's history: 412 M against 886 M), and checks the
// stream's Adler-32 as zlib does.
struct Inflater::Stream {
  libdeflate_decompressor* decompressor = nullptr;
};

Inflater::Inflater() : stream_(std::make_unique<Stream>()) { stream_->decompressor = libdeflate_alloc_decompressor(); }

Inflater::~Inflater() {
  if (stream_->decompressor != nullptr) libdeflate_free_decompressor(stream_->decompressor);
}

bool Inflater::inflate_to(const unsigned char* data, std::uint64_t size, std::uint64_t at, std::uint64_t expected,
                          std::string& out) {
  if (stream_->decompressor == nullptr || at >= size) return false;
  // Deflate cannot make more than about 1032 bytes of one: a larger size in a header is a lie, refused before
  // memory is asked for it (and an object larger than kMaxObjectBytes is left to libgit2).
  if (expected > kMaxObjectBytes || expected > (size - at) * kMaxInflateRatio + 64) return false;
  out.resize(expected);
  // With no room for the actual size, anything but exactly `expected` bytes is a failure: a stream shorter or
  // longer than its header says is corrupt.
  return libdeflate_zlib_decompress(stream_->decompressor, data + at, size - at, out.data(), expected, nullptr) ==
         LIBDEFLATE_SUCCESS;
}

bool apply_delta(std::string_view base, std::string_view delta, std::string& out) {
  std::size_t pos = 0;
  std::uint64_t base_size = 0, result_size = 0;
  if (!read_varint(delta, pos, base_size) || !read_varint(delta, pos, result_size)) return false;
  if (base_size != base.size() || result_size > kMaxObjectBytes) return false;
  // Appended piece by piece into reserved room: no pass to zero the result first. The reserve is bounded by what
  // the delta can make: each of its bytes copies at most 64 KiB or inserts one byte.
  out.clear();
  out.reserve(std::min<std::uint64_t>(result_size, std::uint64_t{delta.size()} * 0x10000));
  while (pos < delta.size()) {
    const auto command = static_cast<unsigned char>(delta[pos++]);
    if (command & 0x80) {  // copy from the base: offset and size bytes present per flag bit
      std::uint64_t offset = 0, size = 0;
      for (int i = 0; i < 4; ++i) {
        if (command & (1u << i)) {
          if (pos >= delta.size()) return false;
          offset |= std::uint64_t{static_cast<unsigned char>(delta[pos++])} << (8 * i);
        }
      }
      for (int i = 0; i < 3; ++i) {
        if (command & (0x10u << i)) {
          if (pos >= delta.size()) return false;
          size |= std::uint64_t{static_cast<unsigned char>(delta[pos++])} << (8 * i);
        }
      }
      if (size == 0) size = 0x10000;
      if (offset + size > base.size() || size > result_size - out.size()) return false;
      out.append(base.data() + offset, size);
    } else if (command != 0) {  // insert the next `command` bytes
      if (pos + command > delta.size() || command > result_size - out.size()) return false;
      out.append(delta.data() + pos, command);
      pos += command;
    } else {
      return false;  // reserved
    }
  }
  return out.size() == result_size;
}

PackSet PackSet::open(const std::string& objects_dir) {
  PackSet set;
  std::error_code error;
  std::vector<std::string> indexes;
  for (const auto& entry : std::filesystem::directory_iterator(objects_dir + "/pack", error)) {
    if (entry.path().extension() == ".idx") indexes.push_back(entry.path().string());
  }
  std::sort(indexes.begin(), indexes.end());  // a stable order: node plans do not depend on the directory's
  for (const auto& idx : indexes) {
    const std::string pack = idx.substr(0, idx.size() - 4) + ".pack";
    auto candidate = std::make_unique<Pack>(idx, pack);
    if (candidate->valid()) set.packs_.push_back(std::move(candidate));
  }
  return set;
}

PackSet::PackSet() = default;
PackSet::PackSet(PackSet&&) noexcept = default;
PackSet& PackSet::operator=(PackSet&&) noexcept = default;
PackSet::~PackSet() = default;

struct PackSet::Planner::State {
  enum class Status { kPending, kPlanned, kFailed };
  const PackSet* packs = nullptr;
  PackReadPlan plan;
  std::vector<Status> status;                          // by node
  std::unordered_map<std::uint64_t, int> by_location;  // (pack << 48 | offset) -> node

  int node_at(std::uint32_t pack, std::uint64_t offset) {
    const auto [it, inserted] =
        by_location.try_emplace(location_key(pack, offset), static_cast<int>(plan.nodes.size()));
    if (inserted) {
      plan.nodes.push_back({.pack = pack, .offset = offset, .base = -1, .children = {}, .wanted = {}});
      status.push_back(Status::kPending);
    }
    return it->second;
  }

  std::optional<std::pair<std::uint32_t, std::uint64_t>> locate(const unsigned char* id) const {
    for (std::uint32_t p = 0; p < packs->packs_.size(); ++p) {
      if (auto offset = packs->packs_[p]->find(id)) return std::pair{p, *offset};
    }
    return std::nullopt;
  }

  // Links `start` to its base, and the base to its own, until a planned node, a whole object or a failure.
  Status resolve(int start) {
    std::vector<int> chain;
    int node = start;
    Status outcome = Status::kFailed;
    while (static_cast<int>(chain.size()) < kMaxChainLength) {
      if (status[static_cast<std::size_t>(node)] != Status::kPending) {
        outcome = status[static_cast<std::size_t>(node)];
        break;
      }
      chain.push_back(node);
      const PackNode& current = plan.nodes[static_cast<std::size_t>(node)];
      const Pack& pack = *packs->packs_[current.pack];
      const auto header = pack.header(current.offset);
      if (!header) break;
      if (header->type != kOfsDelta && header->type != kRefDelta) {
        plan.roots.push_back(node);
        outcome = Status::kPlanned;
        break;
      }
      std::optional<std::pair<std::uint32_t, std::uint64_t>> base;
      if (header->type == kOfsDelta) {
        base = std::pair{current.pack, header->base_offset};
      } else if (auto same = pack.find(header->base_id)) {
        base = std::pair{current.pack, *same};
      } else {
        base = locate(header->base_id);
      }
      if (!base) break;
      const int base_node = node_at(base->first, base->second);
      plan.nodes[static_cast<std::size_t>(node)].base = base_node;
      node = base_node;
    }
    for (const int n : chain) {
      status[static_cast<std::size_t>(n)] = outcome;
      const int base = plan.nodes[static_cast<std::size_t>(n)].base;
      if (outcome == Status::kPlanned && base >= 0) plan.nodes[static_cast<std::size_t>(base)].children.push_back(n);
    }
    return outcome;
  }
};

PackSet::Planner::Planner(const PackSet& packs) : state_(std::make_unique<State>()) { state_->packs = &packs; }
PackSet::Planner::~Planner() = default;

void PackSet::Planner::want(const ObjectId& id, std::size_t index) {
  State& s = *state_;
  const auto where = s.locate(id.data());
  if (!where) {
    s.plan.unplanned.push_back(index);
    return;
  }
  const int node = s.node_at(where->first, where->second);
  if (s.resolve(node) != State::Status::kPlanned) {
    s.plan.unplanned.push_back(index);
    return;
  }
  s.plan.nodes[static_cast<std::size_t>(node)].wanted.push_back(index);
}

PackReadPlan PackSet::Planner::finish() {
  PackReadPlan plan = std::move(state_->plan);
  std::sort(plan.roots.begin(), plan.roots.end(), [&](int a, int b) {
    const auto& x = plan.nodes[static_cast<std::size_t>(a)];
    const auto& y = plan.nodes[static_cast<std::size_t>(b)];
    return std::tie(x.pack, x.offset) < std::tie(y.pack, y.offset);
  });
  state_ = std::make_unique<State>(State{.packs = state_->packs, .plan = {}, .status = {}, .by_location = {}});
  return plan;
}

PackReadPlan PackSet::plan(std::span<const ObjectId> wanted) const {
  Planner planner(*this);
  for (std::size_t i = 0; i < wanted.size(); ++i) planner.want(wanted[i], i);
  return planner.finish();
}

std::optional<ObjectCache::Entry> PackSet::read(const ObjectId& id, ObjectCache& cache, Inflater& inflater) const {
  std::optional<std::pair<std::uint32_t, std::uint64_t>> at;
  for (std::uint32_t p = 0; p < packs_.size() && !at; ++p) {
    if (auto offset = packs_[p]->find(id.data())) at = std::pair{p, *offset};
  }
  if (!at) return std::nullopt;
  // Down the chain to a cached or whole object, then back up applying each delta once, caching every result.
  struct Step {
    std::uint32_t pack;
    std::uint64_t offset;
    EntryHeader header;
  };
  std::vector<Step> chain;
  ObjectCache::Entry current;
  for (;;) {
    if (chain.size() >= static_cast<std::size_t>(kMaxChainLength)) return std::nullopt;
    const std::uint64_t key = location_key(at->first, at->second);
    if (const ObjectCache::Entry* hit = cache.find(key)) {
      current = *hit;
      break;
    }
    const Pack& pack = *packs_[at->first];
    const auto header = pack.header(at->second);
    if (!header) return std::nullopt;
    if (header->type != kOfsDelta && header->type != kRefDelta) {
      auto bytes = std::make_shared<std::string>();
      if (!inflater.inflate_to(pack.pack.data(), pack.pack.size() - kTrailerBytes, header->data_offset, header->size,
                               *bytes)) {
        return std::nullopt;
      }
      current = {.type = header->type, .bytes = std::move(bytes)};
      // A commit or tag read whole is read once: caching it would only push out the trees and blobs that are
      // delta bases. A base on the way to the wanted object (below) is cached whatever it is.
      if (!chain.empty() || (header->type != kCommit && header->type != kTag)) cache.add(key, current);
      break;
    }
    chain.push_back({.pack = at->first, .offset = at->second, .header = *header});
    if (header->type == kOfsDelta) {
      at = std::pair{at->first, header->base_offset};
    } else if (auto same = pack.find(header->base_id)) {
      at = std::pair{at->first, *same};
    } else {
      at.reset();
      for (std::uint32_t p = 0; p < packs_.size() && !at; ++p) {
        if (auto offset = packs_[p]->find(header->base_id)) at = std::pair{p, *offset};
      }
      if (!at) return std::nullopt;
    }
  }
  std::string delta;
  for (auto step = chain.rbegin(); step != chain.rend(); ++step) {
    const Pack& pack = *packs_[step->pack];
    auto bytes = std::make_shared<std::string>();
    if (!inflater.inflate_to(pack.pack.data(), pack.pack.size() - kTrailerBytes, step->header.data_offset,
                             step->header.size, delta) ||
        !apply_delta(*current.bytes, delta, *bytes)) {
      return std::nullopt;
    }
    current = {.type = current.type, .bytes = std::move(bytes)};
    cache.add(location_key(step->pack, step->offset), current);
  }
  return current;
}

std::vector<std::size_t> PackSet::read_tree(const PackReadPlan& plan, int root, Inflater& inflater,
                                            const std::function<void(std::size_t, std::string_view)>& visit) const {
  std::vector<std::size_t> failed;
  auto fail_subtree = [&](int top) {
    std::vector<int> pending{top};
    while (!pending.empty()) {
      const PackNode& node = plan.nodes[static_cast<std::size_t>(pending.back())];
      pending.pop_back();
      failed.insert(failed.end(), node.wanted.begin(), node.wanted.end());
      pending.insert(pending.end(), node.children.begin(), node.children.end());
    }
  };
  auto inflate_node = [&](const PackNode& node, Stored stored, std::string& out) {
    const Pack& pack = *packs_[node.pack];
    const auto header = pack.header(node.offset);
    if (!header) return false;
    const bool is_delta = header->type == kOfsDelta || header->type == kRefDelta;
    if (is_delta != (stored == Stored::kDelta)) return false;
    return inflater.inflate_to(pack.pack.data(), pack.pack.size() - kTrailerBytes, header->data_offset, header->size,
                               out);
  };

  struct Frame {
    int node;
    std::string bytes;
    std::size_t next_child = 0;
  };
  std::vector<Frame> stack;
  std::string bytes;
  if (!inflate_node(plan.nodes[static_cast<std::size_t>(root)], Stored::kWhole, bytes)) {
    fail_subtree(root);
    return failed;
  }
  for (const std::size_t w : plan.nodes[static_cast<std::size_t>(root)].wanted) visit(w, bytes);
  stack.push_back({.node = root, .bytes = std::move(bytes)});
  std::string delta;
  std::vector<std::string> spare;  // buffers of finished frames, reused: no allocation per object
  while (!stack.empty()) {
    Frame& top = stack.back();
    const PackNode& parent = plan.nodes[static_cast<std::size_t>(top.node)];
    if (top.next_child == parent.children.size()) {
      spare.push_back(std::move(top.bytes));
      stack.pop_back();
      continue;
    }
    const int child = parent.children[top.next_child++];
    const PackNode& node = plan.nodes[static_cast<std::size_t>(child)];
    if (spare.empty()) spare.emplace_back();
    std::string& result = spare.back();
    if (!inflate_node(node, Stored::kDelta, delta) || !apply_delta(top.bytes, delta, result)) {
      fail_subtree(child);
      continue;
    }
    for (const std::size_t w : node.wanted) visit(w, result);
    if (!node.children.empty()) {
      stack.push_back({.node = child, .bytes = std::move(result)});
      spare.pop_back();
    }
  }
  return failed;
}

std::string to_hex(const ObjectId& id) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex(id.size() * 2, '0');
  for (std::size_t i = 0; i < id.size(); ++i) {
    hex[2 * i] = kDigits[id[i] >> 4];
    hex[2 * i + 1] = kDigits[id[i] & 15];
  }
  return hex;
}

}  // namespace keyward::sources
