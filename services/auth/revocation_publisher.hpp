// Carries committed revocations from auth's outbox (RevocationStore) to Redis, so that
// every verifier rejects the tokens (SPEC §3): a revocation is acknowledged once it is in
// the database, and this loop publishes it (SET key with TTL + PUBLISH) as soon as Redis
// can take it, retrying with backoff while Redis is away. A marker key in Redis says
// "auth has put every live revocation here"; when it is missing (Redis restarted empty,
// or was flushed) every live revocation is published again, then the marker is set.
// Entry points: start (once), wake (after a commit), counters.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "cache/redis_client.hpp"
#include "core/clock.hpp"
#include "outbox_publisher.hpp"
#include "revocation_store.hpp"
#include "security/revocation_set.hpp"

namespace boost::asio {
class io_context;
}

namespace phonebill::auth {

struct RevocationPublisherOptions {
  // The outbox and the marker are looked at this often even when nobody wakes the loop
  // (rows another instance committed and could not publish; a Redis that lost its data).
  std::chrono::milliseconds poll_interval{1'000};
  // Backoff while Redis (or the database) fails: from the first to the second value,
  // doubling. The cap bounds how late a returning Redis gets the revocations.
  std::chrono::milliseconds retry_initial{50};
  std::chrono::milliseconds retry_max{250};
  // Deadline of each Redis command and of each database transaction.
  std::chrono::milliseconds command_timeout{2'000};
  std::size_t batch = 100;  // rows per claim / page
  security::RevocationChannel channel;
};

// The Redis key whose presence means Redis holds every live revocation: "<channel>:complete".
std::string revocation_marker_key(const security::RevocationChannel& channel);

struct RevocationPublisherCounters {
  std::uint64_t published = 0;    // rows published from the outbox
  std::uint64_t republished = 0;  // rows published again after Redis lost its data
  std::uint64_t republish_runs = 0;
};

class RevocationPublisher final : public OutboxPublisher {
 public:
  // `io`, `store`, `redis` and `clock` must outlive the publisher.
  RevocationPublisher(boost::asio::io_context& io, RevocationStore& store,
                      cache::RedisClient& redis, const Clock& clock,
                      RevocationPublisherOptions options = {});
  ~RevocationPublisher();
  RevocationPublisher(const RevocationPublisher&) = delete;
  RevocationPublisher& operator=(const RevocationPublisher&) = delete;

  // Spawns the loop on `io`; it runs until the io_context stops. Call once.
  void start();
  // A revocation was just committed: publish now instead of at the next poll. Any thread.
  void wake() override;

  RevocationPublisherCounters counters() const;

 private:
  struct Doorbell;  // a concurrent channel of capacity 1 (kept out of this header)

  boost::asio::awaitable<void> run();
  // EXISTS marker; when missing, republishes every live row and sets it. False on failure.
  boost::asio::awaitable<bool> ensure_redis_complete();
  // Publishes the outbox until it is empty. False when Redis or the database failed.
  boost::asio::awaitable<bool> publish_outbox();
  // SET + PUBLISH of one revocation with its remaining lifetime.
  boost::asio::awaitable<bool> publish_one(const Revocation& revocation);
  // Waits for wake() or `timeout`, whichever comes first.
  boost::asio::awaitable<void> wait_for_wake(std::chrono::milliseconds timeout);

  phonebill::Deadline deadline() const;

  boost::asio::io_context& io_;
  RevocationStore& store_;
  cache::RedisClient& redis_;
  const Clock& clock_;
  const RevocationPublisherOptions options_;
  const std::string marker_key_;
  std::unique_ptr<Doorbell> doorbell_;
  bool redis_failing_ = false;  // only the loop touches it
  std::atomic<std::uint64_t> published_{0}, republished_{0}, republish_runs_{0};
};

}  // namespace phonebill::auth
