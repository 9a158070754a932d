// RedisSubscriber over one RedisConnection: SUBSCRIBE is queued as soon as each new
// context exists (ahead of nothing but AUTH/SELECT), confirmations are counted per
// connection, and "message" replies go to the caller's handler.
#include "cache/redis_subscriber.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <exception>
#include <stdexcept>

#include "cache/redis_connection.hpp"
#include "core/log.hpp"

namespace phonebill::cache {

namespace asio = boost::asio;
using detail::RedisConnection;

class RedisSubscriber::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(std::vector<std::string> channels, MessageHandler on_message,
       SubscribedHandler on_subscribed)
      : channels_(std::move(channels)),
        on_message_(std::move(on_message)),
        on_subscribed_(std::move(on_subscribed)) {}

  // Builds and starts the connection; its listener holds us weakly, so no cycle.
  void start(asio::io_context& io, RedisEndpoint endpoint, RedisOptions options) {
    std::weak_ptr<Impl> weak = weak_from_this();
    RedisConnection::Listener listener;
    listener.on_context_created = [weak](RedisConnection& connection) {
      if (auto self = weak.lock()) self->subscribe(connection);
    };
    listener.on_disconnected = [weak] {
      if (auto self = weak.lock()) self->subscribed_.store(false, std::memory_order_release);
    };
    listener.on_subscription_reply = [weak](const RedisReply& reply) {
      if (auto self = weak.lock()) self->on_reply(reply);
    };
    connection_ = RedisConnection::create(asio::make_strand(io), std::move(endpoint), options,
                                          "subscriber", std::move(listener));
    connection_->start();
  }

  void stop() {
    stopped_.store(true, std::memory_order_release);
    asio::post(connection_->strand(), [connection = connection_] { connection->stop(); });
  }

  bool is_subscribed() const { return subscribed_.load(std::memory_order_acquire); }

 private:
  void subscribe(RedisConnection& connection) {
    confirmed_ = 0;
    subscribed_.store(false, std::memory_order_release);
    if (!connection.subscribe(channels_))
      log::error("redis_subscribe_refused", {{"channels", channels_.size()}});
  }

  // Replies look like ["subscribe", channel, count] or ["message", channel, payload].
  // hiredis 0.14.1 may also hand us replies meant for nobody (e.g. ["pong", ""]): ignored.
  void on_reply(const RedisReply& reply) {
    if (!reply.is_array() || reply.elements().size() < 3) return;
    const auto& kind = reply.elements()[0].text();
    const auto& channel = reply.elements()[1].text();
    if (kind == "message") {
      run_handler("message", [&] {
        if (on_message_) on_message_(channel, reply.elements()[2].text());
      });
    } else if (kind == "subscribe" && ++confirmed_ == channels_.size()) {
      subscribed_.store(true, std::memory_order_release);
      log::info("redis_subscribed", {{"channels", channels_.size()}});
      run_handler("subscribed", [&] {
        if (on_subscribed_) on_subscribed_();
      });
    }
  }

  // Caller code must not unwind through hiredis's C frames.
  template <class Function>
  void run_handler(std::string_view which, Function&& function) {
    if (stopped_.load(std::memory_order_acquire)) return;
    try {
      function();
    } catch (const std::exception& error) {
      log::error("redis_subscriber_handler_failed", {{"handler", which}, {"error", error.what()}});
    } catch (...) {
      log::error("redis_subscriber_handler_failed", {{"handler", which}});
    }
  }

  std::vector<std::string> channels_;
  MessageHandler on_message_;
  SubscribedHandler on_subscribed_;
  std::shared_ptr<RedisConnection> connection_;
  std::size_t confirmed_ = 0;  // confirmations on the current connection (strand only)
  std::atomic<bool> subscribed_{false};
  std::atomic<bool> stopped_{false};
};

RedisSubscriber::RedisSubscriber(asio::io_context& io, std::string_view url,
                                 std::vector<std::string> channels, MessageHandler on_message,
                                 SubscribedHandler on_subscribed, RedisOptions options)
    : RedisSubscriber(io, require_redis_url(url), std::move(channels), std::move(on_message),
                      std::move(on_subscribed), options) {}

RedisSubscriber::RedisSubscriber(asio::io_context& io, RedisEndpoint endpoint,
                                 std::vector<std::string> channels, MessageHandler on_message,
                                 SubscribedHandler on_subscribed, RedisOptions options) {
  if (channels.empty()) throw std::invalid_argument{"RedisSubscriber needs a channel"};
  impl_ =
      std::make_shared<Impl>(std::move(channels), std::move(on_message), std::move(on_subscribed));
  impl_->start(io, std::move(endpoint), options);
}

RedisSubscriber::~RedisSubscriber() { impl_->stop(); }

bool RedisSubscriber::is_subscribed() const { return impl_->is_subscribed(); }

}  // namespace phonebill::cache
