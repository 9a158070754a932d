// Internal: one hiredis async connection that keeps itself up. Resolves the host without
// blocking, connects, sends AUTH/SELECT first, times out slow connects and reconnects
// with capped backoff after any loss. RedisClient and RedisSubscriber each own one.
// Entry points: create(), start(), stop(), command_context(), send().
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cache/redis_endpoint.hpp"
#include "cache/redis_reply.hpp"

struct redisAsyncContext;

namespace phonebill::cache::detail {

// hiredis's reply callback type: (context, redisReply* or null, privdata).
using ReplyCallback = void (*)(redisAsyncContext*, void*, void*);

class RedisConnection : public std::enable_shared_from_this<RedisConnection> {
 public:
  // Called on the strand. None may destroy the connection's owner synchronously.
  struct Listener {
    // A fresh context exists (connect still pending): queue what must precede everything
    // else on this connection, e.g. SUBSCRIBE. AUTH and SELECT are already queued.
    std::function<void(RedisConnection&)> on_context_created;
    std::function<void()> on_connected;
    // The connection was up and is gone; pending callbacks already ran with null replies.
    std::function<void()> on_disconnected;
    // Every reply on a subscribed connection: confirmations and messages (see subscribe()).
    std::function<void(const RedisReply&)> on_subscription_reply;
  };

  // `strand` must serialise handlers (a strand, or the io_context's executor when one
  // thread runs it); every member except is_connected() runs on it.
  static std::shared_ptr<RedisConnection> create(boost::asio::any_io_executor strand,
                                                 RedisEndpoint endpoint, RedisOptions options,
                                                 std::string name, Listener listener);
  ~RedisConnection();

  // Begins connecting (posted to the strand). Call once.
  void start();
  // Frees the context (pending callbacks run with null replies), cancels timers, stops
  // reconnecting and forgets the listener. Idempotent. On the strand.
  void stop();

  // The context to queue a command on, or null when commands should fail fast: connected,
  // or the first attempt after start or after a drop is still connecting (hiredis buffers
  // the command until the socket is up). Once an attempt failed, null until one succeeds.
  redisAsyncContext* command_context() const;
  // Does start()'s work now if its posted handler has not run yet: a command that reaches
  // the connection first (dispatched inline on the io_context's only thread) still finds a
  // context. On the strand.
  void ensure_started();
  // Queues `args` (binary-safe) with `callback(context, reply, privdata)`. False if the
  // context refused it; then the callback will never run.
  bool send(const std::vector<std::string>& args, ReplyCallback callback, void* privdata);
  // Queues SUBSCRIBE for `channels`; confirmations and messages go to
  // Listener::on_subscription_reply. Call from on_context_created. False if refused.
  bool subscribe(const std::vector<std::string>& channels);

  // Outcome of one command, for the unresponsive-server rule (RedisOptions): any reply,
  // even a late one, shows the server is alive; enough timeouts in a row drop the
  // connection so later commands fail fast instead of each waiting out its deadline.
  void note_reply();
  void note_timeout();

  // Safe from any thread.
  bool is_connected() const { return connected_.load(std::memory_order_acquire); }
  const boost::asio::any_io_executor& strand() const { return strand_; }

  RedisConnection(boost::asio::any_io_executor strand, RedisEndpoint endpoint, RedisOptions options,
                  std::string name, Listener listener);

 private:
  enum class State { kIdle, kResolving, kConnecting, kConnected, kWaiting, kStopped };

  void resolve();
  void arm_connect_timer();
  void ask_sentinels();
  void open_context(const std::string& address, std::uint16_t port);
  void mark_connected();
  void lost(const std::string& reason, bool unresponsive);
  void on_connect_timeout(std::uint64_t attempt);
  void attempt_failed(const std::string& reason);
  void schedule_reconnect(std::chrono::milliseconds delay);

  static void handle_connect(const redisAsyncContext* context, int status);
  static void handle_disconnect(const redisAsyncContext* context, int status);
  static void handle_setup_reply(redisAsyncContext* context, void* reply, void* privdata);
  static void handle_role_reply(redisAsyncContext* context, void* reply, void* privdata);
  static void handle_subscription_reply(redisAsyncContext* context, void* reply, void* privdata);

  boost::asio::any_io_executor strand_;
  RedisEndpoint endpoint_;
  RedisOptions options_;
  std::string name_;
  Listener listener_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::steady_timer connect_timer_;
  boost::asio::steady_timer reconnect_timer_;
  std::string resolved_address_;  // last address the host resolved to
  redisAsyncContext* context_ = nullptr;
  State state_ = State::kIdle;
  int failures_ = 0;  // consecutive failed attempts; 0 after a success
  int consecutive_timeouts_ = 0;
  std::uint64_t attempt_ = 0;  // tags timer handlers with the attempt they belong to
  std::atomic<bool> connected_{false};
  // Sentinel mode: the server we reached answered ROLE with something other than master
  // (a stale answer during a failover); the drop that follows counts as a failed attempt.
  bool wrong_role_ = false;
};

}  // namespace phonebill::cache::detail
