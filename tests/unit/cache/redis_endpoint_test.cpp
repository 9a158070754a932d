// REDIS_URL parsing and the reconnect backoff rule: what a deployment can write in the
// environment, and how fast a client retries a server that is down.
#include "cache/redis_endpoint.hpp"

#include <gtest/gtest.h>

#include "cache/redis_client.hpp"
#include "core/config.hpp"

#include <boost/asio/io_context.hpp>

namespace phonebill::cache {
namespace {

using namespace std::chrono_literals;

// A bare host gets the default port and database 0.
TEST(RedisUrl, HostOnlyUsesDefaults) {
  auto endpoint = parse_redis_url("redis://cache.internal");
  ASSERT_TRUE(endpoint);
  EXPECT_EQ(endpoint->host, "cache.internal");
  EXPECT_EQ(endpoint->port, 6379);
  EXPECT_EQ(endpoint->database, 0);
  EXPECT_TRUE(endpoint->password.empty());
}

// Port and database come from the URL.
TEST(RedisUrl, PortAndDatabaseAreRead) {
  auto endpoint = parse_redis_url("redis://127.0.0.1:6380/3");
  ASSERT_TRUE(endpoint);
  EXPECT_EQ(endpoint->host, "127.0.0.1");
  EXPECT_EQ(endpoint->port, 6380);
  EXPECT_EQ(endpoint->database, 3);
}

// A trailing slash means database 0.
TEST(RedisUrl, TrailingSlashIsDatabaseZero) {
  auto endpoint = parse_redis_url("redis://localhost:7000/");
  ASSERT_TRUE(endpoint);
  EXPECT_EQ(endpoint->database, 0);
}

// Credentials are percent-decoded; a password alone leaves the user empty.
TEST(RedisUrl, CredentialsAreDecoded) {
  auto with_user = parse_redis_url("redis://app:p%40ss%3Aword@redis:6379/1");
  ASSERT_TRUE(with_user);
  EXPECT_EQ(with_user->username, "app");
  EXPECT_EQ(with_user->password, "p@ss:word");
  EXPECT_EQ(with_user->host, "redis");

  auto password_only = parse_redis_url("redis://:secret@redis");
  ASSERT_TRUE(password_only);
  EXPECT_TRUE(password_only->username.empty());
  EXPECT_EQ(password_only->password, "secret");
}

// An IPv6 literal loses its brackets for connecting and regains them for logs.
TEST(RedisUrl, Ipv6HostIsUnbracketed) {
  auto endpoint = parse_redis_url("redis://[::1]:6390/2");
  ASSERT_TRUE(endpoint);
  EXPECT_EQ(endpoint->host, "::1");
  EXPECT_EQ(endpoint->port, 6390);
  EXPECT_EQ(describe(*endpoint), "[::1]:6390/2");
}

// Anything else is refused rather than guessed at.
TEST(RedisUrl, MalformedUrlsAreRejected) {
  for (const char* url : {"", "127.0.0.1:6379", "http://127.0.0.1:6379", "rediss://host",
                          "redis://", "redis://host:0", "redis://host:65536", "redis://host:port",
                          "redis://host/abc", "redis://host/-1", "redis://host/1/2"}) {
    EXPECT_FALSE(parse_redis_url(url)) << url;
  }
}

// Logs show where Redis is, never the password.
TEST(RedisUrl, DescribeHidesThePassword) {
  auto endpoint = parse_redis_url("redis://:hunter2@redis:6379/4");
  ASSERT_TRUE(endpoint);
  EXPECT_EQ(describe(*endpoint), "redis:6379/4");
}

// A malformed REDIS_URL stops start-up without echoing the URL (it may hold a password).
TEST(RedisUrl, ClientRejectsMalformedUrlAtConstruction) {
  boost::asio::io_context io;
  try {
    RedisClient client{io, "redis://:hunter2@host:notaport"};
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string{error.what()}.find("hunter2"), std::string::npos);
  }
}

// Backoff doubles from the initial delay and stops at the cap.
TEST(ReconnectDelay, DoublesUpToTheCap) {
  RedisOptions options;
  options.reconnect_initial_delay = 50ms;
  options.reconnect_max_delay = 1000ms;
  EXPECT_EQ(reconnect_delay(options, 1), 50ms);
  EXPECT_EQ(reconnect_delay(options, 2), 100ms);
  EXPECT_EQ(reconnect_delay(options, 3), 200ms);
  EXPECT_EQ(reconnect_delay(options, 5), 800ms);
  EXPECT_EQ(reconnect_delay(options, 6), 1000ms);
  EXPECT_EQ(reconnect_delay(options, 1000), 1000ms);
}

// An initial delay above the cap is capped too.
TEST(ReconnectDelay, InitialAboveCapIsCapped) {
  RedisOptions options;
  options.reconnect_initial_delay = 5s;
  options.reconnect_max_delay = 1s;
  EXPECT_EQ(reconnect_delay(options, 1), 1000ms);
}

}  // namespace
}  // namespace phonebill::cache
