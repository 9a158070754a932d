// RedisSubscriber: listens on Redis pub/sub channels over its own connection (a
// subscribed connection can run no other commands). Resubscribes by itself after every
// reconnect and says so, so callers can resync what they missed meanwhile (token
// revocation: pub/sub for speed, keys with TTL for late joiners). Entry point: constructor.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cache/redis_endpoint.hpp"

namespace boost::asio {
class io_context;
}

namespace phonebill::cache {

class RedisSubscriber {
 public:
  // A message published on one of our channels. Bytes are binary-safe.
  using MessageHandler = std::function<void(std::string_view channel, std::string_view message)>;
  // All channels are (re)subscribed: after the first connect and after every reconnect.
  // Messages published while we were away are lost; this is the cue to resync.
  using SubscribedHandler = std::function<void()>;

  // Connects and subscribes to `channels` (at least one). Handlers run one at a time on
  // the subscriber's strand of `io`, never inside this constructor; one that throws is
  // logged and ignored. Throws phonebill::ConfigError for a malformed `url`.
  RedisSubscriber(boost::asio::io_context& io, std::string_view url,
                  std::vector<std::string> channels, MessageHandler on_message,
                  SubscribedHandler on_subscribed = {}, RedisOptions options = {});
  RedisSubscriber(boost::asio::io_context& io, RedisEndpoint endpoint,
                  std::vector<std::string> channels, MessageHandler on_message,
                  SubscribedHandler on_subscribed = {}, RedisOptions options = {});
  // No handler starts after this returns (one already running on another thread may
  // finish). `io` must outlive the subscriber.
  ~RedisSubscriber();
  RedisSubscriber(const RedisSubscriber&) = delete;
  RedisSubscriber& operator=(const RedisSubscriber&) = delete;

  // True once every channel is confirmed on the current connection. Any thread.
  bool is_subscribed() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace phonebill::cache
