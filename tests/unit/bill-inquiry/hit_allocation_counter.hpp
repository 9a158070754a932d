// Counts operator new calls, and those of 1 KiB or more, while a test asks it to (issue 17:
// glibc's tcache ends at 1,032 bytes, so every larger block on bill-inquiry's hit path
// costs a malloc_consolidate / unlink_chunk). The binary that links
// hit_allocation_counter.cpp replaces the global operator new.
#pragma once
#include <cstddef>

namespace phonebill::bill::testing {

inline constexpr std::size_t kLargeAllocationBytes = 1024;

struct AllocationCount {
  long all = 0;    // every operator new
  long large = 0;  // of kLargeAllocationBytes or more
};

// Starts counting from zero (on every thread).
void start_counting_allocations();
// Stops and returns what was counted since start_counting_allocations().
AllocationCount stop_counting_allocations();

}  // namespace phonebill::bill::testing
