// Revocation across instances over a real Redis: a published revocation reaches another
// instance within a second; late joiners, instances that missed the message and the
// periodic resync all catch up from the keys; a verifier fed by a listener rejects the
// token. Every test uses its own key prefix and channel.
#include <gtest/gtest.h>

#include "cache/redis_client.hpp"
#include "integration/security/security_integration_support.hpp"
#include "security/jwks_source.hpp"
#include "security/revocation_set.hpp"
#include "security/token_signer.hpp"
#include "security/token_verifier.hpp"
#include "support/coroutine_test.hpp"

namespace phonebill::security {
namespace {

using namespace testing;

// One verifying instance: its own Redis connections, revocation set and listener.
struct Instance {
  Instance(boost::asio::io_context& io, const std::string& url, RevocationListenerOptions options)
      : redis(io, url), set(clock), listener(io, url, redis, set, std::move(options)) {}
  SystemClock clock;
  cache::RedisClient redis;
  RevocationSet set;
  RevocationListener listener;
};

RevocationListenerOptions listener_options(RevocationChannel channel) {
  RevocationListenerOptions options;
  options.channel = std::move(channel);
  return options;
}

// Published on one side, known to two other instances within one second.
CO_TEST(RevocationIntegrationTest, PublishedRevocationReachesEveryInstanceWithinOneSecond) {
  auto& io = *co_await current_io_context();
  const auto channel = unique_channel();
  const auto& url = test_support::redis_url();
  Instance first{io, url, listener_options(channel)};
  Instance second{io, url, listener_options(channel)};
  cache::RedisClient auth{io, url};
  CO_ASSERT_TRUE(co_await wait_until(
      [&] { return first.listener.is_synchronized() && second.listener.is_synchronized(); }, 5s));

  const auto start = std::chrono::steady_clock::now();
  auto published = co_await publish_revocation(auth, RevocationKind::kSession, "sid-logout", 30min,
                                               deadline_in(2s), channel);
  CO_ASSERT_TRUE(published) << published.error();
  CO_ASSERT_TRUE(co_await wait_until(
      [&] {
        return first.set.is_revoked(RevocationKind::kSession, "sid-logout") &&
               second.set.is_revoked(RevocationKind::kSession, "sid-logout");
      },
      1s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  EXPECT_GE(second.listener.messages_received(), 1u);
  EXPECT_FALSE(second.set.is_revoked(RevocationKind::kToken, "sid-logout"));

  // The key is there for late joiners, with the TTL it was given.
  auto ttl = co_await auth.command(cache::redis_args("PTTL", channel.key_prefix + "sid:sid-logout"),
                                   deadline_in(2s));
  CO_ASSERT_TRUE(ttl);
  EXPECT_GT(ttl->integer(), 29 * 60'000);
  EXPECT_LE(ttl->integer(), 30 * 60'000);
}

// An instance that starts after the revocations were published learns them from the keys.
CO_TEST(RevocationIntegrationTest, LateJoinerResyncsFromTheKeys) {
  auto& io = *co_await current_io_context();
  const auto channel = unique_channel();
  const auto& url = test_support::redis_url();
  cache::RedisClient auth{io, url};
  for (int index = 0; index < 30; ++index) {  // more than one SCAN batch below
    auto published =
        co_await publish_revocation(auth, RevocationKind::kToken, "jti-" + std::to_string(index),
                                    10min, deadline_in(2s), channel);
    CO_ASSERT_TRUE(published) << published.error();
  }
  auto session = co_await publish_revocation(auth, RevocationKind::kSession, "sid-early", 10min,
                                             deadline_in(2s), channel);
  CO_ASSERT_TRUE(session);

  auto options = listener_options(channel);
  options.scan_batch = 7;
  Instance late{io, url, options};
  CO_ASSERT_TRUE(co_await wait_until([&] { return late.listener.is_synchronized(); }, 5s));
  EXPECT_TRUE(late.set.is_revoked(RevocationKind::kSession, "sid-early"));
  for (int index = 0; index < 30; ++index) {
    EXPECT_TRUE(late.set.is_revoked(RevocationKind::kToken, "jti-" + std::to_string(index)));
  }
  EXPECT_EQ(late.listener.messages_received(), 0u);
  EXPECT_GE(late.listener.resyncs_completed(), 1u);
}

// A revocation whose message never arrived (written as a key only) is picked up by the
// periodic resync.
CO_TEST(RevocationIntegrationTest, PeriodicResyncCatchesMissedMessages) {
  auto& io = *co_await current_io_context();
  const auto channel = unique_channel();
  const auto& url = test_support::redis_url();
  auto options = listener_options(channel);
  options.resync_interval = 200ms;
  Instance instance{io, url, options};
  cache::RedisClient auth{io, url};
  CO_ASSERT_TRUE(co_await wait_until([&] { return instance.listener.is_synchronized(); }, 5s));

  auto stored = co_await auth.set(channel.key_prefix + "jti:missed", "1", 10min, deadline_in(2s));
  CO_ASSERT_TRUE(stored);
  EXPECT_TRUE(co_await wait_until(
      [&] { return instance.set.is_revoked(RevocationKind::kToken, "missed"); }, 1s));
}

// A listener whose subscription is cut resubscribes and resyncs, so a revocation written
// while it was away is known afterwards (private Redis: the cut affects only us).
CO_TEST(RevocationIntegrationTest, ResubscribeTriggersResync) {
  auto& io = *co_await current_io_context();
  PrivateRedis redis_server;
  const auto channel = unique_channel();
  auto options = listener_options(channel);
  options.resync_interval = 0ms;  // only the resubscribe may find it
  Instance instance{io, redis_server.url(), options};
  cache::RedisClient auth{io, redis_server.url()};
  CO_ASSERT_TRUE(co_await wait_until([&] { return instance.listener.is_synchronized(); }, 10s));
  const auto resyncs_before = instance.listener.resyncs_completed();

  auto stored =
      co_await auth.set(channel.key_prefix + "sid:while-away", "1", 10min, deadline_in(2s));
  CO_ASSERT_TRUE(stored);
  co_await sleep_for(100ms);
  EXPECT_FALSE(instance.set.is_revoked(RevocationKind::kSession, "while-away"));
  auto killed =
      co_await auth.command(cache::redis_args("CLIENT", "KILL", "TYPE", "pubsub"), deadline_in(2s));
  CO_ASSERT_TRUE(killed) << killed.error();
  CO_ASSERT_TRUE(co_await wait_until(
      [&] { return instance.set.is_revoked(RevocationKind::kSession, "while-away"); }, 3s));
  EXPECT_GT(instance.listener.resyncs_completed(), resyncs_before);
}

// End to end: a verifier fed by a listener accepts a token, then rejects it as revoked
// within a second of logout — even though it sits in the verified-token cache.
CO_TEST(RevocationIntegrationTest, VerifierRejectsALoggedOutTokenWithinOneSecond) {
  auto& io = *co_await current_io_context();
  const auto channel = unique_channel();
  const auto& url = test_support::redis_url();
  Instance gateway{io, url, listener_options(channel)};
  cache::RedisClient auth{io, url};
  const SigningKeyRing ring{SigningKey::generate()};
  LocalJwksSource keys{ring};
  SystemClock clock;
  TokenSigner signer{ring, {}, clock};
  TokenVerifier verifier{keys, {}, clock, &gateway.set};
  CO_ASSERT_TRUE(co_await wait_until([&] { return gateway.listener.is_synchronized(); }, 5s));

  const auto token = signer.sign(AccessTokenClaims{.user_id = "user01",
                                                   .session_id = generate_token_id(),
                                                   .customer_id = "C1",
                                                   .line_number = "01012345678",
                                                   .permissions = {"BILL_INQUIRY"}});
  CO_ASSERT_TRUE(verifier.verify(token.token));
  auto published = co_await publish_revocation(auth, RevocationKind::kToken, token.token_id, 30min,
                                               deadline_in(2s), channel);
  CO_ASSERT_TRUE(published);
  EXPECT_TRUE(co_await wait_until(
      [&] {
        auto result = verifier.verify(token.token);
        return !result && result.error() == TokenStatus::kRevoked;
      },
      1s));
}

// Malformed ids are refused before anything is written.
CO_TEST(RevocationIntegrationTest, PublishRefusesBadIds) {
  auto& io = *co_await current_io_context();
  cache::RedisClient auth{io, test_support::redis_url()};
  auto result = co_await publish_revocation(auth, RevocationKind::kToken, "", 1min, deadline_in(2s),
                                            unique_channel());
  EXPECT_FALSE(result);
  result = co_await publish_revocation(auth, RevocationKind::kToken, "ok", 0ms, deadline_in(2s),
                                       unique_channel());
  EXPECT_FALSE(result);
}

}  // namespace
}  // namespace phonebill::security
