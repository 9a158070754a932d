// return_free_memory: tcmalloc's C entry points, looked up at run time, so that code
// linked without tcmalloc (tests, the Sanitize tree) needs no build switch and no stub.
#include "core/free_memory.hpp"

#include <dlfcn.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

namespace phonebill {
namespace {

using AllocatorCall = void (*)();

struct TcmallocCalls {
  AllocatorCall thread_idle = nullptr;  // MallocExtension_MarkThreadTemporarilyIdle
  AllocatorCall release = nullptr;      // MallocExtension_ReleaseFreeMemory
};

const TcmallocCalls& tcmalloc_calls() {
  static const TcmallocCalls calls = [] {
    TcmallocCalls found;
    found.thread_idle = reinterpret_cast<AllocatorCall>(
        dlsym(RTLD_DEFAULT, "MallocExtension_MarkThreadTemporarilyIdle"));
    found.release =
        reinterpret_cast<AllocatorCall>(dlsym(RTLD_DEFAULT, "MallocExtension_ReleaseFreeMemory"));
    return found;
  }();
  return calls;
}

}  // namespace

bool return_free_memory() {
  const auto& calls = tcmalloc_calls();
  if (calls.release == nullptr) return false;
  // The thread's cache first: what it holds is not free to the page heap.
  if (calls.thread_idle != nullptr) calls.thread_idle();
  calls.release();
  return true;
}

void discard_pages(void* start, std::size_t bytes) {
  static const auto page = std::uintptr_t(sysconf(_SC_PAGESIZE));
  auto first = (std::uintptr_t(start) + page - 1) / page * page;
  auto end = (std::uintptr_t(start) + bytes) / page * page;
  if (first >= end) return;
  // Advice only: if the kernel declines, the pages stay resident and nothing else changes.
  (void)madvise(reinterpret_cast<void*>(first), end - first, MADV_DONTNEED);
}

}  // namespace phonebill
