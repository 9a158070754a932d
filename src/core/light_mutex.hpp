// A mutex for the short critical sections a request passes through a dozen times (rate
// limiters, breakers, the upstream pool, token caches): lock and unlock inline, one atomic
// instruction each when nobody waits. Entry point: LightMutex.
#pragma once
#include <atomic>

namespace phonebill {

// The futex mutex of Drepper's "Futexes Are Tricky" (his mutex 2): 0 free, 1 held, 2 held
// with a thread perhaps waiting; a waiter sleeps in std::atomic::wait (a futex on Linux),
// and unlock wakes one only when the word says someone may wait. std::mutex does the same
// through pthread_mutex_lock/unlock, out of line with owner and user counts: ~55
// instructions a lock and unlock against ~6, and a proxied request took about fifteen
// (issue 17 item 2). Not recursive, no owner check, not fair (like std::mutex on Linux). A
// BasicLockable and Lockable: std::lock_guard, std::unique_lock and std::scoped_lock take
// it; std::condition_variable does not (it wants std::mutex).
class LightMutex {
 public:
  LightMutex() = default;
  LightMutex(const LightMutex&) = delete;
  LightMutex& operator=(const LightMutex&) = delete;

  void lock() {
    int expected = kFree;
    if (state_.compare_exchange_strong(expected, kHeld, std::memory_order_acquire,
                                       std::memory_order_relaxed))
      return;
    lock_contended(expected);
  }

  bool try_lock() {
    int expected = kFree;
    return state_.compare_exchange_strong(expected, kHeld, std::memory_order_acquire,
                                          std::memory_order_relaxed);
  }

  void unlock() {
    if (state_.exchange(kFree, std::memory_order_release) == kWaited) state_.notify_one();
  }

 private:
  static constexpr int kFree = 0;
  static constexpr int kHeld = 1;
  static constexpr int kWaited = 2;

  // Marks the mutex as waited for and sleeps until a release; whoever takes it from here
  // leaves the mark, so its unlock wakes the next sleeper (at worst a wake-up too many).
  void lock_contended(int seen) {
    if (seen != kWaited) seen = state_.exchange(kWaited, std::memory_order_acquire);
    while (seen != kFree) {
      state_.wait(kWaited, std::memory_order_relaxed);
      seen = state_.exchange(kWaited, std::memory_order_acquire);
    }
  }

  std::atomic<int> state_{kFree};
};

}  // namespace phonebill
