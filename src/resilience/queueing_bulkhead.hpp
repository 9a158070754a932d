// A bulkhead with a bounded wait queue (SPEC §7, for bursts): at most `capacity` calls in
// flight; a burst beyond that waits in FIFO order — at most `max_waiting` callers, each
// until min(its deadline, now + max_wait) — instead of failing at once; a caller that
// cannot queue, or waits too long, is refused. max_waiting 0 is the classic fail-fast
// bulkhead. The KOS transport puts one in front of an operation whose misses come in
// bursts (bill-inquiry's bill fetches). Thread-safe on a multi-threaded io_context: a
// mutex guards the counters and the queue, each waiter waits on its own channel, and no
// lock is held across a suspension or while a waiter is woken.
// Entry point: QueueingBulkhead::enter, whose Ticket frees the place.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string_view>
#include <utility>

#include "core/deadline.hpp"

namespace phonebill::resilience {

struct QueueingBulkheadOptions {
  int capacity = 192;                         // calls in flight
  std::size_t max_waiting = 4096;             // callers queued behind them
  std::chrono::milliseconds max_wait{1'000};  // longest a caller queues
};

// How enter() went: a place at once, a place after queueing, or refused (queue full /
// no place freed in time).
enum class Admission { kImmediate, kAfterWait, kQueueFull, kTimedOut };
std::string_view to_string(Admission admission);  // "immediate", "waited", ...

struct QueueingBulkheadCounters {
  std::uint64_t admitted = 0;   // at once or after waiting
  std::uint64_t queued = 0;     // of which had to wait
  std::uint64_t refused = 0;    // queue full
  std::uint64_t timed_out = 0;  // waited max_wait (or to the deadline) in vain
  int in_flight = 0;
  std::size_t waiting = 0;
};

class QueueingBulkhead {
 public:
  // One admitted call; destroying it (or release()) lets the next waiter in. Move-only.
  class Ticket {
   public:
    Ticket() = default;
    explicit Ticket(QueueingBulkhead* bulkhead) : bulkhead_(bulkhead) {}
    Ticket(Ticket&& other) noexcept : bulkhead_(std::exchange(other.bulkhead_, nullptr)) {}
    Ticket& operator=(Ticket&& other) noexcept {
      if (this != &other) {
        release();
        bulkhead_ = std::exchange(other.bulkhead_, nullptr);
      }
      return *this;
    }
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    ~Ticket() { release(); }
    explicit operator bool() const { return bulkhead_ != nullptr; }
    void release() {
      if (bulkhead_ != nullptr) std::exchange(bulkhead_, nullptr)->release();
    }

   private:
    QueueingBulkhead* bulkhead_ = nullptr;
  };

  explicit QueueingBulkhead(QueueingBulkheadOptions options);
  ~QueueingBulkhead();
  QueueingBulkhead(const QueueingBulkhead&) = delete;
  QueueingBulkhead& operator=(const QueueingBulkhead&) = delete;

  // A ticket at once if a place is free; else waits for one until min(deadline, now +
  // max_wait); an empty ticket when the queue is full or the wait ran out. `admission`
  // says which.
  boost::asio::awaitable<Ticket> enter(Deadline deadline, Admission& admission);

  QueueingBulkheadCounters counters() const;
  const QueueingBulkheadOptions& options() const { return options_; }

 private:
  struct Waiter;

  // Hands the place to the oldest live waiter, or frees it.
  void release();
  // The waiter's wait ran out: settles it unless a place was handed over first.
  bool expire(Waiter& waiter);

  QueueingBulkheadOptions options_;
  mutable std::mutex mutex_;
  std::deque<std::shared_ptr<Waiter>> queue_;  // may hold settled (timed-out) waiters
  int in_flight_ = 0;
  std::size_t waiting_ = 0;
  std::uint64_t admitted_ = 0, queued_ = 0, refused_ = 0, timed_out_ = 0;
};

}  // namespace phonebill::resilience
