// Makes ended sessions stop working everywhere (SPEC §3): each revocation goes into this
// instance's RevocationSet at once and through Redis (key with TTL + pub/sub, see
// security/revocation_set.hpp) to every other verifier. TTLs cover the longest time a
// token concerned could still verify. Entry points: revoke_session, revoke_token.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>

#include "cache/redis_client.hpp"
#include "core/clock.hpp"
#include "security/revocation_set.hpp"

namespace phonebill::auth {

class SessionRevoker {
 public:
  // `redis`, `local` and `clock` must outlive the revoker. `session_ttl` is how long a
  // session revocation must last (the access-token lifetime plus `margin`); a token's
  // revocation lasts until its exp plus `margin` (at least the verifiers' leeway).
  SessionRevoker(cache::RedisClient& redis, security::RevocationSet& local, const Clock& clock,
                 std::chrono::milliseconds session_ttl, std::chrono::milliseconds margin,
                 security::RevocationChannel channel = {});

  // Revokes every token of `session_id`. True once Redis has it; false (logged) if it
  // could not be published — this instance rejects the tokens anyway.
  boost::asio::awaitable<bool> revoke_session(std::string session_id, cache::Deadline deadline);
  // Revokes one access token until it expires (plus leeway).
  boost::asio::awaitable<bool> revoke_token(std::string token_id, SystemTime expires_at,
                                            cache::Deadline deadline);

 private:
  boost::asio::awaitable<bool> publish(security::RevocationKind kind, std::string id,
                                       std::chrono::milliseconds ttl, cache::Deadline deadline);

  cache::RedisClient& redis_;
  security::RevocationSet& local_;
  const Clock& clock_;
  std::chrono::milliseconds session_ttl_;
  std::chrono::milliseconds margin_;
  security::RevocationChannel channel_;
};

}  // namespace phonebill::auth
