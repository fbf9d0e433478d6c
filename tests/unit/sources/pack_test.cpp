// The pack reader against git itself: every blob of a repacked repository (deep delta chains) decodes to the bytes
// `git cat-file` gives, objects outside packs are handed back, and a corrupt pack never yields wrong bytes.
#include "scanner/sources/pack.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "tests/support/git_repo.h"
#include "tests/support/process.h"

namespace keyward::sources {
namespace {

using testing::GitRepo;

ObjectId from_hex(const std::string& hex) {
  ObjectId id{};
  for (std::size_t i = 0; i < id.size(); ++i)
    id[i] = static_cast<unsigned char>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  return id;
}

// Every blob in the repository, by id, with its bytes as git reads them.
std::map<std::string, std::string> blobs_by_git(GitRepo& repo) {
  std::istringstream listing(
      repo.git({"cat-file", "--batch-all-objects", "--batch-check=%(objectname) %(objecttype)"}));
  std::string ids;
  for (std::string id, type; listing >> id >> type;) {
    if (type == "blob") ids += id + "\n";
  }
  const auto batch =
      testing::run_process({"/usr/bin/git", "-C", repo.path(), "cat-file", "--batch"}, {.cwd = {}, .stdin_bytes = ids});
  EXPECT_EQ(batch.exit_code, 0) << batch.err;
  std::map<std::string, std::string> blobs;
  std::size_t pos = 0;
  while (pos < batch.out.size()) {
    const std::size_t eol = batch.out.find('\n', pos);
    std::istringstream header(batch.out.substr(pos, eol - pos));
    std::string id, type;
    std::size_t size = 0;
    header >> id >> type >> size;
    blobs[id] = batch.out.substr(eol + 1, size);
    pos = eol + 1 + size + 1;
  }
  return blobs;
}

// A file edited in many commits, repacked so most versions are deltas of deltas.
void edit_and_repack(GitRepo& repo) {
  std::string notes, env;
  for (int i = 0; i < 40; ++i) {
    notes += "line " + std::to_string(i) + ": the quick brown fox jumps over the lazy dog\n";
    repo.write("notes.txt", notes);
    if (i % 4 == 0) {
      env.insert(0, "VERSION=" + std::to_string(i) + "\nNAME=service\n");
      repo.write("config/app.env", env);
    }
    repo.git({"add", "."});
    repo.commit("edit " + std::to_string(i));
  }
  repo.git({"repack", "-adfq", "--depth=50", "--window=50"});
}

struct Decoded {
  std::map<std::size_t, std::string> bytes;  // by wanted index
  std::vector<std::size_t> failed;
};

Decoded decode_all(const PackSet& packs, const PackReadPlan& plan) {
  Decoded out;
  Inflater inflater;
  for (const int root : plan.roots) {
    const auto failed = packs.read_tree(plan, root, inflater, [&](std::size_t w, std::string_view bytes) {
      EXPECT_TRUE(out.bytes.emplace(w, std::string(bytes)).second) << "wanted object " << w << " delivered twice";
    });
    out.failed.insert(out.failed.end(), failed.begin(), failed.end());
  }
  return out;
}

TEST(ApplyDelta, CopiesFromTheBaseAndInsertsLiterals) {
  const std::string base = "hello world";
  // base size 11, result size 17; copy [0,5), insert " there", copy [5,11).
  const std::string delta = std::string("\x0b\x11", 2) + "\x90\x05" + "\x06 there" + "\x91\x05\x06";
  std::string out;
  ASSERT_TRUE(apply_delta(base, delta, out));
  EXPECT_EQ(out, "hello there world");
}

TEST(ApplyDelta, RejectsMalformedDeltas) {
  const std::string base = "hello world";
  std::string out;
  EXPECT_FALSE(apply_delta(base, std::string("\x0c\x05\x90\x05", 4), out)) << "wrong base size";
  EXPECT_FALSE(apply_delta(base, std::string("\x0b\x05\x91\x08\x05", 5), out)) << "copy past the base's end";
  EXPECT_FALSE(apply_delta(base, std::string("\x0b\x05\x00", 3), out)) << "reserved command 0";
  EXPECT_FALSE(apply_delta(base,
                           std::string("\x0b\x05\x06"
                                       "abc",
                                       6),
                           out))
      << "insert past the delta's end";
  EXPECT_FALSE(apply_delta(base, std::string("\x0b\x09\x90\x05", 4), out)) << "shorter than the size it announces";
}

// Issue 18: a delta claiming a result of 2^40 bytes, or of more than the reader decodes (256 MiB), is refused
// before memory is asked for it (asked for, 2^40 bytes would throw here, or stop the sanitizer build).
TEST(ApplyDelta, RefusesAHugeClaimBeforeAskingForItsMemory) {
  const std::string base = "hello world";
  std::string out;
  // Result size 2^40 as a varint (six bytes, the last 0x20), then one copy of 5 bytes.
  const std::string claim_2_40 = std::string("\x0b\x80\x80\x80\x80\x80\x20\x90\x05", 9);
  EXPECT_FALSE(apply_delta(base, claim_2_40, out));
  EXPECT_LT(out.capacity(), std::size_t{1} << 20);
  // 256 MiB + 1: within what the commands could copy (4097 copies of 64 KiB), over the reader's limit.
  const std::string over_limit = std::string("\x0b\x81\x80\x80\x80\x01", 6) + "\x90\x05";
  EXPECT_FALSE(apply_delta(base, over_limit, out));
  EXPECT_LT(out.capacity(), std::size_t{1} << 20);
}

TEST(PackSet, DecodesEveryBlobOfARepackedRepositoryAsGitDoes) {
  GitRepo repo;
  edit_and_repack(repo);
  const auto expected = blobs_by_git(repo);
  ASSERT_GE(expected.size(), 50u);
  std::vector<ObjectId> wanted;
  std::vector<std::string> wanted_hex;
  for (const auto& [id, bytes] : expected) {
    wanted.push_back(from_hex(id));
    wanted_hex.push_back(id);
  }
  const PackSet packs = PackSet::open(repo.path() + "/.git/objects");
  const PackReadPlan plan = packs.plan(wanted);
  EXPECT_TRUE(plan.unplanned.empty());
  EXPECT_LT(plan.roots.size(), wanted.size() / 4) << "most versions should be deltas";

  const Decoded decoded = decode_all(packs, plan);
  EXPECT_TRUE(decoded.failed.empty());
  ASSERT_EQ(decoded.bytes.size(), wanted.size());
  for (const auto& [w, bytes] : decoded.bytes) EXPECT_EQ(bytes, expected.at(wanted_hex[w])) << wanted_hex[w];

  // One by one through a small cache, newest first and oldest first: the same bytes.
  ObjectCache cache(std::size_t{64} * 1024);
  Inflater inflater;
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t i = 0; i < wanted.size(); ++i) {
      const std::size_t w = pass == 0 ? i : wanted.size() - 1 - i;
      const auto object = packs.read(wanted[w], cache, inflater);
      ASSERT_TRUE(object.has_value()) << wanted_hex[w];
      EXPECT_EQ(object->type, 3);
      EXPECT_EQ(*object->bytes, expected.at(wanted_hex[w]));
    }
  }
}

TEST(PackSet, HandsBackObjectsThatAreNotInAPack) {
  GitRepo repo;
  edit_and_repack(repo);
  repo.write("loose.txt", "written after the repack\n");
  std::string loose = repo.git({"hash-object", "-w", "loose.txt"});
  loose.pop_back();
  const PackSet packs = PackSet::open(repo.path() + "/.git/objects");
  const std::vector<ObjectId> wanted{from_hex(loose)};
  const PackReadPlan plan = packs.plan(wanted);
  EXPECT_EQ(plan.unplanned, std::vector<std::size_t>{0});
  EXPECT_TRUE(plan.roots.empty());
  ObjectCache cache(1024);
  Inflater inflater;
  EXPECT_FALSE(packs.read(wanted[0], cache, inflater).has_value());
  EXPECT_TRUE(PackSet::open(repo.path() + "/no-such-dir").plan(wanted).roots.empty());
}

// Found by fuzz_pack (issue 18): an index whose fanout entries fall back or run past its object count sent the
// name search far outside the index. Such an index is not used; its objects are handed back for libgit2.
TEST(PackSet, AnIndexWhoseFanoutRunsPastItsNamesIsNotUsed) {
  GitRepo repo;
  edit_and_repack(repo);
  const auto expected = blobs_by_git(repo);
  std::vector<ObjectId> wanted;
  for (const auto& [id, bytes] : expected) wanted.push_back(from_hex(id));
  std::string idx_path;
  for (const auto& entry : std::filesystem::directory_iterator(repo.path() + "/.git/objects/pack")) {
    if (entry.path().extension() == ".idx") idx_path = entry.path();
  }
  ASSERT_FALSE(idx_path.empty());
  std::filesystem::permissions(idx_path, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
  {
    std::fstream idx(idx_path, std::ios::in | std::ios::out | std::ios::binary);
    for (int entry = 0; entry < 255; ++entry) {  // every fanout entry but the last (the count): 0, 0x7fffffff, ...
      idx.seekp(8 + entry * 4);
      idx.write(entry % 2 == 0 ? "\x00\x00\x00\x00" : "\x7f\xff\xff\xff", 4);
    }
  }
  const PackSet packs = PackSet::open(repo.path() + "/.git/objects");
  const PackReadPlan plan = packs.plan(wanted);
  EXPECT_TRUE(plan.roots.empty());
  EXPECT_EQ(plan.unplanned.size(), wanted.size());
  ObjectCache cache(1 << 20);
  Inflater inflater;
  for (const auto& id : wanted) EXPECT_FALSE(packs.read(id, cache, inflater).has_value());
}

TEST(PackSet, ACorruptPackNeverYieldsWrongBytes) {
  GitRepo repo;
  edit_and_repack(repo);
  const auto expected = blobs_by_git(repo);
  std::vector<ObjectId> wanted;
  std::vector<std::string> wanted_hex;
  for (const auto& [id, bytes] : expected) {
    wanted.push_back(from_hex(id));
    wanted_hex.push_back(id);
  }
  std::string pack_path;
  for (const auto& entry : std::filesystem::directory_iterator(repo.path() + "/.git/objects/pack")) {
    if (entry.path().extension() == ".pack") pack_path = entry.path();
  }
  ASSERT_FALSE(pack_path.empty());
  std::filesystem::permissions(pack_path, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
  const auto size = std::filesystem::file_size(pack_path);
  {
    std::fstream pack(pack_path, std::ios::in | std::ios::out | std::ios::binary);
    for (std::uintmax_t at = 100; at + 20 < size; at += size / 7) {  // flip bytes at a few places
      pack.seekg(static_cast<std::streamoff>(at));
      const char c = static_cast<char>(pack.get());
      pack.seekp(static_cast<std::streamoff>(at));
      pack.put(static_cast<char>(~c));
    }
  }
  const PackSet packs = PackSet::open(repo.path() + "/.git/objects");
  const PackReadPlan plan = packs.plan(wanted);
  const Decoded decoded = decode_all(packs, plan);
  EXPECT_EQ(decoded.bytes.size() + decoded.failed.size() + plan.unplanned.size(), wanted.size())
      << "every wanted object is delivered or handed back, once";
  EXPECT_FALSE(decoded.failed.empty() && plan.unplanned.empty()) << "the damage went unnoticed";
  for (const auto& [w, bytes] : decoded.bytes) EXPECT_EQ(bytes, expected.at(wanted_hex[w])) << wanted_hex[w];
}

}  // namespace
}  // namespace keyward::sources
