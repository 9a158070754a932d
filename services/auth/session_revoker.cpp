// SessionRevoker: revocation lifetimes, and committed revocations applied here and rung
// through to the outbox publisher.
#include "session_revoker.hpp"

namespace phonebill::auth {

SessionRevoker::SessionRevoker(security::RevocationSet& local, OutboxPublisher* publisher,
                               const Clock& clock, std::chrono::milliseconds session_ttl,
                               std::chrono::milliseconds margin)
    : local_(local),
      publisher_(publisher),
      clock_(clock),
      session_ttl_(session_ttl),
      margin_(margin) {}

SystemTime SessionRevoker::session_until() const { return clock_.now() + session_ttl_; }

SystemTime SessionRevoker::token_until(SystemTime expires_at) const { return expires_at + margin_; }

void SessionRevoker::committed(const std::vector<Revocation>& revocations) {
  const auto now = clock_.now();
  for (const auto& revocation : revocations) {
    local_.revoke(revocation.kind, revocation.id,
                  std::chrono::duration_cast<std::chrono::milliseconds>(revocation.until - now));
  }
  if (publisher_ != nullptr && !revocations.empty()) publisher_->wake();
}

}  // namespace phonebill::auth
