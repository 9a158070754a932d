// REDIS_URL parsing (core's parse_base_url does the RFC 3986 work) and the reconnect
// backoff rule.
#include "cache/redis_endpoint.hpp"

#include "cache/redis_sentinel.hpp"
#include "core/base_url.hpp"
#include "core/config.hpp"

#include <algorithm>
#include <charconv>

namespace phonebill::cache {
namespace {

constexpr std::uint16_t kDefaultPort = 6379;

std::optional<int> parse_database(std::string_view path) {
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (path.empty()) return 0;
  int database = 0;
  auto [end, error] = std::from_chars(path.data(), path.data() + path.size(), database);
  if (error != std::errc{} || end != path.data() + path.size() || database < 0) return std::nullopt;
  return database;
}

}  // namespace

std::optional<RedisEndpoint> parse_redis_url(std::string_view url) {
  if (url.starts_with(kSentinelScheme)) return parse_sentinel_url(url);
  auto parsed = parse_base_url(url, BaseUrlRules{"redis", kDefaultPort, true, true});
  if (!parsed) return std::nullopt;
  auto database = parse_database(parsed->path);
  if (!database) return std::nullopt;
  RedisEndpoint endpoint;
  endpoint.host = std::move(parsed->host);  // IPv6 comes without brackets
  endpoint.port = parsed->port;
  endpoint.database = *database;
  endpoint.username = std::move(parsed->user);
  endpoint.password = std::move(parsed->password);
  return endpoint;
}

RedisEndpoint require_redis_url(std::string_view url) {
  auto endpoint = parse_redis_url(url);
  // The URL may hold a password: name the setting, not its value.
  if (!endpoint)
    throw ConfigError{
        "REDIS_URL must look like redis://host:port/db or "
        "redis-sentinel://host:port,host:port/master-name/db"};
  return *endpoint;
}

std::string describe(const RedisEndpoint& endpoint) {
  if (!endpoint.sentinels.empty())
    return "sentinel:" + endpoint.master_name + "/" + std::to_string(endpoint.database);
  return authority(endpoint.host, endpoint.port) + "/" + std::to_string(endpoint.database);
}

std::chrono::milliseconds reconnect_delay(const RedisOptions& options, int failures) {
  auto delay = options.reconnect_initial_delay;
  for (int step = 1; step < failures && delay < options.reconnect_max_delay; ++step) delay *= 2;
  return std::min(delay, options.reconnect_max_delay);
}

}  // namespace phonebill::cache
