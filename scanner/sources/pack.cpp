#include "scanner/sources/pack.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

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
    // find() searches names between two fanout entries: they must rise and stay within the names.
    for (std::size_t i = 1; i < 256; ++i) {
      if (be32(idx.data() + 8 + (i - 1) * 4) > be32(idx.data() + 8 + i * 4)) return false;
    }
    return true;
  }

  const unsigned char* ids() const { return idx.data() + kIdxHeaderBytes; }

  std::optional<std::uint64_t> find(const unsigned char* id) const {
    const unsigned char* fanout = idx.data() + 8;
    std::uint32_t lo = id[0] == 0 ? 0 : be32(fanout + std::size_t{id[0] - 1u} * 4);
    std::uint32_t hi = be32(fanout + std::size_t{id[0]} * 4);
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

// One zlib stream per reader, reset between entries.
class Inflater {
 public:
  Inflater() { ok_ = inflateInit(&stream_) == Z_OK; }
  ~Inflater() {
    if (ok_) inflateEnd(&stream_);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // Inflates the stream at `at` (within `data` of `size` bytes) into exactly `expected` bytes.
  bool inflate_to(const unsigned char* data, std::uint64_t size, std::uint64_t at, std::uint64_t expected,
                  std::string& out) {
    if (!ok_ || inflateReset(&stream_) != Z_OK || at >= size) return false;
    if (expected > kMaxObjectBytes || expected > (size - at) * kMaxInflateRatio + 64) return false;
    out.resize(expected);
    stream_.next_out = reinterpret_cast<Bytef*>(out.data());
    stream_.avail_out = 0;
    std::uint64_t in_left = size - at;
    std::uint64_t out_left = expected;
    stream_.next_in = const_cast<Bytef*>(data + at);
    stream_.avail_in = 0;
    for (;;) {
      if (stream_.avail_in == 0) {
        stream_.avail_in = static_cast<uInt>(std::min<std::uint64_t>(in_left, UINT_MAX));
        in_left -= stream_.avail_in;
      }
      if (stream_.avail_out == 0) {
        // One spare byte past the expected size: a stream longer than its header says is corrupt.
        stream_.avail_out = static_cast<uInt>(std::min<std::uint64_t>(out_left, UINT_MAX));
        out_left -= stream_.avail_out;
        if (stream_.avail_out == 0) {
          stream_.next_out = spare_;
          stream_.avail_out = 1;
        }
      }
      const int status = ::inflate(&stream_, Z_NO_FLUSH);
      if (status == Z_STREAM_END) return stream_.total_out == expected;
      if (status != Z_OK || stream_.next_out == spare_ + 1) return false;
      if (stream_.avail_in == 0 && in_left == 0) return false;
    }
  }

 private:
  z_stream stream_{};
  bool ok_ = false;
  Bytef spare_[1] = {};
};

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

namespace {

// Runs a delta's commands from `pos`: with `out` null, only checks them against the base and the result's size;
// with `out` holding `result_size` bytes, also writes the result there.
bool run_delta(std::string_view base, std::string_view delta, std::size_t pos, std::uint64_t result_size, char* out) {
  std::uint64_t written = 0;
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
      if (offset + size > base.size() || size > result_size - written) return false;
      if (out != nullptr) std::memcpy(out + written, base.data() + offset, size);
      written += size;
    } else if (command != 0) {  // insert the next `command` bytes
      if (pos + command > delta.size() || command > result_size - written) return false;
      if (out != nullptr) std::memcpy(out + written, delta.data() + pos, command);
      pos += command;
      written += command;
    } else {
      return false;  // reserved
    }
  }
  return written == result_size;
}

}  // namespace

bool apply_delta(std::string_view base, std::string_view delta, std::string& out) {
  std::size_t pos = 0;
  std::uint64_t base_size = 0, result_size = 0;
  if (!read_varint(delta, pos, base_size) || !read_varint(delta, pos, result_size)) return false;
  if (base_size != base.size() || result_size > kMaxObjectBytes) return false;
  // The commands first, without memory: a delta claiming more than its commands make (2^40 bytes) is refused
  // before the result's memory is asked for.
  if (!run_delta(base, delta, pos, result_size, nullptr)) return false;
  out.resize(result_size);
  return run_delta(base, delta, pos, result_size, out.data());
}

const ObjectCache::Entry* ObjectCache::find(std::uint64_t key) {
  const auto it = by_key_.find(key);
  if (it == by_key_.end()) return nullptr;
  order_.splice(order_.begin(), order_, it->second);
  return &it->second->second;
}

void ObjectCache::add(std::uint64_t key, Entry entry) {
  const std::size_t bytes = entry.bytes->size();
  if (bytes > budget_bytes_ / 4 || by_key_.contains(key)) return;
  order_.emplace_front(key, std::move(entry));
  by_key_.emplace(key, order_.begin());
  used_bytes_ += bytes;
  while (used_bytes_ > budget_bytes_) {
    used_bytes_ -= order_.back().second.bytes->size();
    by_key_.erase(order_.back().first);
    order_.pop_back();
  }
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

PackReadPlan PackSet::plan(std::span<const ObjectId> wanted) const {
  PackReadPlan plan;
  enum class State { kPending, kPlanned, kFailed };
  std::vector<State> state;
  std::unordered_map<std::uint64_t, int> by_location;  // (pack << 48 | offset) -> node
  auto node_at = [&](std::uint32_t pack, std::uint64_t offset) {
    const std::uint64_t key = location_key(pack, offset);
    auto [it, inserted] = by_location.try_emplace(key, static_cast<int>(plan.nodes.size()));
    if (inserted) {
      plan.nodes.push_back({.pack = pack, .offset = offset});
      state.push_back(State::kPending);
    }
    return it->second;
  };
  auto locate = [&](const unsigned char* id) -> std::optional<std::pair<std::uint32_t, std::uint64_t>> {
    for (std::uint32_t p = 0; p < packs_.size(); ++p) {
      if (auto offset = packs_[p]->find(id)) return std::pair{p, *offset};
    }
    return std::nullopt;
  };
  // Links `node` to its base, and the base to its own, until a planned node, a whole object or a failure.
  auto resolve = [&](int start) {
    std::vector<int> chain;
    int node = start;
    State outcome = State::kFailed;
    while (static_cast<int>(chain.size()) < kMaxChainLength) {
      if (state[static_cast<std::size_t>(node)] != State::kPending) {
        outcome = state[static_cast<std::size_t>(node)];
        break;
      }
      chain.push_back(node);
      const PackNode& current = plan.nodes[static_cast<std::size_t>(node)];
      const Pack& pack = *packs_[current.pack];
      const auto header = pack.header(current.offset);
      if (!header) break;
      if (header->type != kOfsDelta && header->type != kRefDelta) {
        plan.roots.push_back(node);
        outcome = State::kPlanned;
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
      state[static_cast<std::size_t>(n)] = outcome;
      const int base = plan.nodes[static_cast<std::size_t>(n)].base;
      if (outcome == State::kPlanned && base >= 0) plan.nodes[static_cast<std::size_t>(base)].children.push_back(n);
    }
    return outcome;
  };
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    const auto where = locate(wanted[i].data());
    if (!where) {
      plan.unplanned.push_back(i);
      continue;
    }
    const int node = node_at(where->first, where->second);
    if (resolve(node) != State::kPlanned) {
      plan.unplanned.push_back(i);
      continue;
    }
    plan.nodes[static_cast<std::size_t>(node)].wanted.push_back(i);
  }
  std::sort(plan.roots.begin(), plan.roots.end(), [&](int a, int b) {
    const auto& x = plan.nodes[static_cast<std::size_t>(a)];
    const auto& y = plan.nodes[static_cast<std::size_t>(b)];
    return std::tie(x.pack, x.offset) < std::tie(y.pack, y.offset);
  });
  return plan;
}

std::optional<ObjectCache::Entry> PackSet::read(const ObjectId& id, ObjectCache& cache) const {
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
  Inflater inflater;
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
      cache.add(key, current);
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

std::vector<std::size_t> PackSet::read_tree(const PackReadPlan& plan, int root,
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
  Inflater inflater;
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
  while (!stack.empty()) {
    Frame& top = stack.back();
    const PackNode& parent = plan.nodes[static_cast<std::size_t>(top.node)];
    if (top.next_child == parent.children.size()) {
      stack.pop_back();
      continue;
    }
    const int child = parent.children[top.next_child++];
    const PackNode& node = plan.nodes[static_cast<std::size_t>(child)];
    std::string result;
    if (!inflate_node(node, Stored::kDelta, delta) || !apply_delta(top.bytes, delta, result)) {
      fail_subtree(child);
      continue;
    }
    for (const std::size_t w : node.wanted) visit(w, result);
    if (!node.children.empty()) stack.push_back({.node = child, .bytes = std::move(result)});
  }
  return failed;
}

}  // namespace keyward::sources
