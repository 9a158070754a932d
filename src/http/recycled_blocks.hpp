// Per-thread free lists of fixed-size blocks (BlockCache) and of built objects
// (ObjectCache), trimmed once the process is quiet, and an allocator for the server's
// read buffers that recycles their 8 KiB blocks through one (issue 17 item 1).
// An idle keep-alive connection holds no read buffer (its memory is what idle
// connections cost); without recycling, a closed loop of keep-alive requests freed that
// block after every answer and allocated it again for the next request: one large malloc
// and free per request, in every service. The server's per-request state is recycled the
// same way (server.cpp, Exchange).
#pragma once
#include <cstddef>
#include <new>

#include "core/free_memory.hpp"

namespace phonebill::http {

// The size of one read block: what the server asks of an empty read buffer.
inline constexpr std::size_t kReadBlockBytes = 8192;

// What a cache keeps ready after trim() (the server trims its caches once requests have
// stopped for a while, http/quiet_period.hpp): a trickle of requests after a burst still
// takes everything from the cache, and what the burst's peak left goes back.
inline constexpr std::size_t kQuietCacheFloor = 4;

// Blocks of `Bytes` freed on this thread, kept for the next taker. Bounded, so a burst
// of connections or requests that ended leaves at most MaxBlocks * Bytes per I/O thread; a
// block may be freed on another thread than the one that allocated it (both are plain
// operator new memory).
template <std::size_t Bytes, std::size_t MaxBlocks>
class BlockCache {
 public:
  static constexpr std::size_t kBlockBytes = Bytes;
  static constexpr std::size_t kMaxBlocks = MaxBlocks;

  static void* take() {
    auto& cache = local();
    if (cache.count_ == 0) return ::operator new(Bytes);
    return cache.blocks_[--cache.count_];
  }
  static void give_back(void* block) {
    auto& cache = local();
    if (cache.count_ == MaxBlocks) {
      ::operator delete(block, Bytes);
      return;
    }
    cache.blocks_[cache.count_++] = block;
  }
  // Blocks cached on the calling thread (for tests).
  static std::size_t cached() { return local().count_; }
  // Gives the pages of the calling thread's blocks beyond `floor` back to the system,
  // keeping the blocks (freed, they would stay in the allocator's free lists:
  // core/free_memory.hpp). The last `floor` blocks, which take() hands out first, stay
  // resident.
  static void trim(std::size_t floor) {
    auto& cache = local();
    for (std::size_t i = 0; i + floor < cache.count_; ++i) discard_pages(cache.blocks_[i], Bytes);
  }

  ~BlockCache() {
    for (std::size_t i = 0; i < count_; ++i) ::operator delete(blocks_[i], Bytes);
  }

 private:
  static BlockCache& local() {
    thread_local BlockCache cache;
    return cache;
  }
  void* blocks_[MaxBlocks] = {};
  std::size_t count_ = 0;
};

// Objects of type T freed on this thread, kept built for the next taker (who resets what
// must start afresh): BlockCache for objects whose members keep storage worth reusing.
// Bounded like BlockCache; the objects left at thread exit are destroyed.
template <class T, std::size_t MaxObjects>
class ObjectCache {
 public:
  static T* take() {
    auto& cache = local();
    if (cache.count_ == 0) return new T;
    return cache.objects_[--cache.count_];
  }
  static void give_back(T* object) noexcept {
    auto& cache = local();
    if (cache.count_ == MaxObjects) {
      delete object;
      return;
    }
    cache.objects_[cache.count_++] = object;
  }
  // Objects cached on the calling thread (for tests).
  static std::size_t cached() { return local().count_; }
  // Destroys the calling thread's objects beyond `floor`.
  static void trim(std::size_t floor) noexcept {
    auto& cache = local();
    while (cache.count_ > floor) delete cache.objects_[--cache.count_];
  }

  ~ObjectCache() {
    for (std::size_t i = 0; i < count_; ++i) delete objects_[i];
  }

 private:
  static ObjectCache& local() {
    thread_local ObjectCache cache;
    return cache;
  }
  T* objects_[MaxObjects] = {};
  std::size_t count_ = 0;
};

// The read buffers' blocks.
using ReadBlockCache = BlockCache<kReadBlockBytes, 16>;

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
