// The in-memory revocation set and the publishing side (see revocation_set.hpp); the
// subscribing side is in revocation_listener.cpp.
#include "security/revocation_set.hpp"

#include <algorithm>
#include <array>

namespace phonebill::security {
namespace {

// Purge expired entries after this many revocations (amortised; lookups ignore them).
constexpr std::size_t kPurgeEvery = 1024;

std::string entry_key(RevocationKind kind, std::string_view id) {
  std::string key{to_string(kind)};
  key += ':';
  key += id;
  return key;
}

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxRevokedIdLength) return false;
  return std::none_of(id.begin(), id.end(),
                      [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; });
}

}  // namespace

std::string_view to_string(RevocationKind kind) {
  return kind == RevocationKind::kToken ? "jti" : "sid";
}

std::optional<RevocationKind> parse_revocation_kind(std::string_view text) {
  if (text == "jti") return RevocationKind::kToken;
  if (text == "sid") return RevocationKind::kSession;
  return std::nullopt;
}

cache::RedisOptions revocation_redis_options() {
  cache::RedisOptions options;
  options.reconnect_max_delay = std::chrono::milliseconds{250};
  return options;
}

RevocationSet::RevocationSet(const Clock& clock) : clock_(clock) {}

void RevocationSet::revoke(RevocationKind kind, std::string_view id,
                           std::chrono::milliseconds ttl) {
  if (!valid_id(id) || ttl <= std::chrono::milliseconds::zero()) return;
  const auto now = clock_.now();
  const auto until = now + std::min(ttl, kMaxRevocationTtl);
  std::lock_guard lock{mutex_};
  auto [entry, inserted] = entries_.try_emplace(entry_key(kind, id), until);
  if (!inserted) entry->second = std::max(entry->second, until);
  if (++revokes_since_purge_ >= kPurgeEvery) {
    revokes_since_purge_ = 0;
    std::erase_if(entries_, [now](const auto& item) { return item.second <= now; });
  }
}

bool RevocationSet::is_revoked(RevocationKind kind, std::string_view id) const {
  const auto now = clock_.now();
  std::lock_guard lock{mutex_};
  return holds(kind, id, now);
}

// Both ids under one lock and one clock reading, and none hashed while nothing is revoked
// (the usual case): asked on every authenticated request (issue 17 item 2).
bool RevocationSet::is_revoked(const VerifiedToken& token) const {
  const auto now = clock_.now();
  std::lock_guard lock{mutex_};
  if (entries_.empty()) return false;
  return holds(RevocationKind::kToken, token.token_id, now) ||
         holds(RevocationKind::kSession, token.session_id, now);
}

bool RevocationSet::holds(RevocationKind kind, std::string_view id, SystemTime now) const {
  // An overlong id is never stored (valid_id), so it cannot be revoked.
  if (id.empty() || id.size() > kMaxRevokedIdLength) return false;
  // entry_key's text on the stack: checked on every request, so no allocation (issue 17).
  std::array<char, kMaxRevokedIdLength + 8> buffer;
  const auto kind_name = to_string(kind);
  auto end = std::copy(kind_name.begin(), kind_name.end(), buffer.begin());
  *end++ = ':';
  end = std::copy(id.begin(), id.end(), end);
  const std::string_view key{buffer.data(), std::size_t(end - buffer.begin())};
  const auto found = entries_.find(key);
  return found != entries_.end() && found->second > now;
}

std::size_t RevocationSet::purge_expired() {
  const auto now = clock_.now();
  std::lock_guard lock{mutex_};
  revokes_since_purge_ = 0;
  return std::erase_if(entries_, [now](const auto& item) { return item.second <= now; });
}

std::size_t RevocationSet::size() const {
  std::lock_guard lock{mutex_};
  return entries_.size();
}

boost::asio::awaitable<cache::RedisResult<void>> publish_revocation(
    cache::RedisClient& redis, RevocationKind kind, std::string id, std::chrono::milliseconds ttl,
    phonebill::Deadline deadline, RevocationChannel channel) {
  if (!valid_id(id) || ttl <= std::chrono::milliseconds::zero()) {
    co_return cache::RedisError{cache::RedisErrorKind::kServer, "invalid revocation"};
  }
  ttl = std::min(ttl, kMaxRevocationTtl);
  const auto key = channel.key_prefix + entry_key(kind, id);
  auto stored = co_await redis.set(key, "1", ttl, deadline);
  if (!stored) co_return stored.error();
  // Message: "<kind>:<ttl ms>:<id>" (the id last, so it may contain ':').
  const auto message = std::string{to_string(kind)} + ':' + std::to_string(ttl.count()) + ':' + id;
  auto published = co_await redis.publish(channel.channel, message, deadline);
  if (!published) co_return published.error();
  co_return cache::RedisResult<void>{};
}

}  // namespace phonebill::security
