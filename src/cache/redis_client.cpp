// RedisClient over one RedisConnection. A command hops onto the connection's strand
// (co_spawn; it runs inline when one thread runs the io_context: RedisOptions::
// one_io_thread), queues itself in hiredis with a weak token to its PendingCommand, and
// waits on a per-command timer set to its deadline: the reply callback stores the
// result and cancels the timer, the deadline simply fires it. One wait, so the caller
// resumes exactly once whichever comes first; a late reply finds the token expired.
#include "cache/redis_client.hpp"

#include <hiredis/async.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cache/redis_connection.hpp"
#include "cache/redis_reply_conversion.hpp"
#include "tracing/hand_over.hpp"
#include "tracing/span.hpp"

namespace phonebill::cache {
namespace {

namespace asio = boost::asio;
using detail::RedisConnection;

struct PendingCommand {
  explicit PendingCommand(const asio::any_io_executor& strand) : timer(strand) {}
  asio::steady_timer timer;
  std::optional<RedisResult<RedisReply>> result;
};

using PendingToken = std::weak_ptr<PendingCommand>;

// hiredis calls this exactly once per queued command: with the reply, or with null when
// the context is freed. It runs on the strand, inside hiredis, so it only records.
void on_command_reply(redisAsyncContext* context, void* reply, void* privdata) {
  std::unique_ptr<PendingToken> token{static_cast<PendingToken*>(privdata)};
  if (reply != nullptr) static_cast<RedisConnection*>(context->data)->note_reply();
  auto pending = token->lock();
  if (pending == nullptr || pending->result) return;  // the caller already gave up
  pending->result = detail::convert_reply(static_cast<const redisReply*>(reply));
  pending->timer.cancel();
}

// The strand side of command(); see the file comment.
asio::awaitable<RedisResult<RedisReply>> execute(std::shared_ptr<RedisConnection> connection,
                                                 std::vector<std::string> args, Deadline deadline) {
  if (args.empty()) co_return RedisError{RedisErrorKind::kServer, "empty command"};
  if (std::chrono::steady_clock::now() >= deadline)
    co_return RedisError{RedisErrorKind::kTimeout, args.front() + ": deadline already passed"};
  // co_spawn dispatches: on the connection's own executor this can run before the posted
  // start(), which would leave no context yet.
  connection->ensure_started();
  if (connection->command_context() == nullptr)
    co_return RedisError{RedisErrorKind::kDisconnected, "redis is unavailable"};

  auto pending = std::make_shared<PendingCommand>(connection->strand());
  auto token = std::make_unique<PendingToken>(pending);
  if (!connection->send(args, &on_command_reply, token.get()))
    co_return RedisError{RedisErrorKind::kDisconnected, "redis refused the command"};
  token.release();  // hiredis's now: on_command_reply deletes it

  pending->timer.expires_at(deadline);
  auto [error] = co_await pending->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  if (pending->result) co_return std::move(*pending->result);
  if (error == asio::error::operation_aborted)
    co_return RedisError{RedisErrorKind::kTimeout, args.front() + ": cancelled"};
  connection->note_timeout();
  co_return RedisError{RedisErrorKind::kTimeout, args.front() + ": timed out"};
}

RedisError unexpected_reply(std::string_view command, const RedisReply& reply) {
  return RedisError{RedisErrorKind::kServer,
                    std::string{command} + ": unexpected reply " + describe(reply)};
}

// The integer reply of `args`, or an error naming `name`.
asio::awaitable<RedisResult<std::int64_t>> integer_command(RedisClient& client,
                                                           std::vector<std::string> args,
                                                           Deadline deadline) {
  std::string name = args.front();
  auto reply = co_await client.command(std::move(args), deadline);
  if (!reply) co_return reply.error();
  if (!reply->is_integer()) co_return unexpected_reply(name, *reply);
  co_return reply->integer();
}

}  // namespace

RedisClient::RedisClient(asio::io_context& io, std::string_view url, RedisOptions options)
    : RedisClient(io, require_redis_url(url), options) {}

namespace {

// The executor that serialises the connection's handlers: the io_context's own when one
// thread runs it (nothing runs concurrently there), else a strand.
asio::any_io_executor connection_executor(asio::io_context& io, const RedisOptions& options) {
  if (options.one_io_thread) return io.get_executor();
  return asio::make_strand(io);
}

}  // namespace

RedisClient::RedisClient(asio::io_context& io, RedisEndpoint endpoint, RedisOptions options)
    : io_(io),
      inline_commands_(options.one_io_thread),
      connection_(RedisConnection::create(connection_executor(io, options), std::move(endpoint),
                                          options, "client", {})) {
  connection_->start();
}

RedisClient::~RedisClient() {
  asio::post(connection_->strand(), [connection = connection_] { connection->stop(); });
}

bool RedisClient::is_connected() const { return connection_->is_connected(); }

asio::awaitable<RedisResult<RedisReply>> RedisClient::command(std::vector<std::string> args,
                                                              Deadline deadline) {
  auto connection = connection_;
  // A span when a request handed its context over (tracing/hand_over.hpp): the command's
  // name only, never its keys or values (they hold line numbers and tokens).
  tracing::Span span;
  if (auto parent = tracing::take_handed_over(); parent && !args.empty()) {
    span = tracing::Span::child("redis " + args.front(), tracing::SpanKind::kClient, *parent);
    span.set_attribute("db.system.name", std::string{"redis"});
    span.set_attribute("db.operation.name", args.front());
  }
  // On the io_context's only thread nothing else can touch the connection meanwhile: run
  // the command here. Otherwise hop onto the connection's strand for it, and back.
  std::optional<RedisResult<RedisReply>> result;
  if (inline_commands_ && io_.get_executor().running_in_this_thread()) {
    result.emplace(co_await execute(connection, std::move(args), deadline));
  } else {
    result.emplace(co_await asio::co_spawn(
        connection->strand(), execute(connection, std::move(args), deadline), asio::use_awaitable));
  }
  if (!*result) span.set_error(std::string{to_string(result->error().kind)});
  co_return std::move(*result);
}

// ---- helpers ------------------------------------------------------------------------------

asio::awaitable<RedisResult<std::optional<std::string>>> RedisClient::get(std::string_view key,
                                                                          Deadline deadline) {
  auto reply = co_await command(redis_args("GET", key), deadline);
  if (!reply) co_return reply.error();
  if (reply->is_nil()) co_return std::optional<std::string>{};
  if (reply->is_string()) co_return std::optional<std::string>{reply->take_text()};
  co_return unexpected_reply("GET", *reply);
}

asio::awaitable<RedisResult<void>> RedisClient::set(std::string_view key, std::string_view value,
                                                    std::chrono::milliseconds ttl,
                                                    Deadline deadline) {
  auto args = redis_args("SET", key, value);
  if (ttl.count() > 0) args.insert(args.end(), {"PX", std::to_string(ttl.count())});
  auto reply = co_await command(std::move(args), deadline);
  if (!reply) co_return reply.error();
  if (!reply->is_status()) co_return unexpected_reply("SET", *reply);
  co_return boost::system::in_place_value;
}

asio::awaitable<RedisResult<bool>> RedisClient::set_if_absent(std::string_view key,
                                                              std::string_view value,
                                                              std::chrono::milliseconds ttl,
                                                              Deadline deadline) {
  auto args = redis_args("SET", key, value, "NX");
  if (ttl.count() > 0) args.insert(args.end(), {"PX", std::to_string(ttl.count())});
  auto reply = co_await command(std::move(args), deadline);
  if (!reply) co_return reply.error();
  if (reply->is_status()) co_return true;
  if (reply->is_nil()) co_return false;
  co_return unexpected_reply("SET NX", *reply);
}

asio::awaitable<RedisResult<std::int64_t>> RedisClient::del(std::string_view key,
                                                            Deadline deadline) {
  co_return co_await integer_command(*this, redis_args("DEL", key), deadline);
}

asio::awaitable<RedisResult<std::int64_t>> RedisClient::incr(std::string_view key,
                                                             Deadline deadline) {
  co_return co_await integer_command(*this, redis_args("INCR", key), deadline);
}

asio::awaitable<RedisResult<std::int64_t>> RedisClient::incrby(std::string_view key,
                                                               std::int64_t increment,
                                                               Deadline deadline) {
  co_return co_await integer_command(*this, redis_args("INCRBY", key, increment), deadline);
}

asio::awaitable<RedisResult<bool>> RedisClient::expire(std::string_view key,
                                                       std::chrono::milliseconds ttl,
                                                       Deadline deadline) {
  auto reply = co_await integer_command(*this, redis_args("PEXPIRE", key, ttl.count()), deadline);
  if (!reply) co_return reply.error();
  co_return *reply == 1;
}

asio::awaitable<RedisResult<RedisReply>> RedisClient::eval(std::string_view script,
                                                           std::vector<std::string> keys,
                                                           std::vector<std::string> args,
                                                           Deadline deadline) {
  auto command_args = redis_args("EVAL", script, keys.size());
  command_args.reserve(3 + keys.size() + args.size());
  for (auto& key : keys) command_args.push_back(std::move(key));
  for (auto& arg : args) command_args.push_back(std::move(arg));
  co_return co_await command(std::move(command_args), deadline);
}

asio::awaitable<RedisResult<std::int64_t>> RedisClient::publish(std::string_view channel,
                                                                std::string_view message,
                                                                Deadline deadline) {
  co_return co_await integer_command(*this, redis_args("PUBLISH", channel, message), deadline);
}

}  // namespace phonebill::cache
