// The replaced global operator new (and std::aligned_alloc) behind allocation_counter.hpp.
#include "support/allocation_counter.hpp"

#include <stdlib.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<bool> counting{false};
std::atomic<std::size_t> watched_size{0};
std::atomic<long> all_allocations{0};
std::atomic<long> large_allocations{0};
std::atomic<long> watched_allocations{0};
std::atomic<long> aligned_allocations{0};
std::atomic<long> large_aligned_allocations{0};
}  // namespace

// Replaces libc's (and, under ASan, the sanitizer's) aligned_alloc for the whole binary;
// posix_memalign, which both provide, does the allocating, and free() releases it.
extern "C" void* aligned_alloc(std::size_t alignment, std::size_t bytes) noexcept {
  if (counting.load(std::memory_order_relaxed)) {
    aligned_allocations.fetch_add(1, std::memory_order_relaxed);
    if (bytes >= phonebill::test_support::kLargeAllocationBytes)
      large_aligned_allocations.fetch_add(1, std::memory_order_relaxed);
  }
  void* memory = nullptr;
  if (alignment < sizeof(void*)) alignment = sizeof(void*);
  if (posix_memalign(&memory, alignment, bytes == 0 ? 1 : bytes) != 0) return nullptr;
  return memory;
}

void* operator new(std::size_t bytes) {
  if (counting.load(std::memory_order_relaxed)) {
    all_allocations.fetch_add(1, std::memory_order_relaxed);
    if (bytes >= phonebill::test_support::kLargeAllocationBytes)
      large_allocations.fetch_add(1, std::memory_order_relaxed);
    if (bytes == watched_size.load(std::memory_order_relaxed))
      watched_allocations.fetch_add(1, std::memory_order_relaxed);
  }
  if (void* memory = std::malloc(bytes == 0 ? 1 : bytes)) return memory;
  throw std::bad_alloc{};
}
void operator delete(void* memory) noexcept { std::free(memory); }
void operator delete(void* memory, std::size_t) noexcept { std::free(memory); }

namespace phonebill::test_support {

void start_counting_allocations(std::size_t watched_bytes) {
  all_allocations = 0;
  large_allocations = 0;
  watched_allocations = 0;
  aligned_allocations = 0;
  large_aligned_allocations = 0;
  watched_size = watched_bytes;
  counting = true;
}

AllocationCount stop_counting_allocations() {
  counting = false;
  return {all_allocations.load(), large_allocations.load(), watched_allocations.load(),
          aligned_allocations.load(), large_aligned_allocations.load()};
}

}  // namespace phonebill::test_support
