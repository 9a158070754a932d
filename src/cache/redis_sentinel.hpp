// Redis Sentinel support: parse_sentinel_url() reads
// `redis-sentinel://[[user]:password@]host[:port][,host[:port]...]/<master-name>[/db]`
// into a RedisEndpoint in Sentinel mode, and ask_sentinels_for_master() asks the
// sentinels in turn (SENTINEL get-master-addr-by-name) where the master is now.
// RedisConnection asks on every connect attempt, so a client follows a failover by
// reconnecting. Heavy Asio headers stay in the .cpp.
#pragma once
#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "cache/redis_endpoint.hpp"

namespace phonebill::cache {

inline constexpr std::string_view kSentinelScheme = "redis-sentinel://";
inline constexpr std::uint16_t kDefaultSentinelPort = 26379;

// Parses a redis-sentinel:// URL (percent-decoded userinfo, which is the master's AUTH;
// the sentinels themselves are asked without a password). Returns nullopt for another
// scheme, no sentinel, a bad host or port, an empty master name or a bad database.
std::optional<RedisEndpoint> parse_sentinel_url(std::string_view url);

struct SentinelAnswer {
  std::optional<SentinelAddress> master;  // where the master is; empty when no sentinel said
  std::string reason;                     // why not (for the log), when empty
};

// Asks each sentinel of `endpoint` in order, each within `timeout_each`, and calls
// `done` once on `executor` with the first answer, or with the last reason none gave
// one. Never blocks.
void ask_sentinels_for_master(boost::asio::any_io_executor executor, const RedisEndpoint& endpoint,
                              std::chrono::milliseconds timeout_each,
                              std::function<void(SentinelAnswer)> done);

}  // namespace phonebill::cache
