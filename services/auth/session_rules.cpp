// Session expiry and the refresh decision as plain functions (see session_rules.hpp).
#include "session_rules.hpp"

#include <algorithm>

namespace phonebill::auth {

SystemTime absolute_expiry(SystemTime created_at, const SessionPolicy& policy) {
  return created_at + policy.absolute_lifetime;
}

SystemTime session_expiry(const SessionRecord& session, const SessionPolicy& policy) {
  if (session.auto_login) return session.expires_at;
  return std::min(session.expires_at, session.last_used_at + policy.idle_timeout);
}

RefreshDecision decide_refresh(const std::optional<RefreshTokenRecord>& token,
                               const SessionPolicy& policy, SystemTime now) {
  if (!token) return RefreshDecision::kUnknown;
  if (token->rotated) return RefreshDecision::kReused;
  if (token->session.revoked) return RefreshDecision::kRevoked;
  if (session_expiry(token->session, policy) <= now) return RefreshDecision::kExpired;
  return RefreshDecision::kRotate;
}

}  // namespace phonebill::auth
