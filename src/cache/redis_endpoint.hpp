// Where Redis is and how patiently to reach it: parse_redis_url() turns REDIS_URL
// (`redis://[[user]:password@]host[:port][/db]`) into a RedisEndpoint, and RedisOptions
// holds the connect timeout and reconnect backoff shared by RedisClient and RedisSubscriber.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace phonebill::cache {

struct SentinelAddress {
  std::string host;
  std::uint16_t port = 0;
};

struct RedisEndpoint {
  std::string host;
  std::uint16_t port = 6379;
  int database = 0;
  std::string username;  // empty: AUTH with the password only (Redis < 6 style)
  std::string password;  // empty: no AUTH
  // Sentinel mode (a redis-sentinel:// URL, cache/redis_sentinel.hpp): host and port are
  // unused; every connect attempt asks these sentinels where master `master_name` is.
  std::vector<SentinelAddress> sentinels;
  std::string master_name;
};

struct RedisOptions {
  // A connect attempt (resolve + TCP + handshake) that takes longer is abandoned.
  std::chrono::milliseconds connect_timeout{1000};
  // Delay before the first reconnect attempt after a drop; doubles per failed attempt.
  std::chrono::milliseconds reconnect_initial_delay{50};
  // Upper bound of that delay, so a recovered server is noticed within about this long.
  std::chrono::milliseconds reconnect_max_delay{1000};
  // This many command timeouts in a row, with no reply in between, mean the server (or
  // the path to it) hangs: the connection is dropped and rebuilt, and commands fail fast
  // meanwhile instead of each waiting out its deadline. 0 disables the rule.
  int unresponsive_after_timeouts = 3;
  // RedisClient only: the io_context is run by one thread (PHONEBILL_IO_THREADS=1, the
  // services' default). Then the connection needs no strand, and a command issued on that
  // thread runs inline instead of hopping onto the strand and back (a co_spawn and two
  // posts per command: issue 17). Commands from any other thread still hop.
  bool one_io_thread = false;
};

// Parses `redis://host[:port][/db]`, optionally with `user:password@` or `:password@`
// (percent-decoded), or a redis-sentinel:// URL (parse_sentinel_url). Returns nullopt for another
// scheme, an empty host, a port outside 1..65535 or a database that is not a non-negative integer.
std::optional<RedisEndpoint> parse_redis_url(std::string_view url);

// parse_redis_url for a configured REDIS_URL: throws ConfigError (naming the setting,
// never its value, which may hold a password) when it does not parse.
RedisEndpoint require_redis_url(std::string_view url);

// The endpoint as `host:port/db` for logs: never includes the password.
std::string describe(const RedisEndpoint& endpoint);

// Reconnect delay after `failures` consecutive failed attempts (1 = first failure):
// initial * 2^(failures-1), capped at the maximum.
std::chrono::milliseconds reconnect_delay(const RedisOptions& options, int failures);

}  // namespace phonebill::cache
