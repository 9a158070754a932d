// RevocationListener: pub/sub for speed, key SCANs for completeness (see
// revocation_set.hpp). Every (re)subscribe, and every resync_interval, triggers one
// resync; requests arriving while one runs fold into a single follow-up run.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <charconv>

#include "cache/redis_subscriber.hpp"
#include "core/log.hpp"
#include "http/sleep.hpp"
#include "security/revocation_set.hpp"

namespace phonebill::security {
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// PTTL of every key in one round trip (-2: gone, -1: no expiry).
constexpr std::string_view kPttlScript =
    "local r = {} for i, k in ipairs(KEYS) do r[i] = redis.call('PTTL', k) end return r";

// Escapes SCAN MATCH glob characters in a literal prefix.
std::string glob_literal(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::optional<std::int64_t> parse_integer(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

struct RevocationListener::State : std::enable_shared_from_this<State> {
  State(asio::io_context& io_context, cache::RedisClient& client, RevocationSet& revocations,
        RevocationListenerOptions listener_options)
      : io(io_context), redis(client), set(revocations), options(std::move(listener_options)) {}

  // "<kind>:<ttl ms>:<id>" from the channel.
  void on_message(std::string_view message) {
    if (stopped.load()) return;
    const auto first = message.find(':');
    const auto second = first == std::string_view::npos ? first : message.find(':', first + 1);
    if (second == std::string_view::npos) {
      log::warn("revocation_message_malformed");
      return;
    }
    const auto kind = parse_revocation_kind(message.substr(0, first));
    const auto ttl = parse_integer(message.substr(first + 1, second - first - 1));
    if (!kind || !ttl) {
      log::warn("revocation_message_malformed");
      return;
    }
    set.revoke(*kind, message.substr(second + 1), std::chrono::milliseconds{*ttl});
    messages.fetch_add(1, std::memory_order_relaxed);
  }

  void on_subscribed() {
    synchronized.store(false);
    generation.fetch_add(1);
    request_resync();
  }

  // Starts a resync, or asks the running one to go again once it is done.
  void request_resync() {
    {
      std::lock_guard lock{resync_mutex};
      if (stopped.load()) return;
      if (resync_running) {
        resync_again = true;
        return;
      }
      resync_running = true;
    }
    // Outside the lock: co_spawn may start the coroutine right here, and it takes the lock.
    asio::co_spawn(io, run_resyncs(shared_from_this()), asio::detached);
  }

  static asio::awaitable<void> run_resyncs(std::shared_ptr<State> self) {
    for (;;) {
      {
        std::lock_guard lock{self->resync_mutex};
        self->resync_again = false;
      }
      const auto generation_before = self->generation.load();
      const bool complete = co_await self->resync_once();
      if (complete) {
        self->resyncs.fetch_add(1, std::memory_order_relaxed);
        // Only a resync that started after the latest subscribe proves we are caught up.
        if (generation_before > 0 && self->generation.load() == generation_before) {
          self->synchronized.store(true);
        }
      } else if (!self->stopped.load()) {
        // Redis trouble (often: the subscriber is back before the command connection):
        // try again shortly, so a returning Redis is caught up with well within a second.
        co_await http::sleep_for(self->options.resync_retry);
        std::lock_guard lock{self->resync_mutex};
        self->resync_again = true;
      }
      std::lock_guard lock{self->resync_mutex};
      if (!self->resync_again || self->stopped.load()) {
        self->resync_running = false;
        co_return;
      }
    }
  }

  // SCANs every revocation key and applies it with its remaining TTL. False on any Redis
  // error or when the listener is being destroyed (then `redis` and `set` are not touched).
  asio::awaitable<bool> resync_once() {
    const auto pattern = glob_literal(options.channel.key_prefix) + "*";
    const auto count = static_cast<std::int64_t>(options.scan_batch);
    std::string cursor = "0";
    std::size_t applied = 0;
    do {
      auto scan_args = cache::redis_args("SCAN", cursor, "MATCH", pattern, "COUNT", count);
      auto scanned = co_await redis.command(std::move(scan_args), deadline());
      if (stopped.load() || !scanned) co_return false;
      const auto& parts = scanned->elements();
      if (parts.size() != 2 || !parts[0].is_string() || !parts[1].is_array()) co_return false;
      cursor = parts[0].text();
      std::vector<std::string> keys;
      for (const auto& key : parts[1].elements()) {
        if (key.is_string()) keys.push_back(key.text());
      }
      if (keys.empty()) continue;
      std::vector<std::string> no_args;
      auto ttls = co_await redis.eval(kPttlScript, keys, std::move(no_args), deadline());
      if (stopped.load() || !ttls) co_return false;
      const auto& values = ttls->elements();
      for (std::size_t index = 0; index < keys.size() && index < values.size(); ++index) {
        if (!values[index].is_integer() || values[index].integer() <= 0) continue;
        const std::string_view rest =
            std::string_view{keys[index]}.substr(options.channel.key_prefix.size());
        const auto colon = rest.find(':');
        if (colon == std::string_view::npos) continue;
        const auto kind = parse_revocation_kind(rest.substr(0, colon));
        if (!kind) continue;
        set.revoke(*kind, rest.substr(colon + 1),
                   std::chrono::milliseconds{values[index].integer()});
        ++applied;
      }
    } while (cursor != "0");
    set.purge_expired();
    log::debug("revocations_resynced", {{"applied", applied}});
    co_return true;
  }

  // Asks for a resync every resync_interval while the listener exists.
  static asio::awaitable<void> run_periodic(std::weak_ptr<State> weak_state,
                                            std::chrono::milliseconds interval) {
    asio::steady_timer timer{co_await asio::this_coro::executor};
    for (;;) {
      timer.expires_after(interval);
      co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
      auto state = weak_state.lock();
      if (!state || state->stopped.load()) co_return;
      state->request_resync();
    }
  }

  phonebill::Deadline deadline() const {
    return std::chrono::steady_clock::now() + options.command_timeout;
  }

  asio::io_context& io;
  cache::RedisClient& redis;
  RevocationSet& set;
  RevocationListenerOptions options;
  std::unique_ptr<cache::RedisSubscriber> subscriber;
  std::atomic<bool> stopped{false};
  std::atomic<bool> synchronized{false};
  std::atomic<std::uint64_t> generation{0};
  std::atomic<std::uint64_t> messages{0};
  std::atomic<std::uint64_t> resyncs{0};
  std::mutex resync_mutex;
  bool resync_running = false;  // guarded by resync_mutex
  bool resync_again = false;    // guarded by resync_mutex
};

RevocationListener::RevocationListener(asio::io_context& io, std::string_view redis_url,
                                       cache::RedisClient& redis, RevocationSet& set,
                                       RevocationListenerOptions options)
    : state_(std::make_shared<State>(io, redis, set, std::move(options))) {
  std::weak_ptr<State> weak = state_;
  std::vector<std::string> channels{state_->options.channel.channel};
  state_->subscriber = std::make_unique<cache::RedisSubscriber>(
      io, redis_url, std::move(channels),
      [weak](std::string_view, std::string_view message) {
        if (auto state = weak.lock()) state->on_message(message);
      },
      [weak] {
        if (auto state = weak.lock()) state->on_subscribed();
      },
      state_->options.redis_options);
  if (state_->options.resync_interval > std::chrono::milliseconds::zero()) {
    asio::co_spawn(io, State::run_periodic(state_, state_->options.resync_interval),
                   asio::detached);
  }
}

RevocationListener::~RevocationListener() {
  state_->stopped.store(true);
  state_->subscriber.reset();  // no handler starts after this
}

bool RevocationListener::is_synchronized() const {
  return state_->synchronized.load() && state_->subscriber && state_->subscriber->is_subscribed();
}

std::uint64_t RevocationListener::messages_received() const { return state_->messages.load(); }
std::uint64_t RevocationListener::resyncs_completed() const { return state_->resyncs.load(); }

}  // namespace phonebill::security
