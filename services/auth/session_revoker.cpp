#include "session_revoker.hpp"

#include "core/log.hpp"

namespace phonebill::auth {

SessionRevoker::SessionRevoker(cache::RedisClient& redis, security::RevocationSet& local,
                               const Clock& clock, std::chrono::milliseconds session_ttl,
                               std::chrono::milliseconds margin,
                               security::RevocationChannel channel)
    : redis_(redis),
      local_(local),
      clock_(clock),
      session_ttl_(session_ttl),
      margin_(margin),
      channel_(std::move(channel)) {}

boost::asio::awaitable<bool> SessionRevoker::revoke_session(std::string session_id,
                                                            cache::Deadline deadline) {
  co_return co_await publish(security::RevocationKind::kSession, std::move(session_id),
                             session_ttl_, deadline);
}

boost::asio::awaitable<bool> SessionRevoker::revoke_token(std::string token_id,
                                                          SystemTime expires_at,
                                                          cache::Deadline deadline) {
  auto remaining =
      std::chrono::duration_cast<std::chrono::milliseconds>(expires_at - clock_.now()) + margin_;
  if (remaining <= std::chrono::milliseconds::zero()) co_return true;  // already dead
  co_return co_await publish(security::RevocationKind::kToken, std::move(token_id), remaining,
                             deadline);
}

boost::asio::awaitable<bool> SessionRevoker::publish(security::RevocationKind kind,
                                                     std::string id,
                                                     std::chrono::milliseconds ttl,
                                                     cache::Deadline deadline) {
  local_.revoke(kind, id, ttl);
  auto published =
      co_await security::publish_revocation(redis_, kind, id, ttl, deadline, channel_);
  if (!published) {
    log::error("revocation_publish_failed", {{"kind", security::to_string(kind)},
                                             {"error", published.error().message}});
    co_return false;
  }
  co_return true;
}

}  // namespace phonebill::auth
