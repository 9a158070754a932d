// Makes ended sessions stop working everywhere (SPEC §3). It decides how long each
// revocation lasts (the longest time a token concerned could still verify), and once
// the stores have committed the revocations to the outbox together with the session
// change, applies them to this instance's RevocationSet at once and wakes the
// RevocationPublisher, which carries them to Redis and so to every other verifier.
// Entry points: session_until, token_until, committed.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "outbox_publisher.hpp"
#include "revocation_store.hpp"
#include "security/revocation_set.hpp"

namespace phonebill::auth {

class SessionRevoker {
 public:
  // `local`, `publisher` and `clock` must outlive the revoker. `session_ttl` is how long
  // a session revocation must last (the access-token lifetime plus `margin`); a token's
  // revocation lasts until its exp plus `margin` (at least the verifiers' leeway).
  // Without a publisher (unit tests) revocations are applied locally only.
  SessionRevoker(security::RevocationSet& local, OutboxPublisher* publisher, const Clock& clock,
                 std::chrono::milliseconds session_ttl, std::chrono::milliseconds margin);

  // Until when a session ended now must stay revoked.
  SystemTime session_until() const;
  // Until when an access token expiring at `expires_at` must stay revoked.
  SystemTime token_until(SystemTime expires_at) const;

  // The revocations are committed (outbox rows written with the session change): this
  // instance rejects the tokens from now on, and the publisher takes them to Redis.
  void committed(const std::vector<Revocation>& revocations);

 private:
  security::RevocationSet& local_;
  OutboxPublisher* publisher_;
  const Clock& clock_;
  std::chrono::milliseconds session_ttl_;
  std::chrono::milliseconds margin_;
};

}  // namespace phonebill::auth
