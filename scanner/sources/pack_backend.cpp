#include "scanner/sources/pack_backend.h"

#include <git2.h>
#include <git2/sys/odb_backend.h>

#include <cstring>
#include <mutex>

#include <fmt/format.h>

#include "scanner/sources/git.h"

namespace keyward::sources {
namespace {

// Checked before libgit2's loose (1) and packed (2) backends.
constexpr int kPriority = 3;

struct Backend {
  git_odb_backend parent;  // first, so libgit2's pointer is ours
  std::shared_ptr<const PackSet> packs;
  std::mutex lock;  // the odb is shared by the scan's threads
  ObjectCache cache;

  Backend(std::shared_ptr<const PackSet> p, std::size_t cache_bytes)
      : parent(), packs(std::move(p)), cache(cache_bytes) {}
};

int read(void** data, std::size_t* size, git_object_t* type, git_odb_backend* raw, const git_oid* oid) {
  auto* backend = reinterpret_cast<Backend*>(raw);
  ObjectId id;
  std::memcpy(id.data(), oid->id, id.size());
  try {
    std::lock_guard guard(backend->lock);
    const auto object = backend->packs->read(id, backend->cache);
    if (!object) return GIT_ENOTFOUND;  // not packed here, or corrupt: libgit2 reads it or says why it cannot
    void* out = git_odb_backend_data_alloc(raw, object->bytes->size());
    if (out == nullptr) return GIT_ERROR;
    std::memcpy(out, object->bytes->data(), object->bytes->size());
    *data = out;
    *size = object->bytes->size();
    *type = static_cast<git_object_t>(object->type);
    return 0;
  } catch (...) {
    return GIT_ENOTFOUND;  // out of memory here: libgit2's own reader may still manage
  }
}

void free_backend(git_odb_backend* raw) { delete reinterpret_cast<Backend*>(raw); }

}  // namespace

Expected<bool> add_pack_backend(git_odb* odb, std::shared_ptr<const PackSet> packs, std::size_t cache_bytes) {
  auto backend = std::make_unique<Backend>(std::move(packs), cache_bytes);
  if (git_odb_init_backend(&backend->parent, GIT_ODB_BACKEND_VERSION) < 0) {
    return fail(fmt::format("cannot set up the pack reader: {}", last_git_error()));
  }
  backend->parent.read = read;
  backend->parent.free = free_backend;
  if (git_odb_add_backend(odb, &backend->parent, kPriority) < 0) {
    return fail(fmt::format("cannot add the pack reader: {}", last_git_error()));
  }
  (void)backend.release();  // the odb frees it
  return true;
}

}  // namespace keyward::sources
