// A test-only allocator, preloaded (LD_PRELOAD) into the real keyward binary by an e2e test: `operator new` fails
// with std::bad_alloc for any block of KEYWARD_TEST_REFUSE_ALLOCATIONS_FROM bytes or more, as it would on a
// machine out of memory. So one large file fails part-way through its scan, with no test hook in keyward itself.
#include <cstdlib>
#include <new>

namespace {

std::size_t refuse_from() {
  static const std::size_t limit = [] {
    const char* text = std::getenv("KEYWARD_TEST_REFUSE_ALLOCATIONS_FROM");
    return text == nullptr ? std::size_t{0} : static_cast<std::size_t>(std::strtoull(text, nullptr, 10));
  }();
  return limit;
}

void* allocate(std::size_t size) {
  if (refuse_from() != 0 && size >= refuse_from()) throw std::bad_alloc();
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

}  // namespace

void* operator new(std::size_t size) { return allocate(size); }
void* operator new[](std::size_t size) { return allocate(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
