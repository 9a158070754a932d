// parse_base_url: every base URL a deployment writes (names, IPv4, IPv6 literals,
// credentials, path prefixes) and the clear refusal of everything else.
#include <gtest/gtest.h>

#include "core/base_url.hpp"
#include "core/config.hpp"

using namespace phonebill;

namespace {
// Why `text` is refused (an empty code when it is accepted).
boost::system::error_code why(std::string_view text, const BaseUrlRules& rules = {}) {
  auto url = parse_base_url(text, rules);
  return url ? boost::system::error_code{} : url.error();
}
boost::system::error_code code(BaseUrlError error) { return make_error_code(error); }
}  // namespace

// A name with a port; the default port when none is written; a trailing slash is no path.
TEST(BaseUrlTest, NameAndPort) {
  auto url = parse_base_url("http://auth.internal:8081/");
  ASSERT_TRUE(url) << url.error().message();
  EXPECT_EQ(url->scheme, "http");
  EXPECT_EQ(url->host, "auth.internal");
  EXPECT_EQ(url->port, 8081);
  EXPECT_EQ(url->path, "");
  EXPECT_EQ(parse_base_url("http://auth.internal")->port, 80);
  EXPECT_EQ(parse_base_url("HTTP://auth.internal")->scheme, "http");
}

// An IPv6 literal loses its brackets for connecting and gets them back in authority().
TEST(BaseUrlTest, Ipv6LiteralsAreUnbracketed) {
  auto url = parse_base_url("http://[::1]:8081");
  ASSERT_TRUE(url) << url.error().message();
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 8081);
  EXPECT_EQ(url->authority(), "[::1]:8081");
  auto full = parse_base_url("http://[2001:db8::7]");
  ASSERT_TRUE(full);
  EXPECT_EQ(full->host, "2001:db8::7");
  EXPECT_EQ(full->authority(), "[2001:db8::7]:80");
  EXPECT_EQ(authority("127.0.0.1", 8082), "127.0.0.1:8082");
}

// Paths and credentials only where the caller allows them; credentials are decoded.
TEST(BaseUrlTest, PathAndUserinfoAreOptIn) {
  EXPECT_EQ(why("http://h:1/prefix"), code(BaseUrlError::kPathNotAllowed));
  EXPECT_EQ(why("http://u:p@h:1"), code(BaseUrlError::kUserinfoNotAllowed));
  auto redis =
      parse_base_url("redis://app:p%40ss@[::1]:6390/2/", BaseUrlRules{"redis", 6379, true, true});
  ASSERT_TRUE(redis) << redis.error().message();
  EXPECT_EQ(redis->host, "::1");
  EXPECT_EQ(redis->port, 6390);
  EXPECT_EQ(redis->path, "/2");
  EXPECT_EQ(redis->user, "app");
  EXPECT_EQ(redis->password, "p@ss");
}

// Everything else has a reason of its own, never a guess.
TEST(BaseUrlTest, RefusalsSayWhy) {
  EXPECT_FALSE(parse_base_url("127.0.0.1:8081"));  // no scheme: not a URL at all
  EXPECT_EQ(why("localhost:8081"), code(BaseUrlError::kWrongScheme));
  EXPECT_EQ(why(""), code(BaseUrlError::kMalformed));
  EXPECT_EQ(why("https://h"), code(BaseUrlError::kWrongScheme));
  EXPECT_EQ(why("http:/h"), code(BaseUrlError::kNoHost));
  EXPECT_EQ(why("http://"), code(BaseUrlError::kNoHost));
  for (const char* port : {"http://h:0", "http://h:65536", "http://h:", "http://h:99999999999"})
    EXPECT_EQ(why(port), code(BaseUrlError::kBadPort)) << port;
  EXPECT_EQ(why("http://h?x=1"), code(BaseUrlError::kUnexpectedPart));
  EXPECT_EQ(why("http://h#top"), code(BaseUrlError::kUnexpectedPart));
  EXPECT_EQ(why("http://[::1"), code(BaseUrlError::kMalformed));
  EXPECT_FALSE(parse_base_url("http://::1:8081"));  // IPv6 needs its brackets
  EXPECT_FALSE(why("http://h:1"));
}

// A list names the variable and the item; a credential-bearing item is never echoed.
TEST(BaseUrlTest, ListsNameTheVariable) {
  auto urls =
      parse_base_url_list("PHONEBILL_UPSTREAM_AUTH", " http://[::1]:8081 ,, http://a:8181/ ");
  ASSERT_EQ(urls.size(), 2u);
  EXPECT_EQ(urls[0].authority(), "[::1]:8081");
  EXPECT_EQ(urls[1].authority(), "a:8181");
  try {
    parse_base_url_list("PHONEBILL_UPSTREAM_AUTH", "http://a:1, http://u:hunter2@b:2");
    FAIL() << "accepted a URL with credentials";
  } catch (const ConfigError& error) {
    std::string text = error.what();
    EXPECT_NE(text.find("PHONEBILL_UPSTREAM_AUTH"), std::string::npos) << text;
    EXPECT_NE(text.find("item 2"), std::string::npos) << text;
    EXPECT_EQ(text.find("hunter2"), std::string::npos) << text;
  }
  EXPECT_THROW(parse_base_url_list("X", " , "), ConfigError);
}
