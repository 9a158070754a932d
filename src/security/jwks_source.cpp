// Verification keys: auth's own ring, or the JWKS fetched from auth over HTTP with a
// periodic refresh and a rate-limited refresh for unknown kids (see jwks_source.hpp).
#include "security/jwks_source.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <mutex>
#include <unordered_map>

#include "core/base_url.hpp"
#include "core/light_mutex.hpp"
#include "core/log.hpp"
#include "http/client.hpp"
#include "http/sleep.hpp"

namespace phonebill::security {
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {
// An auth base URL may carry a path prefix (auth behind a path-routing proxy).
constexpr BaseUrlRules kAuthUrlRules{"http", 80, true, false};
}  // namespace

// ---------------------------------------------------------------- LocalJwksSource

LocalJwksSource::LocalJwksSource(const SigningKeyRing& keys) {
  for (const auto& key : keys.keys()) keys_.push_back(std::make_shared<const SigningKey>(key));
}

std::shared_ptr<const SigningKey> LocalJwksSource::find(std::string_view key_id) const {
  for (const auto& key : keys_) {
    if (key->key_id() == key_id) return key;
  }
  return nullptr;
}

asio::awaitable<bool> LocalJwksSource::refresh_for_unknown_key(std::string key_id) {
  co_return find(key_id) != nullptr;
}

// ---------------------------------------------------------------- HttpJwksOptions

HttpJwksOptions HttpJwksOptions::from_environment(const Environment& environment) {
  HttpJwksOptions options;
  // Checked here, so a bad list stops start-up with the variable's name.
  for (const auto& url :
       parse_base_url_list("PHONEBILL_UPSTREAM_AUTH",
                           environment.required_string("PHONEBILL_UPSTREAM_AUTH"), kAuthUrlRules))
    options.base_urls.push_back("http://" + url.authority() + url.path);
  options.refresh_interval =
      environment.milliseconds("PHONEBILL_JWKS_REFRESH_MS", options.refresh_interval);
  options.unknown_key_refresh_interval = environment.milliseconds(
      "PHONEBILL_JWKS_UNKNOWN_KID_REFRESH_MS", options.unknown_key_refresh_interval);
  options.request_timeout =
      environment.milliseconds("PHONEBILL_JWKS_TIMEOUT_MS", options.request_timeout);
  return options;
}

// ---------------------------------------------------------------- HttpJwksSource

struct HttpJwksSource::State : std::enable_shared_from_this<State> {
  struct Upstream {
    std::string label;   // host:port, for logs
    std::string target;  // path prefix + options.path
    std::unique_ptr<http::HttpClient> client;
  };

  State(asio::io_context& io_context, HttpJwksOptions jwks_options, const Clock& time)
      : io(io_context), options(std::move(jwks_options)), clock(time) {
    for (const auto& base_url : options.base_urls) {
      auto url = parse_base_url(base_url, kAuthUrlRules);
      if (!url) throw ConfigError{"auth JWKS URL " + url.error().message() + ": " + base_url};
      http::ClientOptions client_options;
      client_options.host = url->host;
      client_options.port = url->port;
      client_options.max_idle_connections = 1;
      client_options.response_body_limit = 1024 * 1024;
      upstreams.push_back(Upstream{url->authority(), url->path + options.path,
                                   std::make_unique<http::HttpClient>(io, client_options)});
    }
    if (upstreams.empty()) throw ConfigError{"no auth URL to fetch the JWKS from"};
  }

  // One fetch over the upstreams in order; true once one gave a usable key set.
  asio::awaitable<bool> fetch() {
    auto self = shared_from_this();
    fetch_attempts.fetch_add(1, std::memory_order_relaxed);
    fetches_in_flight.fetch_add(1);
    struct InFlight {
      std::atomic<int>& count;
      ~InFlight() { count.fetch_sub(1); }
    } in_flight{fetches_in_flight};
    bool fetched = false;
    for (auto& upstream : upstreams) {
      http::ClientRequest request;
      request.target = upstream.target;
      auto result = co_await upstream.client->send(
          std::move(request), std::chrono::steady_clock::now() + options.request_timeout);
      if (!result.ok() || result.response->status != 200) {
        log::warn("jwks_fetch_failed",
                  {{"upstream", upstream.label},
                   {"reason", result.ok() ? "status " + std::to_string(result.response->status)
                                          : result.error->message}});
        continue;
      }
      auto keys = parse_jwks(result.response->body);
      if (!keys || keys->empty()) {
        log::warn("jwks_fetch_unusable", {{"upstream", upstream.label}});
        continue;
      }
      install(std::move(*keys));
      fetched = true;
      break;
    }
    if (fetched) fetch_successes.fetch_add(1, std::memory_order_relaxed);
    co_return fetched;
  }

  void install(std::vector<SigningKey> fetched) {
    KeyMap fresh;
    for (auto& key : fetched) {
      auto key_id = key.key_id();
      fresh.emplace(std::move(key_id), std::make_shared<const SigningKey>(std::move(key)));
    }
    std::lock_guard lock{mutex};
    if (fresh.size() != keys.size()) {
      log::info("jwks_updated", {{"keys", fresh.size()}});
    }
    keys = std::move(fresh);
    has_keys = true;
  }

  std::shared_ptr<const SigningKey> find(std::string_view key_id) const {
    std::lock_guard lock{mutex};
    const auto found = keys.find(std::string{key_id});
    return found != keys.end() ? found->second : nullptr;
  }

  // Fetches at once, then every refresh interval (retry interval until the first success).
  // Holds the state only while fetching: once the source is gone the loop ends at its next
  // wake-up, and an io_context torn down meanwhile just destroys the frame.
  static asio::awaitable<void> refresh_loop(std::weak_ptr<State> weak_state) {
    asio::steady_timer timer{co_await asio::this_coro::executor};
    for (;;) {
      std::chrono::milliseconds wait{};
      {
        auto state = weak_state.lock();
        if (!state) co_return;
        const bool fetched = co_await state->fetch();
        std::lock_guard lock{state->mutex};
        wait = fetched || state->has_keys ? state->options.refresh_interval
                                          : state->options.retry_interval;
      }
      timer.expires_after(wait);
      co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
  }

  using KeyMap = std::unordered_map<std::string, std::shared_ptr<const SigningKey>>;

  asio::io_context& io;
  HttpJwksOptions options;
  const Clock& clock;
  std::vector<Upstream> upstreams;
  mutable LightMutex mutex;
  KeyMap keys;                                       // guarded by mutex
  bool has_keys = false;                             // guarded by mutex
  std::optional<SteadyTime> last_unknown_key_fetch;  // guarded by mutex
  std::atomic<int> fetches_in_flight{0};
  std::atomic<std::uint64_t> fetch_attempts{0};
  std::atomic<std::uint64_t> fetch_successes{0};
  bool started = false;
};

HttpJwksSource::HttpJwksSource(asio::io_context& io, HttpJwksOptions options, const Clock& clock)
    : state_(std::make_shared<State>(io, std::move(options), clock)) {}

HttpJwksSource::~HttpJwksSource() = default;

void HttpJwksSource::start() {
  if (std::exchange(state_->started, true)) return;
  asio::co_spawn(state_->io, State::refresh_loop(state_), asio::detached);
}

asio::awaitable<bool> HttpJwksSource::refresh() {
  auto state = state_;
  co_return co_await state->fetch();
}

std::shared_ptr<const SigningKey> HttpJwksSource::find(std::string_view key_id) const {
  return state_->find(key_id);
}

asio::awaitable<bool> HttpJwksSource::refresh_for_unknown_key(std::string key_id) {
  auto state = state_;
  if (state->find(key_id)) co_return true;
  if (state->fetches_in_flight.load() > 0) {
    // Someone is fetching already: wait for that fetch instead of starting another.
    const auto give_up = std::chrono::steady_clock::now() +
                         state->options.request_timeout * std::int64_t(state->upstreams.size());
    while (state->fetches_in_flight.load() > 0 && std::chrono::steady_clock::now() < give_up) {
      co_await http::sleep_for(5ms);
    }
    co_return state->find(key_id) != nullptr;
  }
  {
    std::lock_guard lock{state->mutex};
    const auto now = state->clock.steady_now();
    if (state->last_unknown_key_fetch &&
        now - *state->last_unknown_key_fetch < state->options.unknown_key_refresh_interval) {
      co_return false;  // rate limit: forged kids must not turn into a fetch each
    }
    state->last_unknown_key_fetch = now;
  }
  co_await state->fetch();
  co_return state->find(key_id) != nullptr;
}

bool HttpJwksSource::has_keys() const {
  std::lock_guard lock{state_->mutex};
  return state_->has_keys;
}

std::uint64_t HttpJwksSource::fetch_attempts() const { return state_->fetch_attempts.load(); }
std::uint64_t HttpJwksSource::fetch_successes() const { return state_->fetch_successes.load(); }

}  // namespace phonebill::security
