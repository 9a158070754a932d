// redis-sentinel:// URLs: which sentinels to ask, for which master, with which password
// and database, and what is refused (never a guess at a half-written setting).
#include "cache/redis_sentinel.hpp"

#include <gtest/gtest.h>

#include "core/config.hpp"

namespace phonebill::cache {
namespace {

// Three sentinels, a master name and a database: every part is read.
TEST(RedisSentinelUrl, SentinelsMasterAndDatabaseAreRead) {
  auto endpoint =
      parse_redis_url("redis-sentinel://127.0.0.1:26400,127.0.0.1:26401,cache-3/phonebill/2");
  ASSERT_TRUE(endpoint);
  ASSERT_EQ(endpoint->sentinels.size(), 3u);
  EXPECT_EQ(endpoint->sentinels[0].host, "127.0.0.1");
  EXPECT_EQ(endpoint->sentinels[0].port, 26400);
  EXPECT_EQ(endpoint->sentinels[1].port, 26401);
  EXPECT_EQ(endpoint->sentinels[2].host, "cache-3");
  EXPECT_EQ(endpoint->sentinels[2].port, kDefaultSentinelPort);
  EXPECT_EQ(endpoint->master_name, "phonebill");
  EXPECT_EQ(endpoint->database, 2);
  EXPECT_TRUE(endpoint->password.empty());
}

// The userinfo is the master's AUTH, percent-decoded; it never shows in describe().
TEST(RedisSentinelUrl, PasswordIsForTheMasterAndNeverDescribed) {
  auto endpoint = parse_redis_url("redis-sentinel://app:p%40ss@[::1]:26379/main");
  ASSERT_TRUE(endpoint);
  EXPECT_EQ(endpoint->username, "app");
  EXPECT_EQ(endpoint->password, "p@ss");
  ASSERT_EQ(endpoint->sentinels.size(), 1u);
  EXPECT_EQ(endpoint->sentinels[0].host, "::1");
  EXPECT_EQ(endpoint->database, 0);
  EXPECT_EQ(describe(*endpoint).find("p@ss"), std::string::npos);
  EXPECT_EQ(describe(*endpoint), "sentinel:main/0");
}

// No master name, an empty sentinel, a bad port or database: refused, and a configured
// REDIS_URL like that stops the start with a ConfigError that does not echo it.
TEST(RedisSentinelUrl, IncompleteUrlsAreRefused) {
  for (const char* url :
       {"redis-sentinel://127.0.0.1:26379", "redis-sentinel://127.0.0.1:26379/",
        "redis-sentinel://a:1,,b:2/m", "redis-sentinel://a:0/m", "redis-sentinel://a:1/m/x",
        "redis-sentinel:///m", "redis-sentinel://a:1/m?x=1"}) {
    EXPECT_FALSE(parse_redis_url(url)) << url;
  }
  try {
    require_redis_url("redis-sentinel://:s3cret@a:1/");
    FAIL() << "no ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string(error.what()).find("s3cret"), std::string::npos);
  }
}

}  // namespace
}  // namespace phonebill::cache
