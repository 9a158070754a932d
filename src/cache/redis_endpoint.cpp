// REDIS_URL parsing (Boost.URL does the RFC 3986 work) and the reconnect backoff rule.
#include "cache/redis_endpoint.hpp"

#include <boost/url/parse.hpp>

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
  if (error != std::errc{} || end != path.data() + path.size() || database < 0)
    return std::nullopt;
  return database;
}

}  // namespace

std::optional<RedisEndpoint> parse_redis_url(std::string_view url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return std::nullopt;
  const auto& uri = *parsed;
  if (uri.scheme() != "redis" || !uri.has_authority()) return std::nullopt;

  RedisEndpoint endpoint;
  endpoint.host = uri.host_address();  // IPv6 comes without brackets
  if (endpoint.host.empty()) return std::nullopt;

  if (uri.has_port()) {
    auto port_text = uri.port();
    int port = 0;
    auto [end, error] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (error != std::errc{} || end != port_text.data() + port_text.size() || port < 1 ||
        port > 65535)
      return std::nullopt;
    endpoint.port = static_cast<std::uint16_t>(port);
  } else {
    endpoint.port = kDefaultPort;
  }

  auto database = parse_database(uri.encoded_path());
  if (!database) return std::nullopt;
  endpoint.database = *database;

  if (uri.has_userinfo()) {
    endpoint.username = uri.user();
    endpoint.password = uri.password();
  }
  return endpoint;
}

std::string describe(const RedisEndpoint& endpoint) {
  auto host = endpoint.host.find(':') == std::string::npos ? endpoint.host
                                                           : "[" + endpoint.host + "]";
  return host + ":" + std::to_string(endpoint.port) + "/" + std::to_string(endpoint.database);
}

std::chrono::milliseconds reconnect_delay(const RedisOptions& options, int failures) {
  auto delay = options.reconnect_initial_delay;
  for (int step = 1; step < failures && delay < options.reconnect_max_delay; ++step) delay *= 2;
  return std::min(delay, options.reconnect_max_delay);
}

}  // namespace phonebill::cache
