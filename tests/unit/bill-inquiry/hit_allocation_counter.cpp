// The replaced global operator new behind hit_allocation_counter.hpp.
#include "hit_allocation_counter.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<bool> counting{false};
std::atomic<long> all_allocations{0};
std::atomic<long> large_allocations{0};
}  // namespace

void* operator new(std::size_t bytes) {
  if (counting.load(std::memory_order_relaxed)) {
    all_allocations.fetch_add(1, std::memory_order_relaxed);
    if (bytes >= phonebill::bill::testing::kLargeAllocationBytes)
      large_allocations.fetch_add(1, std::memory_order_relaxed);
  }
  if (void* memory = std::malloc(bytes == 0 ? 1 : bytes)) return memory;
  throw std::bad_alloc{};
}
void operator delete(void* memory) noexcept { std::free(memory); }
void operator delete(void* memory, std::size_t) noexcept { std::free(memory); }

namespace phonebill::bill::testing {

void start_counting_allocations() {
  all_allocations = 0;
  large_allocations = 0;
  counting = true;
}

AllocationCount stop_counting_allocations() {
  counting = false;
  return {all_allocations.load(), large_allocations.load()};
}

}  // namespace phonebill::bill::testing
