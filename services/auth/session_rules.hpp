// Session lifetime and refresh-token rotation (SPEC §3) as plain functions (no I/O):
// a session ends after 30 idle minutes (measured from the login or the last refresh),
// or with autoLogin only at its absolute end (24 h); every refresh rotates the token,
// and presenting an already rotated token is reuse, which ends the whole session.
// Entry points: SessionPolicy, session_expiry, decide_refresh.
#pragma once
#include <chrono>
#include <optional>
#include <string>

#include "core/clock.hpp"

namespace phonebill::auth {

struct SessionPolicy {
  std::chrono::seconds access_token_lifetime{30 * 60};
  std::chrono::seconds idle_timeout{30 * 60};            // without autoLogin
  std::chrono::seconds absolute_lifetime{24 * 60 * 60};  // every session, autoLogin or not
};

// What the store knows about a session when a refresh token is presented.
struct SessionRecord {
  std::string session_id;
  std::string user_id;
  bool auto_login = false;
  SystemTime created_at;
  SystemTime last_used_at;  // login or last refresh
  SystemTime expires_at;    // absolute end, fixed at login
  bool revoked = false;
  std::string current_token_id;  // jti of the newest access token
  SystemTime current_token_expires_at;
};

// The absolute end of a session created at `created_at`.
SystemTime absolute_expiry(SystemTime created_at, const SessionPolicy& policy);

// When the session stops accepting refreshes if nothing happens before: the absolute end,
// or for a session without autoLogin the idle deadline if that comes first.
SystemTime session_expiry(const SessionRecord& session, const SessionPolicy& policy);

enum class RefreshDecision {
  kRotate,   // issue a new pair; the presented token is marked rotated
  kUnknown,  // no such refresh token: 401 UNAUTHORIZED
  kReused,   // already rotated: revoke the session, 401 REFRESH_TOKEN_REUSED
  kRevoked,  // the session was ended (logout, reuse, ...): 401 TOKEN_REVOKED
  kExpired,  // idle or absolute end passed: 401 TOKEN_EXPIRED
};

// What the store found for a presented refresh token.
struct RefreshTokenRecord {
  bool rotated = false;  // exchanged before
  SessionRecord session;
};

// Decides a refresh at `now`. Reuse is checked before revocation and expiry, so a stolen
// token presented after its session ended is still reported (and logged) as reuse.
RefreshDecision decide_refresh(const std::optional<RefreshTokenRecord>& token,
                               const SessionPolicy& policy, SystemTime now);

}  // namespace phonebill::auth
