// An allocator for the server's read buffers that recycles their 8 KiB blocks through a
// small per-thread free list (issue 17 item 1). An idle keep-alive connection holds no
// read buffer (its memory is what idle connections cost); without recycling, a closed
// loop of keep-alive requests freed that block after every answer and allocated it again
// for the next request: one large malloc and free per request, in every service.
#pragma once
#include <cstddef>
#include <new>

namespace phonebill::http {

// The size of one read block: what the server asks of an empty read buffer.
inline constexpr std::size_t kReadBlockBytes = 8192;

// Blocks of kReadBlockBytes freed on this thread, kept for the next buffer. Bounded, so a
// burst of connections that closed leaves at most kMaxBlocks * 8 KiB per I/O thread; a
// block may be freed on another thread than the one that allocated it (both are plain
// operator new memory).
class ReadBlockCache {
 public:
  static constexpr std::size_t kMaxBlocks = 16;

  static void* take() {
    auto& cache = local();
    if (cache.count_ == 0) return ::operator new(kReadBlockBytes);
    return cache.blocks_[--cache.count_];
  }
  static void give_back(void* block) {
    auto& cache = local();
    if (cache.count_ == kMaxBlocks) {
      ::operator delete(block, kReadBlockBytes);
      return;
    }
    cache.blocks_[cache.count_++] = block;
  }
  // Blocks cached on the calling thread (for tests).
  static std::size_t cached() { return local().count_; }

  ~ReadBlockCache() {
    for (std::size_t i = 0; i < count_; ++i) ::operator delete(blocks_[i], kReadBlockBytes);
  }

 private:
  static ReadBlockCache& local() {
    thread_local ReadBlockCache cache;
    return cache;
  }
  void* blocks_[kMaxBlocks] = {};
  std::size_t count_ = 0;
};

// std::allocator<char> except that blocks of exactly kReadBlockBytes come from and go
// back to the calling thread's ReadBlockCache. Stateless: any two compare equal.
template <class T>
struct RecyclingAllocator {
  using value_type = T;
  RecyclingAllocator() noexcept = default;
  template <class U>
  RecyclingAllocator(const RecyclingAllocator<U>&) noexcept {}

  T* allocate(std::size_t count) {
    std::size_t bytes = count * sizeof(T);
    if (bytes == kReadBlockBytes) return static_cast<T*>(ReadBlockCache::take());
    return static_cast<T*>(::operator new(bytes));
  }
  void deallocate(T* pointer, std::size_t count) noexcept {
    std::size_t bytes = count * sizeof(T);
    if (bytes == kReadBlockBytes) {
      ReadBlockCache::give_back(pointer);
      return;
    }
    ::operator delete(pointer, bytes);
  }
  template <class U>
  bool operator==(const RecyclingAllocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace phonebill::http
