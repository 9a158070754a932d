// Counts the process's operator new calls while a test asks it to (issue 17: allocations
// per request are a load-independent measure of cost). A binary that links
// allocation_counter.cpp replaces the global operator new, so it is never part of the
// support library: each allocation-test binary lists the file itself.
#pragma once
#include <cstddef>

namespace phonebill::test_support {

// glibc's tcache ends at 1,032 bytes: every larger block costs a trip into malloc's bins
// (malloc_consolidate, unlink_chunk) on a request path.
inline constexpr std::size_t kLargeAllocationBytes = 1024;

struct AllocationCount {
  long all = 0;      // every operator new
  long large = 0;    // of kLargeAllocationBytes or more
  long watched = 0;  // of exactly the size passed to start_counting_allocations
  // std::aligned_alloc, apart: how Asio allocates coroutine frames and handlers that its
  // per-thread cache did not serve (boost/asio/detail/memory.hpp, aligned_new). Those of
  // kLargeAllocationBytes or more are frames past the 1,020 bytes that cache keeps.
  long aligned = 0;
  long aligned_large = 0;
};

// Starts counting from zero (on every thread); `watched_bytes` names one block size to
// count apart (e.g. the server's read blocks), 0 for none.
void start_counting_allocations(std::size_t watched_bytes = 0);
// Stops and returns what was counted since start_counting_allocations().
AllocationCount stop_counting_allocations();

}  // namespace phonebill::test_support
