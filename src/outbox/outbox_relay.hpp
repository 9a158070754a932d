// The relay (issue 21, docs/events.md#delivery): claims due events from the outbox and
// POSTs each to the MVNO AP server, signed (webhook_signature.hpp), with the event id as
// Idempotency-Key. A 2xx marks the event DELIVERED; anything else (refusal, timeout,
// connection failure) reschedules it after an exponential backoff with jitter, until it
// has been retried for dead_after, when it becomes a dead letter for an admin to
// re-drive. Order per line: the store only hands out the oldest undelivered event of
// each key, so one batch holds at most one event per line and its POSTs run
// concurrently. Several instances share the table (SKIP LOCKED and a lease); the lease
// outlives a POST's timeout, so no event is in flight from two relays at once. Runs on
// its own strand: the requests that wrote the events never wait for it.
// Entry points: start, notify, stop, families.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "http/scraped_family.hpp"
#include "outbox_store.hpp"
#include "relay_options.hpp"
#include "resilience/retry.hpp"

namespace phonebill::http {
class HttpClient;
}

namespace phonebill::outbox {

struct RelayCounters {
  std::uint64_t attempts = 0;      // POSTs made
  std::uint64_t delivered = 0;     // answered 2xx
  std::uint64_t failed = 0;        // refused or unanswered (rescheduled or dead)
  std::uint64_t dead_letters = 0;  // events this relay moved to DEAD
};

class OutboxRelay {
 public:
  // `io`, `store`, `clock` and `random` must outlive the relay; options.enabled().
  OutboxRelay(boost::asio::io_context& io, OutboxStore& store, RelayOptions options,
              const Clock& clock, Random& random);
  ~OutboxRelay();

  // Spawns the loop. Call once.
  void start();
  // Something was just committed: look now instead of at the next poll.
  void notify();
  // Ends the loop (POSTs in flight finish first, within their timeout).
  boost::asio::awaitable<void> stop();
  // One round: claim a batch and deliver it; how many were claimed (tests, benches).
  boost::asio::awaitable<int> run_once();

  RelayCounters counters() const;
  OutboxStats last_stats() const;
  // phonebill_outbox_* for /metrics (read at scrape time).
  std::vector<http::ScrapedFamily> families();

 private:
  boost::asio::awaitable<void> loop();
  boost::asio::awaitable<void> housekeeping();
  boost::asio::awaitable<void> deliver_all(const std::vector<ClaimedEvent>& events);
  boost::asio::awaitable<void> deliver(const ClaimedEvent& event);
  // Reschedules (or dead-letters) a failed event and logs it.
  boost::asio::awaitable<void> record_failure(const ClaimedEvent& event, std::string failure);

  OutboxStore& store_;
  const RelayOptions options_;
  const Clock& clock_;
  Random& random_;
  resilience::RetryPolicy backoff_;
  std::unique_ptr<http::HttpClient> client_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> running_{false};
  std::atomic<bool> nudged_{false};
  std::atomic<std::uint64_t> attempts_{0}, delivered_{0}, failed_{0}, dead_letters_{0};
  SteadyTime stats_at_{}, purged_at_{};
  mutable std::mutex stats_mutex_;
  OutboxStats stats_;
};

}  // namespace phonebill::outbox
