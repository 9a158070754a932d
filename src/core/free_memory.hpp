// Gives the allocator's free memory back to the operating system, for a process that has
// gone quiet after a burst (issue 17 item 4): tcmalloc keeps what was freed for reuse and
// returns nothing by itself while nothing more is freed. Entry points:
// return_free_memory, discard_pages.
#pragma once
#include <cstddef>

namespace phonebill {

// Moves the calling thread's allocator cache to the shared free lists, then returns every
// free page to the system (madvise). A few system calls per free range: for a quiet
// moment, never per request. A no-op where malloc is not tcmalloc (the Sanitize tree,
// PHONEBILL_ALLOCATOR=system); false then.
bool return_free_memory();

// The whole pages inside [start, start + bytes), memory the caller holds and will not
// read before writing it again, go back to the system (madvise MADV_DONTNEED); the
// memory stays allocated, and a page reads as zeros once touched again (a page fault).
// For kept blocks (a cache, a pooled connection's buffer): freed instead, an 8 KiB block
// would only move to tcmalloc's transfer cache, which keeps up to 1 MiB of each size and
// which no call returns to the system.
void discard_pages(void* start, std::size_t bytes);

}  // namespace phonebill
