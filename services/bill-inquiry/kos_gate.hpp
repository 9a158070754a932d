// KosGate: admission of cache-miss KOS fetches (SPEC §7's bulkhead, as a bounded queue).
// At most `capacity` fetches are in flight; a burst of misses beyond that waits in FIFO
// order — at most `max_waiting` callers, each until min(its deadline, now + max_wait) —
// instead of failing at once; a caller that cannot queue, or waits too long, is
// refused (the service answers the stale copy or 503 KOS_UNAVAILABLE). Thread-safe on
// a multi-threaded io_context: a mutex guards the counters and the queue, each waiter
// waits on its own concurrent_channel, and no lock is held across a suspension or
// while a waiter is woken. Entry point: KosGate::enter, whose Ticket frees the place.
#pragma once
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>

namespace phonebill::bill {

struct KosGateOptions {
  int capacity = 192;                         // fetches in flight (≤ the KOS bulkhead)
  std::size_t max_waiting = 4096;             // callers queued behind them
  std::chrono::milliseconds max_wait{1'000};  // longest a caller queues
};

// How enter() went: a place at once, a place after queueing, or refused (queue full /
// no place freed in time).
enum class KosGateAdmission { kImmediate, kAfterWait, kQueueFull, kTimedOut };

struct KosGateCounters {
  std::uint64_t admitted = 0;   // at once or after waiting
  std::uint64_t queued = 0;     // of which had to wait
  std::uint64_t refused = 0;    // queue full
  std::uint64_t timed_out = 0;  // waited max_wait (or to the deadline) in vain
  int in_flight = 0;
  std::size_t waiting = 0;
};

class KosGate {
 public:
  // One admitted fetch; destroying it (or release()) lets the next waiter in. Move-only.
  class Ticket {
   public:
    Ticket() = default;
    explicit Ticket(KosGate* gate) : gate_(gate) {}
    Ticket(Ticket&& other) noexcept : gate_(other.gate_) { other.gate_ = nullptr; }
    Ticket& operator=(Ticket&& other) noexcept {
      if (this != &other) {
        release();
        gate_ = other.gate_;
        other.gate_ = nullptr;
      }
      return *this;
    }
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    ~Ticket() { release(); }
    explicit operator bool() const { return gate_ != nullptr; }
    void release() {
      if (gate_ != nullptr) std::exchange(gate_, nullptr)->release();
    }

   private:
    KosGate* gate_ = nullptr;
  };

  explicit KosGate(KosGateOptions options) : options_(options) {
    options_.capacity = std::max(1, options_.capacity);
  }
  KosGate(const KosGate&) = delete;
  KosGate& operator=(const KosGate&) = delete;

  // A ticket at once if a place is free; else waits for one until min(deadline, now +
  // max_wait); an empty ticket when the queue is full or the wait ran out.
  boost::asio::awaitable<Ticket> enter(std::chrono::steady_clock::time_point deadline,
                                       KosGateAdmission& admission) {
    auto now = std::chrono::steady_clock::now();
    auto until = std::min(deadline, now + options_.max_wait);
    auto executor = co_await boost::asio::this_coro::executor;
    std::shared_ptr<Waiter> waiter;
    {
      std::lock_guard lock{mutex_};
      if (in_flight_ < options_.capacity) {
        ++in_flight_;
        ++admitted_;
        admission = KosGateAdmission::kImmediate;
        co_return Ticket{this};
      }
      if (waiting_ >= options_.max_waiting || until <= now) {
        ++refused_;
        admission = KosGateAdmission::kQueueFull;
        co_return Ticket{};
      }
      waiter = std::make_shared<Waiter>(executor);
      queue_.push_back(waiter);
      ++waiting_;
      ++queued_;
    }
    // The timer is touched by this coroutine only (async_wait, cancel); its handler just
    // settles the waiter.
    auto timer = std::make_shared<boost::asio::steady_timer>(executor, until);
    timer->async_wait([this, waiter, timer](boost::system::error_code) {
      bool expired = false;
      {
        std::lock_guard lock{mutex_};
        if (!waiter->settled) {
          waiter->settled = true;
          --waiting_;
          ++timed_out_;
          expired = true;
        }
      }
      if (expired) waiter->channel.try_send(boost::asio::error::timed_out);
    });
    auto [error] =
        co_await waiter->channel.async_receive(boost::asio::as_tuple(boost::asio::use_awaitable));
    // Granted: stop the timer so it does not linger in the timer queue (its handler, if
    // already running, finds the waiter settled; it touches no timer state itself).
    if (!error) timer->cancel();
    if (error) {
      admission = KosGateAdmission::kTimedOut;
      co_return Ticket{};
    }
    admission = KosGateAdmission::kAfterWait;
    co_return Ticket{this};  // the releaser handed its place over
  }

  KosGateCounters counters() const {
    std::lock_guard lock{mutex_};
    return KosGateCounters{admitted_, queued_, refused_, timed_out_, in_flight_, waiting_};
  }
  const KosGateOptions& options() const { return options_; }

 private:
  using Channel = boost::asio::experimental::concurrent_channel<void(boost::system::error_code)>;
  struct Waiter {
    explicit Waiter(const boost::asio::any_io_executor& executor) : channel(executor, 1) {}
    Channel channel;
    bool settled = false;  // granted or timed out (guarded by the gate's mutex)
  };

  // Hands the place to the oldest live waiter, or frees it.
  void release() {
    std::shared_ptr<Waiter> next;
    {
      std::lock_guard lock{mutex_};
      while (!queue_.empty()) {
        auto candidate = std::move(queue_.front());
        queue_.pop_front();
        if (!candidate->settled) {
          candidate->settled = true;
          --waiting_;
          ++admitted_;
          next = std::move(candidate);
          break;
        }
      }
      if (!next) --in_flight_;
    }
    if (next) next->channel.try_send(boost::system::error_code{});
  }

  KosGateOptions options_;
  mutable std::mutex mutex_;
  std::deque<std::shared_ptr<Waiter>> queue_;  // may hold settled (timed-out) waiters
  int in_flight_ = 0;
  std::size_t waiting_ = 0;
  std::uint64_t admitted_ = 0, queued_ = 0, refused_ = 0, timed_out_ = 0;
};

}  // namespace phonebill::bill
