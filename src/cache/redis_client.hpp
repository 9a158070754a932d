// RedisClient: the one way services talk to Redis (cache, counters, rate limits,
// revocation keys). Commands are coroutines that end by their deadline and report
// failures as values; a Redis outage makes them fail fast so callers can degrade
// (SPEC §5). Entry points: command() and the helpers get/set/del/incr/expire/eval/publish.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <concepts>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cache/redis_endpoint.hpp"
#include "cache/redis_reply.hpp"

namespace boost::asio {
class io_context;
}

namespace phonebill::cache {
namespace detail {
class RedisConnection;

inline void append_arg(std::vector<std::string>& args, std::string_view part) {
  args.emplace_back(part);
}
template <std::integral Integer>
requires(!std::same_as<Integer, bool> &&
         !std::same_as<Integer, char>) void append_arg(std::vector<std::string>& args,
                                                       Integer value) {
  args.push_back(std::to_string(value));
}
}  // namespace detail

// Builds a command's arguments from strings, string views and integers:
// `co_await client.command(redis_args("SET", key, value, "PX", 1000), deadline)`.
// Use it (or a named vector) instead of a braced list inside a co_await expression:
// g++ 12 rejects the latter ("array used as initializer").
template <class... Parts>
std::vector<std::string> redis_args(const Parts&... parts) {
  std::vector<std::string> args;
  args.reserve(sizeof...(parts));
  (detail::append_arg(args, parts), ...);
  return args;
}

// One hiredis connection, pipelined, bound to a strand of `io`: any thread of a
// multi-threaded io_context may call it, and no thread ever blocks on the network.
// Connects at construction and reconnects by itself; `io` must outlive the client.
class RedisClient {
 public:
  // Throws phonebill::ConfigError if `url` is not a valid redis:// URL (start-up only).
  RedisClient(boost::asio::io_context& io, std::string_view url, RedisOptions options = {});
  RedisClient(boost::asio::io_context& io, RedisEndpoint endpoint, RedisOptions options = {});
  // Stops reconnecting; commands still in flight finish with kDisconnected.
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Every coroutine below copies its arguments before it first suspends: views passed in
  // must stay valid until the call is awaited (as they do in `co_await client.get(key, d)`).

  // Runs one command (redisAsyncCommandArgv: arguments are binary-safe). Resumes exactly
  // once: with the reply, kServer for an error reply, kTimeout at `deadline` (a reply that
  // comes later is dropped), or kDisconnected — at once while Redis is known to be down.
  boost::asio::awaitable<RedisResult<RedisReply>> command(std::vector<std::string> args,
                                                          Deadline deadline);

  // GET: the value, or nullopt when the key does not exist.
  boost::asio::awaitable<RedisResult<std::optional<std::string>>> get(std::string_view key,
                                                                      Deadline deadline);
  // SET with PX `ttl`; a ttl of zero or less stores without expiry.
  boost::asio::awaitable<RedisResult<void>> set(std::string_view key, std::string_view value,
                                                std::chrono::milliseconds ttl, Deadline deadline);
  // SET NX PX: true if stored, false if the key already existed (locks, coalescing).
  boost::asio::awaitable<RedisResult<bool>> set_if_absent(std::string_view key,
                                                          std::string_view value,
                                                          std::chrono::milliseconds ttl,
                                                          Deadline deadline);
  // DEL: 1 if the key existed, else 0 (several keys at once: command()).
  boost::asio::awaitable<RedisResult<std::int64_t>> del(std::string_view key, Deadline deadline);
  // INCR / INCRBY: the value after the increment (a missing key counts from 0).
  boost::asio::awaitable<RedisResult<std::int64_t>> incr(std::string_view key, Deadline deadline);
  boost::asio::awaitable<RedisResult<std::int64_t>> incrby(std::string_view key,
                                                           std::int64_t increment,
                                                           Deadline deadline);
  // PEXPIRE: true if the key exists and now expires after `ttl`.
  boost::asio::awaitable<RedisResult<bool>> expire(std::string_view key,
                                                   std::chrono::milliseconds ttl,
                                                   Deadline deadline);
  // EVAL of a Lua script: runs atomically on the server (counters, token buckets).
  // Pass `keys` and `args` as named vectors (g++ 12 and braced lists, see redis_args).
  boost::asio::awaitable<RedisResult<RedisReply>> eval(std::string_view script,
                                                       std::vector<std::string> keys,
                                                       std::vector<std::string> args,
                                                       Deadline deadline);
  // PUBLISH: how many subscribers received the message.
  boost::asio::awaitable<RedisResult<std::int64_t>> publish(std::string_view channel,
                                                            std::string_view message,
                                                            Deadline deadline);

  // True while the connection is up (readiness checks). Any thread.
  bool is_connected() const;

 private:
  boost::asio::io_context& io_;
  const bool inline_commands_;                           // RedisOptions::one_io_thread
  std::shared_ptr<detail::RedisConnection> connection_;  // pimpl; shared with its handlers
};

}  // namespace phonebill::cache
