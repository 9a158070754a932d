// QueueingBulkhead: a bulkhead whose excess queues briefly (see queueing_bulkhead.hpp).
#include "resilience/queueing_bulkhead.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace phonebill::resilience {

namespace asio = boost::asio;

struct QueueingBulkhead::Waiter {
  explicit Waiter(const asio::any_io_executor& executor) : channel(executor, 1) {}
  asio::experimental::concurrent_channel<void(boost::system::error_code)> channel;
  bool settled = false;  // granted or timed out (guarded by the bulkhead's mutex)
};

std::string_view to_string(Admission admission) {
  switch (admission) {
    case Admission::kImmediate:
      return "immediate";
    case Admission::kAfterWait:
      return "waited";
    case Admission::kQueueFull:
      return "queue_full";
    case Admission::kTimedOut:
      return "timed_out";
  }
  return "unknown";
}

QueueingBulkhead::QueueingBulkhead(QueueingBulkheadOptions options) : options_(options) {
  options_.capacity = std::max(1, options_.capacity);
}

QueueingBulkhead::~QueueingBulkhead() = default;

asio::awaitable<QueueingBulkhead::Ticket> QueueingBulkhead::enter(Deadline deadline,
                                                                  Admission& admission) {
  auto now = std::chrono::steady_clock::now();
  auto until = std::min(deadline, now + options_.max_wait);
  auto executor = co_await asio::this_coro::executor;
  std::shared_ptr<Waiter> waiter;
  {
    std::lock_guard lock{mutex_};
    if (in_flight_ < options_.capacity) {
      ++in_flight_;
      ++admitted_;
      admission = Admission::kImmediate;
      co_return Ticket{this};
    }
    if (waiting_ >= options_.max_waiting || until <= now) {
      ++refused_;
      admission = Admission::kQueueFull;
      co_return Ticket{};
    }
    waiter = std::make_shared<Waiter>(executor);
    queue_.push_back(waiter);
    ++waiting_;
    ++queued_;
  }
  // The timer is touched by this coroutine only (async_wait, cancel); its handler just
  // settles the waiter.
  auto timer = std::make_shared<asio::steady_timer>(executor, until);
  timer->async_wait([this, waiter, timer](boost::system::error_code) {
    if (expire(*waiter)) waiter->channel.try_send(asio::error::timed_out);
  });
  auto [error] = co_await waiter->channel.async_receive(asio::as_tuple(asio::use_awaitable));
  if (error) {
    admission = Admission::kTimedOut;
    co_return Ticket{};
  }
  // Granted: stop the timer so it does not linger in the timer queue (its handler, if
  // already running, finds the waiter settled; it touches no timer state itself).
  timer->cancel();
  admission = Admission::kAfterWait;
  co_return Ticket{this};  // the releaser handed its place over
}

bool QueueingBulkhead::expire(Waiter& waiter) {
  std::lock_guard lock{mutex_};
  if (waiter.settled) return false;
  waiter.settled = true;
  --waiting_;
  ++timed_out_;
  return true;
}

void QueueingBulkhead::release() {
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

QueueingBulkheadCounters QueueingBulkhead::counters() const {
  std::lock_guard lock{mutex_};
  return QueueingBulkheadCounters{admitted_, queued_, refused_, timed_out_, in_flight_, waiting_};
}

}  // namespace phonebill::resilience
