// Counts the process's operator new calls while a test asks it to (issue 17: allocations
// per request are a load-independent measure of the HTTP core's cost). The binary that
// links allocation_counter.cpp replaces the global operator new.
#pragma once
#include <cstddef>

namespace phonebill::http::testing {

struct AllocationCount {
  long all = 0;          // every operator new
  long read_blocks = 0;  // of exactly kReadBlockBytes (the server's read buffers)
};

// Starts counting from zero (on every thread).
void start_counting_allocations();
// Stops and returns what was counted since start_counting_allocations().
AllocationCount stop_counting_allocations();

}  // namespace phonebill::http::testing
