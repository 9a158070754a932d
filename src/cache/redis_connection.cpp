// One self-healing hiredis connection. Life of an attempt: resolve (Asio's resolver, so
// a DNS lookup never blocks the loop) → redisAsyncConnect to the first address → attach
// the Asio adapter → queue AUTH/SELECT → connect callback. Any failure, a connect that
// outlives options.connect_timeout, or a later drop schedules the next attempt after
// reconnect_delay(); a success resets the backoff.
#include "cache/redis_connection.hpp"

#include <hiredis/async.h>

#include <boost/asio/post.hpp>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "cache/redis_asio_adapter.hpp"
#include "cache/redis_reply_conversion.hpp"
#include "cache/redis_sentinel.hpp"
#include "core/log.hpp"

namespace phonebill::cache::detail {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// TCP keepalive: probe after 5 s idle, every 1 s, give up after 3 misses. A peer that
// vanished without a FIN or RST (host down, partition) is noticed in about 8 s even on
// an idle connection, which matters most for a subscriber: it sends nothing, and
// hiredis 0.14.1 cannot route a PING reply on a subscribed connection reliably.
constexpr int kKeepaliveIdleSeconds = 5;
constexpr int kKeepaliveIntervalSeconds = 1;
constexpr int kKeepaliveProbes = 3;

void enable_keepalive(int fd) {
  int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &kKeepaliveIdleSeconds, sizeof(int));
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &kKeepaliveIntervalSeconds, sizeof(int));
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &kKeepaliveProbes, sizeof(int));
}

}  // namespace

std::shared_ptr<RedisConnection> RedisConnection::create(asio::any_io_executor strand,
                                                         RedisEndpoint endpoint,
                                                         RedisOptions options, std::string name,
                                                         Listener listener) {
  return std::make_shared<RedisConnection>(std::move(strand), std::move(endpoint), options,
                                           std::move(name), std::move(listener));
}

RedisConnection::RedisConnection(asio::any_io_executor strand, RedisEndpoint endpoint,
                                 RedisOptions options, std::string name, Listener listener)
    : strand_(std::move(strand)),
      endpoint_(std::move(endpoint)),
      options_(options),
      name_(std::move(name)),
      listener_(std::move(listener)),
      resolver_(strand_),
      connect_timer_(strand_),
      reconnect_timer_(strand_) {}

RedisConnection::~RedisConnection() {
  // Reached without stop() only when the io_context is torn down with us in its queues.
  state_ = State::kStopped;
  listener_ = {};
  if (auto* context = std::exchange(context_, nullptr)) redisAsyncFree(context);
}

void RedisConnection::start() {
  asio::post(strand_, [self = shared_from_this()] { self->ensure_started(); });
}

void RedisConnection::ensure_started() {
  if (state_ == State::kIdle) resolve();
}

void RedisConnection::stop() {
  if (state_ == State::kStopped) return;
  state_ = State::kStopped;
  connected_.store(false, std::memory_order_release);
  resolver_.cancel();
  connect_timer_.cancel();
  reconnect_timer_.cancel();
  // Free first, forget the listener after: pending callbacks still get their null replies.
  if (auto* context = std::exchange(context_, nullptr)) redisAsyncFree(context);
  listener_ = {};
}

redisAsyncContext* RedisConnection::command_context() const {
  if (state_ == State::kConnected) return context_;
  if (state_ == State::kConnecting && failures_ == 0) return context_;
  return nullptr;
}

bool RedisConnection::send(const std::vector<std::string>& args, ReplyCallback callback,
                           void* privdata) {
  if (context_ == nullptr || args.empty()) return false;
  // hiredis wants two arrays: on the stack for the usual few arguments (every command of
  // a request path), on the heap only for long ones (EVAL with many keys, SUBSCRIBE).
  constexpr std::size_t kOnStack = 8;
  std::array<const char*, kOnStack> stack_pointers;
  std::array<std::size_t, kOnStack> stack_lengths;
  std::vector<const char*> heap_pointers;
  std::vector<std::size_t> heap_lengths;
  const char** pointers = stack_pointers.data();
  std::size_t* lengths = stack_lengths.data();
  if (args.size() > kOnStack) {
    heap_pointers.resize(args.size());
    heap_lengths.resize(args.size());
    pointers = heap_pointers.data();
    lengths = heap_lengths.data();
  }
  for (std::size_t index = 0; index < args.size(); ++index) {
    pointers[index] = args[index].data();
    lengths[index] = args[index].size();
  }
  return redisAsyncCommandArgv(context_, callback, privdata, static_cast<int>(args.size()),
                               pointers, lengths) == REDIS_OK;
}

bool RedisConnection::subscribe(const std::vector<std::string>& channels) {
  std::vector<std::string> args{"SUBSCRIBE"};
  args.insert(args.end(), channels.begin(), channels.end());
  return send(args, &RedisConnection::handle_subscription_reply, this);
}

void RedisConnection::handle_subscription_reply(redisAsyncContext*, void* reply, void* privdata) {
  // Null replies come once per channel when the context is freed: the disconnect
  // callback reports that, so they carry nothing here.
  auto* self = static_cast<RedisConnection*>(privdata);
  if (reply == nullptr || !self->listener_.on_subscription_reply) return;
  self->listener_.on_subscription_reply(copy_reply(*static_cast<redisReply*>(reply)));
}

// ---- connecting -------------------------------------------------------------------------

void RedisConnection::resolve() {
  state_ = State::kResolving;
  ++attempt_;
  if (!endpoint_.sentinels.empty()) return ask_sentinels();
  arm_connect_timer();
  // An IP literal needs no lookup, and after a clean drop the last address is reused, so
  // the context exists at once and early commands can queue on it. A failed attempt
  // looks the name up again in case the server moved.
  error_code literal_error;
  auto literal = asio::ip::make_address(endpoint_.host, literal_error);
  if (!literal_error) resolved_address_ = literal.to_string();
  if (!resolved_address_.empty() && (failures_ == 0 || !literal_error))
    return open_context(resolved_address_, endpoint_.port);

  resolver_.async_resolve(
      endpoint_.host, std::to_string(endpoint_.port),
      [self = shared_from_this(), attempt = attempt_](
          error_code error, const asio::ip::tcp::resolver::results_type& results) {
        if (self->state_ != State::kResolving || self->attempt_ != attempt) return;
        if (error || results.empty()) {
          self->attempt_failed("resolve " + self->endpoint_.host + ": " + error.message());
          return;
        }
        self->resolved_address_ = results.begin()->endpoint().address().to_string();
        self->open_context(self->resolved_address_, self->endpoint_.port);
      });
}

void RedisConnection::arm_connect_timer() {
  connect_timer_.expires_after(options_.connect_timeout);
  connect_timer_.async_wait([self = shared_from_this(), attempt = attempt_](error_code error) {
    if (!error) self->on_connect_timeout(attempt);
  });
}

// Sentinel mode: every attempt asks the sentinels first (each within connect_timeout),
// so a reconnect after the master died reaches whichever replica they promoted. The
// connect timer covers the connect to the master, once its address is known.
void RedisConnection::ask_sentinels() {
  ask_sentinels_for_master(strand_, endpoint_, options_.connect_timeout,
                           [self = shared_from_this(), attempt = attempt_](SentinelAnswer answer) {
                             if (self->state_ != State::kResolving || self->attempt_ != attempt)
                               return;
                             if (!answer.master)
                               return self->attempt_failed("sentinels: " + answer.reason);
                             self->arm_connect_timer();
                             self->open_context(answer.master->host, answer.master->port);
                           });
}

void RedisConnection::open_context(const std::string& address, std::uint16_t port) {
  wrong_role_ = false;
  redisAsyncContext* context = redisAsyncConnect(address.c_str(), port);
  if (context == nullptr) return attempt_failed("out of memory");
  if (context->err != 0) {
    std::string reason = context->c.errstr;
    redisAsyncFree(context);
    return attempt_failed(reason);
  }
  context->data = this;
  enable_keepalive(context->c.fd);
  if (!attach_asio_adapter(context, strand_)) {
    redisAsyncFree(context);
    return attempt_failed("cannot watch the socket");
  }
  context_ = context;
  state_ = State::kConnecting;
  redisAsyncSetConnectCallback(context, &RedisConnection::handle_connect);
  redisAsyncSetDisconnectCallback(context, &RedisConnection::handle_disconnect);
  // hiredis sends these first, so every later command runs authenticated on the right db.
  static const char* const kAuth = "AUTH";
  static const char* const kSelect = "SELECT";
  if (!endpoint_.password.empty()) {
    std::vector<std::string> auth{"AUTH"};
    if (!endpoint_.username.empty()) auth.push_back(endpoint_.username);
    auth.push_back(endpoint_.password);
    send(auth, &RedisConnection::handle_setup_reply, const_cast<char*>(kAuth));
  }
  if (endpoint_.database != 0)
    send({"SELECT", std::to_string(endpoint_.database)}, &RedisConnection::handle_setup_reply,
         const_cast<char*>(kSelect));
  // Sentinel mode: make sure the sentinels' answer was not stale (queued before anything
  // else the owner sends; see handle_role_reply).
  if (!endpoint_.sentinels.empty()) send({"ROLE"}, &RedisConnection::handle_role_reply, this);
  if (listener_.on_context_created) listener_.on_context_created(*this);
}

void RedisConnection::handle_connect(const redisAsyncContext* context, int status) {
  auto* self = static_cast<RedisConnection*>(context->data);
  if (self == nullptr || self->context_ != context) return;
  if (status != REDIS_OK) {
    // hiredis frees this context once we return; forget it without touching it again.
    std::string reason = context->c.errstr;
    self->context_ = nullptr;
    self->attempt_failed(reason);
    return;
  }
  self->mark_connected();
}

void RedisConnection::mark_connected() {
  state_ = State::kConnected;
  failures_ = 0;
  connect_timer_.cancel();
  connected_.store(true, std::memory_order_release);
  log::info("redis_connected", {{"connection", name_}, {"endpoint", describe(endpoint_)}});
  if (listener_.on_connected) listener_.on_connected();
}

void RedisConnection::on_connect_timeout(std::uint64_t attempt) {
  if (attempt != attempt_ || (state_ != State::kResolving && state_ != State::kConnecting)) return;
  resolver_.cancel();
  // Not inside a hiredis callback here, so the free is immediate: queued commands get
  // their null replies now, and no disconnect callback runs (never connected).
  if (auto* context = std::exchange(context_, nullptr)) redisAsyncFree(context);
  attempt_failed("connect timed out");
}

void RedisConnection::attempt_failed(const std::string& reason) {
  ++failures_;
  state_ = State::kWaiting;
  connected_.store(false, std::memory_order_release);
  connect_timer_.cancel();
  auto delay = reconnect_delay(options_, failures_);
  // One warning per outage, then quiet until it recovers.
  if (failures_ == 1)
    log::warn("redis_connect_failed",
              {{"connection", name_}, {"endpoint", describe(endpoint_)}, {"reason", reason}});
  schedule_reconnect(delay);
}

void RedisConnection::schedule_reconnect(std::chrono::milliseconds delay) {
  reconnect_timer_.expires_after(delay);
  reconnect_timer_.async_wait([self = shared_from_this()](error_code error) {
    if (!error && self->state_ == State::kWaiting) self->resolve();
  });
}

// ---- losing the connection ----------------------------------------------------------------

void RedisConnection::handle_disconnect(const redisAsyncContext* context, int) {
  auto* self = static_cast<RedisConnection*>(context->data);
  // Our own redisAsyncFree (stop, timeout, destructor) cleared context_ first: not news.
  if (self == nullptr || self->context_ != context) return;
  self->context_ = nullptr;
  self->lost(context->c.errstr[0] != '\0' ? context->c.errstr : "closed",
             std::exchange(self->wrong_role_, false));
}

void RedisConnection::lost(const std::string& reason, bool unresponsive) {
  log::warn("redis_disconnected",
            {{"connection", name_}, {"endpoint", describe(endpoint_)}, {"reason", reason}});
  state_ = State::kWaiting;
  connected_.store(false, std::memory_order_release);
  consecutive_timeouts_ = 0;
  // After a plain drop the first attempt queues commands (failures_ stays 0): a restarted
  // server is usually back at once. A server that stopped answering is not trusted that
  // far. The delay keeps a server that accepts and drops at once from spinning us.
  if (unresponsive) ++failures_;
  schedule_reconnect(reconnect_delay(options_, std::max(failures_, 1)));
  if (listener_.on_disconnected) listener_.on_disconnected();
}

void RedisConnection::note_reply() { consecutive_timeouts_ = 0; }

void RedisConnection::note_timeout() {
  if (state_ != State::kConnected || options_.unresponsive_after_timeouts <= 0) return;
  if (++consecutive_timeouts_ < options_.unresponsive_after_timeouts) return;
  // Not inside a hiredis callback: the free is immediate, the commands still waiting get
  // their null replies (kDisconnected) now, and handle_disconnect ignores this context.
  auto* context = std::exchange(context_, nullptr);
  redisAsyncFree(context);
  lost(std::to_string(consecutive_timeouts_) + " commands in a row timed out", true);
}

void RedisConnection::handle_setup_reply(redisAsyncContext*, void* reply, void* privdata) {
  auto* redis_reply = static_cast<redisReply*>(reply);
  if (redis_reply != nullptr && redis_reply->type == REDIS_REPLY_ERROR)
    log::error("redis_setup_failed", {{"command", static_cast<const char*>(privdata)},
                                      {"reply", std::string(redis_reply->str, redis_reply->len)}});
}

// A server that is not the master (the sentinels answered before a failover finished, or
// it was demoted) is left at once; the reconnect asks the sentinels again. A null reply
// means the context is going away: nothing to check, and `privdata` may be dying.
void RedisConnection::handle_role_reply(redisAsyncContext* context, void* reply, void* privdata) {
  auto* redis_reply = static_cast<redisReply*>(reply);
  if (redis_reply == nullptr) return;
  bool master =
      redis_reply->type == REDIS_REPLY_ARRAY && redis_reply->elements > 0 &&
      redis_reply->element[0]->type == REDIS_REPLY_STRING &&
      std::string_view(redis_reply->element[0]->str, redis_reply->element[0]->len) == "master";
  if (master) return;
  auto* self = static_cast<RedisConnection*>(privdata);
  log::warn("redis_not_master",
            {{"connection", self->name_}, {"endpoint", describe(self->endpoint_)}});
  self->wrong_role_ = true;
  // Allowed inside a reply callback: hiredis disconnects once the callback returns, and
  // handle_disconnect schedules the next attempt.
  redisAsyncDisconnect(context);
}

}  // namespace phonebill::cache::detail
