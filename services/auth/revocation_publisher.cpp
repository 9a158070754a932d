// RevocationPublisher: see revocation_publisher.hpp; the outbox rules are in docs/auth.md.
#include "revocation_publisher.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

#include "core/log.hpp"
#include "http/sleep.hpp"

namespace phonebill::auth {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

struct RevocationPublisher::Doorbell {
  explicit Doorbell(asio::io_context& io) : channel(io, 1) {}
  asio::experimental::concurrent_channel<void(boost::system::error_code)> channel;
};

std::string revocation_marker_key(const security::RevocationChannel& channel) {
  return channel.channel + ":complete";
}

RevocationPublisher::RevocationPublisher(asio::io_context& io, RevocationStore& store,
                                         cache::RedisClient& redis, const Clock& clock,
                                         RevocationPublisherOptions options)
    : io_(io),
      store_(store),
      redis_(redis),
      clock_(clock),
      options_(std::move(options)),
      marker_key_(revocation_marker_key(options_.channel)),
      doorbell_(std::make_unique<Doorbell>(io)) {}

RevocationPublisher::~RevocationPublisher() = default;

void RevocationPublisher::start() { asio::co_spawn(io_, run(), asio::detached); }

void RevocationPublisher::wake() {
  // Capacity 1: a bell already rung stays rung, and the loop takes everything anyway.
  doorbell_->channel.try_send(boost::system::error_code{});
}

RevocationPublisherCounters RevocationPublisher::counters() const {
  return RevocationPublisherCounters{published_.load(), republished_.load(),
                                     republish_runs_.load()};
}

phonebill::Deadline RevocationPublisher::deadline() const {
  return std::chrono::steady_clock::now() + options_.command_timeout;
}

asio::awaitable<void> RevocationPublisher::run() {
  auto backoff = options_.retry_initial;
  // The marker is checked on every pass: a pass is one poll interval apart at most
  // while all is well, so a Redis that lost its data is noticed within that time.
  for (;;) {
    bool done = co_await ensure_redis_complete();
    if (done) done = co_await publish_outbox();
    if (done) {
      if (redis_failing_) log::info("revocation_publishing_resumed");
      redis_failing_ = false;
      backoff = options_.retry_initial;
      co_await wait_for_wake(options_.poll_interval);
      continue;
    }
    // Redis (or the database) is away: the rows wait in the outbox. Logged once per outage.
    if (!redis_failing_) log::warn("revocation_publishing_paused");
    redis_failing_ = true;
    co_await http::sleep_for(backoff);
    backoff = std::min(backoff * 2, options_.retry_max);
  }
}

asio::awaitable<void> RevocationPublisher::wait_for_wake(std::chrono::milliseconds timeout) {
  asio::steady_timer timer{co_await asio::this_coro::executor, timeout};
  co_await (doorbell_->channel.async_receive(asio::as_tuple(asio::use_awaitable)) ||
            timer.async_wait(asio::as_tuple(asio::use_awaitable)));
}

asio::awaitable<bool> RevocationPublisher::publish_one(const Revocation& revocation) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(revocation.until - clock_.now());
  if (left <= std::chrono::milliseconds::zero()) co_return true;  // nothing left to reject
  auto published = co_await security::publish_revocation(redis_, revocation.kind, revocation.id,
                                                         left, deadline(), options_.channel);
  if (!published) {
    if (!redis_failing_)
      log::warn("revocation_publish_failed", {{"kind", security::to_string(revocation.kind)},
                                              {"error", published.error().message}});
    co_return false;
  }
  co_return true;
}

asio::awaitable<bool> RevocationPublisher::publish_outbox() {
  PublishRevocation publish = [this](const Revocation& revocation) {
    return publish_one(revocation);
  };
  for (;;) {
    auto batch =
        co_await store_.publish_unpublished(clock_.now(), options_.batch, publish, deadline());
    if (!batch) {
      if (!redis_failing_)
        log::error("database_failed", {{"operation", "publish_revocations"},
                                       {"error", storage::describe(batch.error())}});
      co_return false;
    }
    published_.fetch_add(batch->published);
    if (batch->published < batch->claimed) co_return false;  // Redis failed mid-batch
    if (batch->claimed < options_.batch) co_return true;     // the outbox is empty
  }
}

asio::awaitable<bool> RevocationPublisher::ensure_redis_complete() {
  auto exists = co_await redis_.command(cache::redis_args("EXISTS", marker_key_), deadline());
  if (!exists) {
    if (!redis_failing_)
      log::warn("revocation_marker_check_failed", {{"error", exists.error().message}});
    co_return false;
  }
  if (exists->is_integer() && exists->integer() > 0) co_return true;

  // No marker: this Redis does not hold our revocations (it restarted empty, was
  // flushed, or is new). Every live one goes out again, then the marker says so.
  std::uint64_t count = 0;
  Revocation after;
  for (;;) {
    auto page = co_await store_.live_page(clock_.now(), after, options_.batch, deadline());
    if (!page) {
      log::error("database_failed",
                 {{"operation", "live_revocations"}, {"error", storage::describe(page.error())}});
      co_return false;
    }
    for (const auto& revocation : *page) {
      if (!co_await publish_one(revocation)) co_return false;
      ++count;
    }
    if (page->size() < options_.batch) break;
    after = page->back();
  }
  auto marked =
      co_await redis_.set(marker_key_, "1", std::chrono::milliseconds::zero(), deadline());
  if (!marked) co_return false;
  republished_.fetch_add(count);
  republish_runs_.fetch_add(1);
  log::info("revocations_republished", {{"count", count}});
  co_return true;
}

}  // namespace phonebill::auth
