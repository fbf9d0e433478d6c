#include "scanner/sources/object_reader.h"

#include <git2.h>

#include <algorithm>

#include <fmt/format.h>

#include "scanner/sources/git.h"

namespace keyward::sources {
namespace {

const char* type_name(int type) {
  switch (type) {
    case 1:
      return "commit";
    case 2:
      return "tree";
    case 3:
      return "blob";
    case 4:
      return "tag";
    default:
      return "object";
  }
}

}  // namespace

ObjectReader::ObjectReader(const PackSet& packs, git_odb* odb, std::size_t cache_bytes)
    : packs_(packs), odb_(odb), by_place_(cache_bytes), by_id_(cache_bytes) {}

Expected<std::shared_ptr<const std::string>> ObjectReader::read(const ObjectId& id, ObjectType type) {
  const int wanted = static_cast<int>(type);
  auto typed = [&](const DecodedObject& object) -> Expected<std::shared_ptr<const std::string>> {
    if (object.type != wanted) {
      return fail(fmt::format("{} is a {}, not a {}", to_hex(id), type_name(object.type), type_name(wanted)));
    }
    return object.bytes;
  };
  const bool tree = type == ObjectType::kTree;  // only trees are read twice: as a commit's, then as its parent's
  if (const DecodedObject* hit = tree ? by_id_.find(id) : nullptr) return typed(*hit);
  std::optional<DecodedObject> object = packs_.read(id, by_place_, inflater_);
  if (!object) {  // not packed here, or an entry the pack reader cannot decode: libgit2 reads it or says why not
    git_oid oid{};
    std::copy(id.begin(), id.end(), std::begin(oid.id));
    git_odb_object* raw = nullptr;
    if (git_odb_read(&raw, odb_, &oid) < 0)
      return fail(fmt::format("cannot read {}: {}", to_hex(id), last_git_error()));
    const auto* data = static_cast<const char*>(git_odb_object_data(raw));
    object = DecodedObject{.type = static_cast<int>(git_odb_object_type(raw)),
                           .bytes = std::make_shared<const std::string>(data, git_odb_object_size(raw))};
    git_odb_object_free(raw);
  }
  if (tree && object->type == static_cast<int>(ObjectType::kTree)) by_id_.add(id, *object);
  return typed(*object);
}

}  // namespace keyward::sources
