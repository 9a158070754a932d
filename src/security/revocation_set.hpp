// Revoked access tokens, known to every instance without a Redis round trip per
// request (SPEC §3: rejected everywhere within one second). RevocationSet is the
// in-memory set of revoked token ids (jti) and sessions (sid), each remembered until it
// cannot matter any more. publish_revocation (auth) writes a key with a TTL and
// publishes on a channel; RevocationListener (every verifier) feeds the set from the
// channel and, on every (re)subscribe and periodically, resyncs from the keys so late
// joiners and instances that missed messages catch up. Wire format: docs/security.md.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "cache/redis_client.hpp"
#include "cache/redis_endpoint.hpp"
#include "core/clock.hpp"
#include "core/light_mutex.hpp"
#include "security/access_token.hpp"

namespace boost::asio {
class io_context;
}

namespace phonebill::security {

enum class RevocationKind {
  kToken,    // one access token, by jti; key part "jti"
  kSession,  // every token of a session, by sid; key part "sid"
};

// "jti" / "sid": the kind's part of keys and messages.
std::string_view to_string(RevocationKind kind);
std::optional<RevocationKind> parse_revocation_kind(std::string_view text);

// Longest time a revocation is kept: tokens cannot outlive it (24 h covers autoLogin
// sessions; access tokens themselves live 30 minutes).
inline constexpr std::chrono::milliseconds kMaxRevocationTtl{24 * 60 * 60 * 1000};
// What auth should pass as the TTL when it revokes a session: every access token of it
// is expired by then (token lifetime plus the verifiers' default leeway, with margin).
// For a single jti: its exp minus now, plus the same margin.
inline constexpr std::chrono::milliseconds kSessionRevocationTtl =
    kDefaultAccessTokenLifetime + std::chrono::seconds{60};
// Ids longer than this are refused (ours are 22 characters).
inline constexpr std::size_t kMaxRevokedIdLength = 128;

// Where revocations travel. Tests use their own prefix and channel.
struct RevocationChannel {
  std::string key_prefix = "auth:revoked:";  // keys: <prefix><kind>:<id>
  std::string channel = "auth:revocations";  // messages: "<kind>:<ttl ms>:<id>"
};

// Thread-safe. Memory: one entry per revocation, dropped once its TTL has passed
// (lazily, as revocations come in, or by purge_expired()).
class RevocationSet {
 public:
  explicit RevocationSet(const Clock& clock);

  // Remembers `id` as revoked for `ttl` from now (capped at kMaxRevocationTtl). A repeat
  // may extend the time, never shorten it. Ignores an empty or overlong id and ttl <= 0.
  void revoke(RevocationKind kind, std::string_view id, std::chrono::milliseconds ttl);
  bool is_revoked(RevocationKind kind, std::string_view id) const;
  // True if the token's jti or its session is revoked.
  bool is_revoked(const VerifiedToken& token) const;

  // Entries whose time has passed are dropped; returns how many.
  std::size_t purge_expired();
  // Entries held (expired ones not yet purged included).
  std::size_t size() const;

 private:
  // Whether `id` is revoked at `now`; mutex_ held.
  bool holds(RevocationKind kind, std::string_view id, SystemTime now) const;

  const Clock& clock_;
  mutable LightMutex mutex_;
  // Looked up by string_view: the per-request check builds its key on the stack.
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const noexcept {
      return std::hash<std::string_view>{}(key);
    }
  };
  // "<kind>:<id>" → until
  std::unordered_map<std::string, SystemTime, KeyHash, std::equal_to<>> entries_;
  std::size_t revokes_since_purge_ = 0;
};

// auth's side: SET <prefix><kind>:<id> with PX ttl (for late joiners), then PUBLISH the
// message (for everyone listening now). `ttl` should cover the longest remaining life of
// the tokens concerned (a session: the access token lifetime). Fails with the first
// Redis error; the SET alone already makes the revocation durable.
boost::asio::awaitable<cache::RedisResult<void>> publish_revocation(
    cache::RedisClient& redis, RevocationKind kind, std::string id, std::chrono::milliseconds ttl,
    phonebill::Deadline deadline, RevocationChannel channel = {});

// Redis connection settings for revocation traffic: a returning Redis is noticed within
// a quarter second (instead of the default second), so that revocations auth publishes
// when it returns reach every verifier within the second SPEC §3 allows.
cache::RedisOptions revocation_redis_options();

struct RevocationListenerOptions {
  RevocationChannel channel;
  // A full resync from the keys this often, besides the one after every (re)subscribe.
  std::chrono::milliseconds resync_interval{60'000};
  // Deadline of each SCAN / PTTL batch during a resync.
  std::chrono::milliseconds command_timeout{2'000};
  // SCAN COUNT hint.
  std::size_t scan_batch = 500;
  // Pause before a failed resync is tried again.
  std::chrono::milliseconds resync_retry{100};
  cache::RedisOptions redis_options = revocation_redis_options();
};

// Every verifying instance's side: subscribes to the channel (own connection) and feeds
// `set`; resyncs by SCANning the keys (through `redis`) after every (re)subscribe and
// every resync_interval. Destroy it before `redis` and `set`; `io` must outlive it.
class RevocationListener {
 public:
  // Throws ConfigError for a malformed `redis_url`.
  RevocationListener(boost::asio::io_context& io, std::string_view redis_url,
                     cache::RedisClient& redis, RevocationSet& set,
                     RevocationListenerOptions options = {});
  ~RevocationListener();
  RevocationListener(const RevocationListener&) = delete;
  RevocationListener& operator=(const RevocationListener&) = delete;

  // Readiness: subscribed, and a resync finished since the last (re)subscribe.
  bool is_synchronized() const;
  // Messages applied and resyncs finished so far (metrics, tests).
  std::uint64_t messages_received() const;
  std::uint64_t resyncs_completed() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace phonebill::security
