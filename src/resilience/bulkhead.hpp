// A bulkhead (SPEC §7): at most N calls of one kind in flight; the next one fails fast
// instead of queueing behind a slow dependency. Thread-safe, lock-free. Entry point:
// Bulkhead::try_enter, whose Slot releases on destruction.
#pragma once
#include <atomic>
#include <cstdint>
#include <string>

namespace phonebill::resilience {

struct BulkheadCounters {
  std::uint64_t admitted = 0;
  std::uint64_t rejected = 0;
  int in_flight = 0;
  int peak = 0;  // highest in_flight seen
};

class Bulkhead {
 public:
  // One admitted call; leaving its scope (or release()) frees the place. Move-only.
  class Slot {
   public:
    Slot() = default;
    Slot(Slot&& other) noexcept : bulkhead_(other.bulkhead_) { other.bulkhead_ = nullptr; }
    Slot& operator=(Slot&& other) noexcept;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() { release(); }

    bool admitted() const { return bulkhead_ != nullptr; }
    explicit operator bool() const { return admitted(); }
    void release();

   private:
    friend class Bulkhead;
    Bulkhead* bulkhead_ = nullptr;
  };

  // max_concurrent < 1 is taken as 1.
  Bulkhead(std::string name, int max_concurrent);
  Bulkhead(const Bulkhead&) = delete;
  Bulkhead& operator=(const Bulkhead&) = delete;

  // A slot if fewer than max_concurrent are in flight, else an unadmitted one at once.
  Slot try_enter();

  const std::string& name() const { return name_; }
  int max_concurrent() const { return max_concurrent_; }
  int in_flight() const { return in_flight_.load(std::memory_order_relaxed); }
  BulkheadCounters counters() const;

 private:
  const std::string name_;
  const int max_concurrent_;
  std::atomic<int> in_flight_{0};
  std::atomic<int> peak_{0};
  std::atomic<std::uint64_t> admitted_{0};
  std::atomic<std::uint64_t> rejected_{0};
};

}  // namespace phonebill::resilience
