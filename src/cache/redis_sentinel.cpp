// The redis-sentinel:// URL and the question put to the sentinels. A query is one short
// TCP exchange per sentinel (resolve, connect, SENTINEL get-master-addr-by-name, one
// reply read by hiredis's reader), bounded by a timer that closes the socket.
#include "cache/redis_sentinel.hpp"

#include <hiredis/hiredis.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <charconv>
#include <memory>

#include "core/base_url.hpp"

namespace phonebill::cache {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

std::optional<int> parse_number(std::string_view text) {
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

// A master name as Sentinel configurations write them: no separators, no blanks.
bool valid_master_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string sentinel_request(std::string_view master_name) {
  return "*3\r\n$8\r\nSENTINEL\r\n$23\r\nget-master-addr-by-name\r\n$" +
         std::to_string(master_name.size()) + "\r\n" + std::string(master_name) + "\r\n";
}

// The master's address out of the sentinel's reply, or the reason there is none.
std::optional<SentinelAddress> read_answer(const redisReply& reply, std::string& reason) {
  if (reply.type == REDIS_REPLY_NIL) {
    reason = "the sentinel does not monitor that master";
    return std::nullopt;
  }
  if (reply.type == REDIS_REPLY_ERROR) {
    reason = "sentinel error: " + std::string(reply.str, reply.len);
    return std::nullopt;
  }
  if (reply.type == REDIS_REPLY_ARRAY && reply.elements == 2 &&
      reply.element[0]->type == REDIS_REPLY_STRING &&
      reply.element[1]->type == REDIS_REPLY_STRING) {
    auto port = parse_number({reply.element[1]->str, reply.element[1]->len});
    if (port && *port >= 1 && *port <= 65535)
      return SentinelAddress{std::string(reply.element[0]->str, reply.element[0]->len),
                             static_cast<std::uint16_t>(*port)};
  }
  reason = "unexpected reply from the sentinel";
  return std::nullopt;
}

asio::awaitable<std::optional<SentinelAddress>> ask_one(SentinelAddress sentinel,
                                                        std::string request,
                                                        std::chrono::milliseconds timeout,
                                                        std::string& reason) {
  auto executor = co_await asio::this_coro::executor;
  auto socket = std::make_shared<tcp::socket>(executor);
  auto resolver = std::make_shared<tcp::resolver>(executor);
  auto expired = std::make_shared<bool>(false);
  asio::steady_timer timer{executor};
  timer.expires_after(timeout);
  // Shared pointers: the handler may run after this coroutine has returned.
  timer.async_wait([socket, resolver, expired](error_code error) {
    if (error) return;
    *expired = true;
    resolver->cancel();
    error_code ignored;
    socket->close(ignored);
  });
  error_code error;
  auto results = co_await resolver->async_resolve(sentinel.host, std::to_string(sentinel.port),
                                                  asio::redirect_error(asio::use_awaitable, error));
  if (!error)
    co_await asio::async_connect(*socket, results,
                                 asio::redirect_error(asio::use_awaitable, error));
  if (!error)
    co_await asio::async_write(*socket, asio::buffer(request),
                               asio::redirect_error(asio::use_awaitable, error));
  std::unique_ptr<redisReader, decltype(&redisReaderFree)> reader{redisReaderCreate(),
                                                                  &redisReaderFree};
  std::array<char, 512> chunk{};
  std::optional<SentinelAddress> master;
  while (!error) {
    auto read = co_await socket->async_read_some(asio::buffer(chunk),
                                                 asio::redirect_error(asio::use_awaitable, error));
    if (error) break;
    void* reply = nullptr;
    if (redisReaderFeed(reader.get(), chunk.data(), read) != REDIS_OK ||
        redisReaderGetReply(reader.get(), &reply) != REDIS_OK) {
      reason = "unreadable reply from the sentinel";
      break;
    }
    if (reply == nullptr) continue;  // not all of it yet
    master = read_answer(*static_cast<redisReply*>(reply), reason);
    freeReplyObject(reply);
    break;
  }
  timer.cancel();
  if (error) reason = *expired ? "timed out" : error.message();
  co_return master;
}

asio::awaitable<SentinelAnswer> ask_in_turn(std::vector<SentinelAddress> sentinels,
                                            std::string master_name,
                                            std::chrono::milliseconds timeout_each) {
  const auto request = sentinel_request(master_name);
  SentinelAnswer answer{std::nullopt, "no sentinel configured"};
  for (const auto& sentinel : sentinels) {
    std::string reason;
    answer.master = co_await ask_one(sentinel, request, timeout_each, reason);
    if (answer.master) co_return answer;
    // Addresses only: a sentinel's reply carries no secret.
    answer.reason = authority(sentinel.host, sentinel.port) + ": " + reason;
  }
  co_return answer;
}

}  // namespace

std::optional<RedisEndpoint> parse_sentinel_url(std::string_view url) {
  if (!url.starts_with(kSentinelScheme)) return std::nullopt;
  auto rest = url.substr(kSentinelScheme.size());
  auto slash = rest.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto authority_part = rest.substr(0, slash);
  auto path = rest.substr(slash + 1);
  RedisEndpoint endpoint;
  endpoint.host.clear();
  endpoint.port = 0;
  auto hosts = authority_part;
  if (auto at = authority_part.rfind('@'); at != std::string_view::npos) {
    // The userinfo is the master's AUTH; core's parser does the percent-decoding.
    auto parsed =
        parse_base_url("redis://" + std::string(authority_part.substr(0, at)) + "@localhost",
                       BaseUrlRules{"redis", 6379, false, true});
    if (!parsed) return std::nullopt;
    endpoint.username = std::move(parsed->user);
    endpoint.password = std::move(parsed->password);
    hosts = authority_part.substr(at + 1);
  }
  for (std::size_t start = 0;;) {
    auto comma = hosts.find(',', start);
    auto item = hosts.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    auto parsed =
        parse_base_url("redis://" + std::string(item), BaseUrlRules{"redis", kDefaultSentinelPort});
    if (!parsed) return std::nullopt;
    endpoint.sentinels.push_back({std::move(parsed->host), parsed->port});
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  auto name_end = path.find('/');
  endpoint.master_name = std::string(path.substr(0, name_end));
  if (!valid_master_name(endpoint.master_name)) return std::nullopt;
  if (name_end != std::string_view::npos && name_end + 1 < path.size()) {
    auto database = parse_number(path.substr(name_end + 1));
    if (!database) return std::nullopt;
    endpoint.database = *database;
  }
  return endpoint;
}

void ask_sentinels_for_master(asio::any_io_executor executor, const RedisEndpoint& endpoint,
                              std::chrono::milliseconds timeout_each,
                              std::function<void(SentinelAnswer)> done) {
  asio::co_spawn(executor, ask_in_turn(endpoint.sentinels, endpoint.master_name, timeout_each),
                 [done = std::move(done)](std::exception_ptr failure, SentinelAnswer answer) {
                   if (failure) answer = SentinelAnswer{std::nullopt, "sentinel query failed"};
                   done(std::move(answer));
                 });
}

}  // namespace phonebill::cache
