// libFuzzer target: the pack reader (scanner/sources/pack.h) on a pack and its .idx made of arbitrary bytes, as a
// repository under scan may hold them: the index's fanout, names and offsets (large offsets too), entry headers,
// zlib streams, OFS and REF deltas and their chains. Input: a 4-byte little-endian length N, N bytes of .idx, then
// the .pack. Every object the index names is planned and decoded a delta tree at a time, then read one by one
// through an object cache; apply_delta also runs on the pack bytes split in two. The reader must neither crash nor
// ask for memory the input cannot justify (a delta claiming 2^40 bytes), and hand each wanted object out at most
// once. Every object handed out is also read as a commit and walked as a tree (scanner/sources/git_objects.h), as
// the history planner reads them. The files go to a private temporary directory, since PackSet reads them by path.
#include <stdlib.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/sources/git_objects.h"
#include "scanner/sources/pack.h"

namespace {

using keyward::sources::ObjectId;

constexpr std::size_t kIdxHeaderBytes = 8 + 256 * 4;
constexpr std::size_t kMaxWanted = 64;

const std::string& objects_dir() {
  static const std::string dir = [] {
    char pattern[] = "/tmp/keyward-fuzz-pack-XXXXXX";
    if (mkdtemp(pattern) == nullptr) abort();
    std::filesystem::create_directories(std::string(pattern) + "/objects/pack");
    return std::string(pattern) + "/objects";
  }();
  return dir;
}

void write_file(const std::string& path, std::string_view bytes) {
  FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) abort();
  if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), file) != bytes.size()) abort();
  std::fclose(file);
}

std::uint32_t be32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

// The object names a v2 index lists (as many as its bytes hold, at most kMaxWanted), whatever else is wrong with it.
std::vector<ObjectId> names_in(std::string_view idx) {
  std::vector<ObjectId> out;
  if (idx.size() < kIdxHeaderBytes) return out;
  const auto* p = reinterpret_cast<const unsigned char*>(idx.data());
  const std::size_t count = std::min<std::size_t>(be32(p + 8 + 255 * 4), (idx.size() - kIdxHeaderBytes) / 20);
  for (std::size_t i = 0; i < std::min(count, kMaxWanted); ++i) {
    ObjectId id;
    std::memcpy(id.data(), p + kIdxHeaderBytes + i * 20, id.size());
    out.push_back(id);
  }
  return out;
}

// What the history planner does with an object's bytes: parse them as a commit, walk them as a tree in git's order.
void parse_as_commit_and_tree(std::string_view bytes) {
  if (const auto commit = keyward::sources::parse_commit(bytes)) {
    if (commit->message.size() > bytes.size() || commit->author_name.size() > bytes.size()) abort();
  }
  keyward::sources::TreeCursor cursor(bytes);
  keyward::sources::TreeEntry entry, previous;
  bool first = true;
  std::size_t entries = 0;
  while (cursor.next(entry)) {
    if (entry.name.empty() || ++entries > bytes.size()) abort();
    if (!first) (void)keyward::sources::compare_entries(previous, entry);
    previous = entry;
    first = false;
  }
  keyward::sources::TreeCursor skipping(bytes);
  skipping.skip_within(bytes.size() / 2);
  if (skipping.remaining() > bytes.size()) abort();
  (void)keyward::sources::common_prefix(bytes, bytes.substr(bytes.size() / 3));
  (void)keyward::sources::common_suffix(bytes, bytes.substr(bytes.size() / 3));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 4) return 0;
  const std::uint32_t idx_size =
      data[0] | (data[1] << 8) | (std::uint32_t{data[2]} << 16) | (std::uint32_t{data[3]} << 24);
  const std::string_view rest(reinterpret_cast<const char*>(data) + 4, size - 4);
  const std::string_view idx = rest.substr(0, std::min<std::size_t>(idx_size, rest.size()));
  const std::string_view pack = rest.substr(idx.size());

  // apply_delta on its own: the first byte of the pack part says where the base ends. A delta's every command
  // makes at most a base's worth of bytes (a copy) or 127 (an insert), so nothing longer can come out.
  if (!pack.empty()) {
    const std::size_t split = std::min<std::size_t>(static_cast<unsigned char>(pack[0]), pack.size() - 1);
    const std::string_view base = pack.substr(1, split);
    const std::string_view delta = pack.substr(1 + split);
    std::string out;
    if (keyward::sources::apply_delta(base, delta, out) &&
        out.size() > delta.size() * std::max<std::size_t>(base.size(), 127)) {
      abort();
    }
  }

  const std::string& dir = objects_dir();
  write_file(dir + "/pack/pack-fuzz.idx", idx);
  write_file(dir + "/pack/pack-fuzz.pack", pack);
  const auto packs = keyward::sources::PackSet::open(dir);
  const std::vector<ObjectId> wanted = names_in(idx);
  const auto plan = packs.plan(wanted);
  for (const std::size_t w : plan.unplanned) {
    if (w >= wanted.size()) abort();
  }
  std::vector<int> delivered(wanted.size(), 0);
  keyward::sources::Inflater inflater;
  for (const int root : plan.roots) {
    const auto failed = packs.read_tree(plan, root, inflater, [&](std::size_t w, std::string_view bytes) {
      if (w >= wanted.size() || ++delivered[w] > 1) abort();
      parse_as_commit_and_tree(bytes);
    });
    for (const std::size_t w : failed) {
      if (w >= wanted.size()) abort();
    }
  }
  keyward::sources::ObjectCache cache(1 << 20);
  for (const auto& id : wanted) {
    if (const auto object = packs.read(id, cache, inflater)) parse_as_commit_and_tree(*object->bytes);
  }
  return 0;
}
