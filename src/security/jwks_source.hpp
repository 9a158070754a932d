// Where a TokenVerifier gets its public keys (the one place where I/O enters token
// checks, hence an interface). LocalJwksSource: auth's own SigningKeyRing.
// HttpJwksSource: the gateway and services fetch GET /api/v1/auth/jwks, keep the last
// good set, refresh it periodically and when a token names an unknown kid (rate-limited,
// so forged kids cannot make us hammer auth). Entry points: find, refresh_for_unknown_key.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/config.hpp"
#include "security/jwks_options.hpp"
#include "security/signing_keys.hpp"

namespace boost::asio {
class io_context;
}

namespace phonebill::security {

class JwksSource {
 public:
  virtual ~JwksSource() = default;
  // The verification key with this kid, or nullptr. No I/O; any thread.
  virtual std::shared_ptr<const SigningKey> find(std::string_view key_id) const = 0;
  // A token named a kid that find() does not know: fetch the key set again if allowed
  // now (at most once per the source's interval; concurrent callers share one fetch) and
  // resume with whether the kid is known afterwards. Never throws.
  virtual boost::asio::awaitable<bool> refresh_for_unknown_key(std::string key_id) = 0;
};

// auth's own keys: nothing to fetch. `keys` must outlive the source.
class LocalJwksSource final : public JwksSource {
 public:
  explicit LocalJwksSource(const SigningKeyRing& keys);
  std::shared_ptr<const SigningKey> find(std::string_view key_id) const override;
  boost::asio::awaitable<bool> refresh_for_unknown_key(std::string key_id) override;

 private:
  std::vector<std::shared_ptr<const SigningKey>> keys_;
};

// Thread-safe: find() from any thread; the coroutines run on `io` (any of its threads).
class HttpJwksSource final : public JwksSource {
 public:
  // Throws ConfigError for a base URL that is not http://host[:port]. Fetches nothing
  // until start() or refresh(). `io` and `clock` must outlive the source.
  HttpJwksSource(boost::asio::io_context& io, HttpJwksOptions options, const Clock& clock);
  // Stops the refresh loop (it ends at its next wake-up; nothing runs on freed memory).
  ~HttpJwksSource() override;
  HttpJwksSource(const HttpJwksSource&) = delete;
  HttpJwksSource& operator=(const HttpJwksSource&) = delete;

  // Spawns the refresh loop on `io`: a fetch at once, then every refresh_interval
  // (retry_interval while no key set was fetched yet). Call once.
  void start();
  // Fetches now, regardless of rate limits; true if a key set was fetched (it replaces
  // the old one only if it holds at least one usable key).
  boost::asio::awaitable<bool> refresh();

  std::shared_ptr<const SigningKey> find(std::string_view key_id) const override;
  boost::asio::awaitable<bool> refresh_for_unknown_key(std::string key_id) override;

  // Readiness: a key set has been fetched at least once.
  bool has_keys() const;
  // Counters (metrics, tests): fetch attempts, successful fetches.
  std::uint64_t fetch_attempts() const;
  std::uint64_t fetch_successes() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace phonebill::security
