// RateLimitSync: the round (collect → exchange → apply) and the timer loop that runs it.
#include "rate_limit_sync.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace phonebill::gateway {

namespace asio = boost::asio;

// The timer and flags the loop and wake() share; kept alive by both.
struct RateLimitSync::Loop {
  explicit Loop(asio::io_context& io) : strand(asio::make_strand(io)), timer(strand) {}
  asio::strand<asio::io_context::executor_type> strand;
  asio::steady_timer timer;
  std::atomic<bool> stopped{false};
  std::atomic<bool> woken{false};
  std::atomic<bool> running{false};  // from start() until the loop's last step
  bool started = false;
};

RateLimitSync::RateLimitSync(asio::io_context& io, std::vector<RateLimiter*> limiters,
                             SharedBucketStore& store, resilience::CircuitBreaker& breaker,
                             const RateSharingSettings& settings)
    : limiters_(std::move(limiters)),
      store_(store),
      breaker_(breaker),
      interval_(settings.sync_interval),
      loop_(std::make_shared<Loop>(io)) {
  for (auto* limiter : limiters_) {
    if (!limiter->enabled()) continue;
    limiter->on_unsynced_threshold(settings.early_sync_share * limiter->settings().burst,
                                   [this] { wake(); });
  }
}

RateLimitSync::~RateLimitSync() { stop(); }

asio::awaitable<bool> RateLimitSync::sync_once() {
  bool complete = true;
  for (auto* limiter : limiters_) {
    auto uses = limiter->collect_unsynced();
    if (uses.empty()) continue;
    auto permit = breaker_.try_acquire();
    if (!permit) {
      complete = false;
      continue;
    }
    auto balances = co_await store_.exchange(limiter->name(), limiter->settings(), uses);
    if (!balances || balances->size() != uses.size()) {
      permit.fail();
      complete = false;
      continue;
    }
    permit.succeed();
    for (std::size_t index = 0; index < uses.size(); ++index)
      limiter->apply_shared(uses[index].key, (*balances)[index]);
  }
  ++rounds_;
  if (!complete) ++failed_rounds_;
  co_return complete;
}

void RateLimitSync::start() {
  if (loop_->started) return;
  loop_->started = true;
  loop_->running = true;
  // The loop ends at its next step after stop(); a round already in flight still finishes
  // on `this`: stop_and_wait() lets the owner wait for that before it goes away.
  auto body = [](RateLimitSync* self, std::shared_ptr<Loop> loop,
                 std::chrono::milliseconds interval) -> asio::awaitable<void> {
    while (!loop->stopped) {
      if (!loop->woken.exchange(false)) {
        loop->timer.expires_after(interval);
        co_await loop->timer.async_wait(asio::as_tuple(asio::use_awaitable));
        loop->woken = false;
      }
      if (loop->stopped) break;
      co_await self->sync_once();
    }
    loop->running = false;
  };
  asio::co_spawn(loop_->strand, body(this, loop_, interval_), asio::detached);
}

void RateLimitSync::stop() {
  loop_->stopped = true;
  asio::post(loop_->strand, [loop = loop_] { loop->timer.cancel(); });
}

asio::awaitable<bool> RateLimitSync::stop_and_wait(std::chrono::milliseconds grace) {
  stop();
  // Polled rather than signalled: shutdown is rare, and a round ends within the store's
  // timeout (RateSharingSettings::redis_timeout), far inside any sensible grace.
  auto give_up = std::chrono::steady_clock::now() + grace;
  asio::steady_timer timer{co_await asio::this_coro::executor};
  while (loop_->running && std::chrono::steady_clock::now() < give_up) {
    timer.expires_after(std::chrono::milliseconds{5});
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  co_return !loop_->running;
}

void RateLimitSync::wake() {
  if (loop_->woken.exchange(true)) return;
  asio::post(loop_->strand, [loop = loop_] { loop->timer.cancel(); });
}

}  // namespace phonebill::gateway
