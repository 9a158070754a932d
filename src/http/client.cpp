// Beast implementation of HttpClient; see client.hpp for the contract.
#include "http/client.hpp"

#include "core/base_url.hpp"
#include "core/free_memory.hpp"
#include "core/light_mutex.hpp"
#include "core/same_text.hpp"
#include "http/answer_parser.hpp"
#include "http/completion_token.hpp"
#include "http/connection_deadline.hpp"
#include "http/recycled_blocks.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstddef>
#include <deque>
#include <iterator>
#include <mutex>
#include <tuple>
#include <vector>

namespace phonebill::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

std::string_view ClientResponse::header(std::string_view lowercase_name) const {
  for (const auto& [name, value] : headers)
    if (name == lowercase_name) return value;
  return {};
}

bool is_idempotent_method(std::string_view method) {
  return is_exactly(method, "GET") || is_exactly(method, "HEAD") || is_exactly(method, "PUT") ||
         is_exactly(method, "DELETE") || is_exactly(method, "OPTIONS") ||
         is_exactly(method, "TRACE");
}

namespace {
// A plain socket, not beast::tcp_stream: that arms and cancels a timer around every read
// and write (issue 17: a tenth of the gateway's CPU went to timers and clock reads). The
// client's watchdog (HttpClient::Impl::watch) closes a busy connection once `deadline`
// has passed instead.
struct PooledConnection {
  explicit PooledConnection(asio::io_context& io) : socket(io) {}
  tcp::socket socket;
  // A block kept between calls (send reserves it); its pages go back to the system while
  // the process is quiet (HttpClient::release_idle_buffers).
  beast::flat_buffer buffer;
  std::chrono::steady_clock::time_point idle_since;
  ConnectionDeadline deadline;  // the current call's
  // The rest is guarded by Impl::idle_mutex.
  asio::any_io_executor caller;  // the current call's executor: the watchdog closes there
  std::uint64_t call = 0;        // counts the calls that used it: a late close misses a new one
  std::size_t busy_slot = 0;     // its index in Impl::busy while a call uses it
  bool busy = false;
  bool expiring = false;   // the watchdog has posted its close for this call
  bool timed_out = false;  // the watchdog closed it: the call's error is a timeout
};

// The answer's parser and the ClientResponse it parses into. Not kept per pooled
// connection: a call takes one from its thread's cache once the answer's first bytes are
// in and gives it back before it ends, so a call waiting on its upstream holds none, and
// the parser an answer fills is the one this thread's previous answer used, still in the
// CPU's caches. One per connection was built when the request went out and filled when
// the answer came, with hundreds of other requests in between at 1,000 connections: its
// lines had left the caches each time (issue 17, session 15). Not in the sending
// coroutine's frame either: Asio recycles frames of at most 1,020 bytes only.
struct AnswerParsing {
  ClientResponse answer;  // moved out to the caller (take_response)
  std::optional<AnswerParser> parser;

  AnswerParser& start(bool (*keep_header)(std::string_view), std::size_t header_room) {
    parser.reset();
    answer = ClientResponse{};
    return parser.emplace(answer, keep_header, header_room);
  }
};

// Bounded like the server's caches: as many as answers are parsed at once on a thread
// (one, unless answers arrive in pieces).
using AnswerParsingCache = ObjectCache<AnswerParsing, 16>;

// Gives an AnswerParsing back to its thread's cache, its parser gone, and the answer of a
// call that failed midway too (a cached one would hold its body until the next answer).
struct AnswerParsingRelease {
  void operator()(AnswerParsing* parsing) const noexcept {
    parsing->parser.reset();
    parsing->answer = ClientResponse{};
    AnswerParsingCache::give_back(parsing);
  }
};
using AnswerParsingPointer = std::unique_ptr<AnswerParsing, AnswerParsingRelease>;

// The least a read of the answer asks for (as Beast's reads).
constexpr std::size_t kLeastRead = 512;

// Feeds what `buffer` holds to `parser`, consuming what it takes, until the answer is
// complete or the parser needs bytes that have not arrived (not an error here: the caller
// reads on).
void parse_buffered(AnswerParser& parser, beast::flat_buffer& buffer,
                    boost::system::error_code& error) {
  parser.eager(true);
  while (buffer.size() != 0 && !parser.is_done()) {
    auto used = parser.put(buffer.data(), error);
    buffer.consume(used);
    if (error == bhttp::error::need_more) {
      error.clear();
      return;
    }
    if (error || used == 0) return;
  }
}

// What of a ClientRequest shapes the answer's copy (ClientRequest's fields of the same names).
struct AnswerFilter {
  bool (*keep_response_header)(std::string_view lowercase_name) = nullptr;
  std::size_t response_header_room = 0;
};

// One call as Impl::send needs it: the request's head already rendered and the little
// else the exchange reads, instead of the whole ClientRequest (its strings and lists, in
// the coroutine's frame: issue 17 item 2, frames past 1,020 bytes are a malloc each).
struct Call {
  std::string head;
  std::string body;
  AnswerFilter filter;
  bool idempotent = false;
  bool head_request = false;  // HEAD: the answer announces a length but carries no body
};

// Drops the first `written` bytes of a request's buffers (what a write already took).
void skip_written(std::array<asio::const_buffer, 2>& buffers, std::size_t written) {
  for (auto& buffer : buffers) {
    auto taken = std::min(written, buffer.size());
    buffer += taken;
    written -= taken;
  }
}

// Whether a call may go out again on a fresh connection: its connection was `stale` (a
// reused one the peer had closed) and no byte of it was `sent`, or it is `idempotent`.
bool may_retry(bool stale, bool sent, bool idempotent) { return stale && (!sent || idempotent); }

ClientError timeout_error(bool sent) {
  return {ClientErrorKind::kTimeout, "deadline exceeded", sent};
}

// The longest sleep of the client's watchdog (HttpClient::Impl::watch).
constexpr auto kWatchAtMost = std::chrono::seconds{1};

// The parsed answer, moved into `response`; whether the connection may carry another
// request. The parser's keep_alive(): an answer framed by the end of the stream (no
// length) leaves the connection closed, whatever its head says.
bool take_response(AnswerParsing& parsing, std::optional<ClientResponse>& response) {
  bool keep_alive = parsing.parser->keep_alive();
  response.emplace(std::move(parsing.answer));
  return keep_alive;
}

// A request's Content-Type when it names none.
constexpr std::string_view kDefaultContentType = "application/json";

// A pooled connection idle for less than this is reused by a request that may be sent
// twice without asking the kernel first (see still_usable).
constexpr auto kUncheckedReuseWindow = std::chrono::seconds{1};

// Whether an idle pooled connection can still carry a request: the peer has not closed
// it (a FIN waits to be read) and sent nothing unasked. Checked before reuse so a
// connection the server closed while idle is never written to; writing to it would leave
// a non-idempotent request in doubt. The check is a recv(MSG_PEEK) that finds nothing on
// a healthy connection: one failed system call per proxied request (issue 17, a fifth of
// the gateway's). A request that may be sent twice (`replayable`) skips it on a connection
// idle for less than kUncheckedReuseWindow: no idle timeout closes a connection that
// soon, and one the peer closed anyway (a restart) fails with nothing answered and is
// replaced by a fresh connection (send's stale retry).
bool still_usable(PooledConnection& connection, bool replayable,
                  std::chrono::steady_clock::time_point now) {
  if (connection.buffer.size() != 0) return false;  // bytes beyond the last answer
  auto& socket = connection.socket;
  if (replayable && now - connection.idle_since < kUncheckedReuseWindow) return socket.is_open();
  if (!socket.is_open()) return false;
  char byte = 0;
  auto received = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (received == 0) return false;  // orderly close by the peer
  if (received > 0) return false;   // an answer nobody asked for: out of step
  return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
}
}  // namespace

struct HttpClient::Impl {
  Impl(asio::io_context& io_context, ClientOptions client_options)
      : io(io_context),
        options(std::move(client_options)),
        host_header(authority(options.host, options.port)),
        watch_strand(asio::make_strand(io_context)) {
    auto& pools = registry();
    std::lock_guard lock{pools.mutex};
    pools.members.push_back(this);
  }
  ~Impl() {
    auto& pools = registry();
    std::lock_guard lock{pools.mutex};
    std::erase(pools.members, this);
  }

  // Every pool of the process while it exists, for HttpClient::release_idle_buffers.
  struct Registry {
    LightMutex mutex;
    std::vector<Impl*> members;
  };
  static Registry& registry() {
    static Registry pools;
    return pools;
  }

  // The pages of the idle connections' read buffers go back to the system. The blocks
  // stay with their connections: freed, they would only move to tcmalloc's free lists
  // (core/free_memory.hpp); kept, the next answer on one costs two page faults.
  void release_idle_buffers() {
    std::lock_guard lock{idle_mutex};
    for (auto& connection : idle) {
      auto& buffer = connection->buffer;
      if (buffer.size() != 0 || buffer.capacity() == 0) continue;
      auto block = buffer.prepare(buffer.capacity());  // empty: the whole block, no allocation
      discard_pages(block.data(), block.size());
    }
  }

  asio::io_context& io;
  ClientOptions options;
  std::string host_header;  // "host:port", "[::1]:port"
  mutable LightMutex idle_mutex;
  std::deque<std::shared_ptr<PooledConnection>> idle;
  std::optional<tcp::resolver::results_type> endpoints;  // guarded by idle_mutex
  // The watchdog: connections a call is using, and when the watch wakes next (all guarded
  // by idle_mutex). Shared: a close the watch posted keeps its connection alive.
  std::vector<std::shared_ptr<PooledConnection>> busy;
  bool watching = false;                       // a watch coroutine runs
  std::chrono::steady_clock::time_point watch_wakes;
  asio::steady_timer* watch_timer = nullptr;   // the running watch's, touched on watch_strand
  asio::strand<asio::io_context::executor_type> watch_strand;

  // The most recently used idle connection (warm, least likely closed by the peer);
  // connections idle beyond max_idle_time, which collect at the front, are closed here.
  // `replayable`: the request may be sent twice (see still_usable).
  std::shared_ptr<PooledConnection> take_idle(bool replayable) {
    // Closed outside the lock. A vector: an empty one allocates nothing, where a deque
    // allocates its map and a chunk on construction, on every call.
    std::vector<std::shared_ptr<PooledConnection>> expired;
    std::shared_ptr<PooledConnection> connection;
    {
      std::lock_guard lock{idle_mutex};
      auto now = std::chrono::steady_clock::now();
      auto oldest_allowed = now - options.max_idle_time;
      while (!idle.empty() && idle.front()->idle_since < oldest_allowed) {
        expired.push_back(std::move(idle.front()));
        idle.pop_front();
      }
      while (!idle.empty() && !connection) {
        connection = std::move(idle.back());
        idle.pop_back();
        if (!still_usable(*connection, replayable, now)) expired.push_back(std::move(connection));
      }
    }
    return connection;
  }

  // The watchdog. One coroutine per client, running while calls are in flight: it sleeps
  // until the earliest deadline of the busy connections, then closes (on each call's own
  // executor) those whose deadline has passed; their pending operation then fails and the
  // call reports a timeout. The mechanism is the server's (a ConnectionDeadline per
  // connection, one timer for all of them, the close posted to the owner's executor), but
  // the wake-up is the earliest deadline, not a fixed tick: a call's deadline is exact.
  // A call therefore arms no timer; the watch's timer is re-armed at most about once a
  // second (kWatchAtMost) under load, and moved earlier only for a call whose deadline
  // comes before the watch's next wake-up.

  // Makes `connection` busy for a call with `deadline` on `caller`; under idle_mutex.
  // Says whether the watch must be started, or woken earlier than it planned, for it.
  enum class WatchChange { kNone, kStart, kEarlier };
  WatchChange watch_locked(const std::shared_ptr<PooledConnection>& connection,
                           Deadline deadline, const asio::any_io_executor& caller) {
    connection->deadline = deadline;
    connection->caller = caller;
    ++connection->call;
    connection->busy = true;
    connection->expiring = false;
    connection->timed_out = false;
    connection->busy_slot = busy.size();
    busy.push_back(connection);
    if (!watching) {
      watching = true;
      watch_wakes = std::min(deadline, std::chrono::steady_clock::now() + kWatchAtMost);
      return WatchChange::kStart;
    }
    if (deadline < watch_wakes) {
      watch_wakes = deadline;
      return WatchChange::kEarlier;
    }
    return WatchChange::kNone;
  }

  void unwatch_locked(PooledConnection& connection) {
    if (!connection.busy) return;
    connection.busy = false;
    auto slot = connection.busy_slot;
    if (slot + 1 != busy.size()) {
      busy[slot] = std::move(busy.back());
      busy[slot]->busy_slot = slot;
    }
    busy.pop_back();
  }

  static void apply(std::shared_ptr<Impl> self, WatchChange change) {
    if (change == WatchChange::kStart) {
      asio::co_spawn(self->watch_strand, watch(self), asio::detached);
    } else if (change == WatchChange::kEarlier) {
      asio::post(self->watch_strand, [weak = std::weak_ptr<Impl>{self}] {
        auto impl = weak.lock();
        if (!impl) return;
        std::lock_guard lock{impl->idle_mutex};
        if (impl->watch_timer != nullptr) impl->watch_timer->expires_at(impl->watch_wakes);
      });
    }
  }

  // Registers the call's connection with the watchdog (see above).
  static void start_call(const std::shared_ptr<Impl>& self,
                         const std::shared_ptr<PooledConnection>& connection, Deadline deadline,
                         const asio::any_io_executor& caller) {
    WatchChange change;
    {
      std::lock_guard lock{self->idle_mutex};
      change = self->watch_locked(connection, deadline, caller);
    }
    apply(self, change);
  }

  // Holds only a weak reference between wake-ups: a client destroyed meanwhile is not kept
  // alive (its idle connections close at once); the watch then ends at its next wake-up.
  static asio::awaitable<void> watch(std::shared_ptr<Impl> started_by) {
    std::weak_ptr<Impl> weak = started_by;
    started_by.reset();
    asio::steady_timer timer{co_await asio::this_coro::executor};
    for (;;) {
      {
        auto self = weak.lock();
        if (!self) co_return;
        std::lock_guard lock{self->idle_mutex};
        self->watch_timer = &timer;
        timer.expires_at(self->watch_wakes);
      }
      co_await timer.async_wait(kUseTuple);  // aborted: moved earlier, look again
      auto self = weak.lock();
      if (!self) co_return;
      auto now = std::chrono::steady_clock::now();
      std::lock_guard lock{self->idle_mutex};
      auto earliest = std::chrono::steady_clock::time_point::max();
      for (const auto& connection : self->busy) {
        if (connection->expiring) continue;
        if (connection->deadline.passed(now)) {
          connection->expiring = true;
          asio::post(connection->caller, [weak, connection, call = connection->call] {
            if (auto impl = weak.lock()) impl->expire(*connection, call);
          });
        } else {
          earliest = std::min(earliest, connection->deadline.at());
        }
      }
      if (self->busy.empty()) {
        // Nothing to watch: a new call starts another watch.
        self->watching = false;
        self->watch_timer = nullptr;
        co_return;
      }
      // At least once a second: the watch ends (and its timer stops holding the
      // io_context's run() open) within a second of the last call, without a wake-up
      // posted by every call that leaves it idle.
      self->watch_wakes = std::min(earliest, now + kWatchAtMost);
    }
  }

  // On the call's executor: closes the connection if the call it was posted for still uses
  // it; the call's pending operation then fails and reports a timeout.
  void expire(PooledConnection& connection, std::uint64_t call) {
    std::lock_guard lock{idle_mutex};
    if (!connection.busy || connection.call != call) return;
    connection.timed_out = true;
    boost::system::error_code ignored;
    connection.socket.close(ignored);
  }

  // The end of a call: the connection leaves the watch, and goes back to the pool if
  // `reusable`.
  void finish_call(std::shared_ptr<PooledConnection> connection, bool reusable) {
    if (reusable) connection->idle_since = std::chrono::steady_clock::now();
    std::lock_guard lock{idle_mutex};
    unwatch_locked(*connection);
    if (reusable && !connection->timed_out && idle.size() < options.max_idle_connections)
      idle.push_back(std::move(connection));
  }

  // Connects `connection`; an error (nothing was sent on it) goes to `failure`, not into
  // the caller's frame as an optional of its own. Deadline: the watchdog's.
  asio::awaitable<void> connect(PooledConnection& connection, std::optional<ClientError>& failure) {
    std::optional<tcp::resolver::results_type> known;
    {
      std::lock_guard lock{idle_mutex};
      known = endpoints;
    }
    if (!known) {
      tcp::resolver resolver{io};
      auto [error, results] =
          co_await resolver.async_resolve(options.host, std::to_string(options.port), kUseTuple);
      if (error) {
        failure = ClientError{ClientErrorKind::kConnectFailed, error.message(), false};
        co_return;
      }
      known = results;
      std::lock_guard lock{idle_mutex};
      endpoints = results;
    }
    if (connection.timed_out) {  // the resolve took it all
      failure = timeout_error(false);
      co_return;
    }
    auto [error, endpoint] = co_await asio::async_connect(connection.socket, *known, kDeferredTuple);
    if (connection.timed_out) {
      failure = timeout_error(false);
    } else if (error) {
      failure = ClientError{ClientErrorKind::kConnectFailed, error.message(), false};
    } else {
      boost::system::error_code ignored;
      connection.socket.set_option(tcp::no_delay(true), ignored);
      // send's writes try the socket first and wait only for what it did not take.
      connection.socket.non_blocking(true, ignored);
    }
  }

  // The request line and headers, written by hand (cheaper than Beast's serializer, as in
  // the server). Header lines holding CR or LF are dropped: they could smuggle a request.
  // A proxy's request (header_lines only) is finished in header_lines' own storage, which
  // its builder sized for the whole head: no second string (issue 17).
  std::string request_head(ClientRequest& request) const {
    auto clean = [](std::string_view text) { return !has_line_break(text); };
    std::string_view content_type =
        request.content_type.empty() ? kDefaultContentType : std::string_view{request.content_type};
    bool framed = !request.body.empty() || is_exactly(request.method, "POST") ||
                  is_exactly(request.method, "PUT") || is_exactly(request.method, "PATCH");
    // A view: a ternary of the target and a literal string would copy the target.
    std::string_view target = clean(request.target) ? std::string_view{request.target} : "/";
    char length[24];
    std::string_view length_text{length, std::size_t(std::to_chars(length, length + sizeof length,
                                                                   request.body.size())
                                                         .ptr -
                                                     length)};
    // Everything before the header fields, in the order written.
    std::array<std::string_view, 10> opening{request.method, " ", target, " HTTP/1.1\r\nHost: ",
                                             host_header};
    std::size_t pieces = 5;
    if (framed) {
      if (clean(content_type)) {
        opening[pieces++] = "\r\nContent-Type: ";
        opening[pieces++] = content_type;
      }
      opening[pieces++] = "\r\nContent-Length: ";
      opening[pieces++] = length_text;
    }
    std::size_t opening_size = 0;
    for (std::size_t i = 0; i < pieces; ++i) opening_size += opening[i].size();

    char opening_text[512];
    if (request.headers.empty() && !request.header_lines.empty() &&
        opening_size <= sizeof opening_text &&
        request.header_lines.capacity() >= request.header_lines.size() + opening_size + 4) {
      char* out = opening_text;
      for (std::size_t i = 0; i < pieces; ++i)
        out = std::copy(opening[i].begin(), opening[i].end(), out);
      std::string head = std::move(request.header_lines);
      head.insert(0, opening_text, opening_size);  // the room is there: no reallocation
      head.append("\r\n\r\n");
      return head;
    }
    std::size_t size = opening_size + 4 + request.header_lines.size();
    for (const auto& [name, value] : request.headers) size += name.size() + value.size() + 4;
    std::string head;
    head.reserve(size);  // once: a forwarded bearer token alone outgrows any guess
    for (std::size_t i = 0; i < pieces; ++i) head.append(opening[i]);
    for (const auto& [name, value] : request.headers) append_header_line(head, name, value);
    head.append(request.header_lines);
    head.append("\r\n\r\n");
    return head;
  }

  // The whole call in one coroutine (the exchange is not a coroutine of its own: every
  // nested frame is an allocation once Asio's two-frame cache per thread is in use), with
  // one exit: each `co_return ClientResult{...}` was a temporary of its own in the frame.
  // `self` keeps the pool alive for the duration of the call.
  static asio::awaitable<ClientResult> send(std::shared_ptr<Impl> self, Call call,
                                            Deadline deadline) {
    ClientResult result;
    bool sent = false;  // any byte of this request written, on any connection
    auto caller = co_await asio::this_coro::executor;

    for (int attempt = 0; attempt < 2; ++attempt) {
      // The second attempt follows a stale pooled connection: a fresh one, not another
      // pooled one of the same age.
      auto connection = attempt == 0 ? self->take_idle(call.idempotent) : nullptr;
      bool reused = connection != nullptr;
      if (!connection) connection = std::make_shared<PooledConnection>(self->io);
      // Every path below ends the call with finish_call: the connection leaves the watch.
      start_call(self, connection, deadline, caller);
      if (!reused) {
        co_await self->connect(*connection, result.error);
        if (result.error) {
          self->finish_call(std::move(connection), false);
          result.error->request_sent = sent;  // a failed replacement does not unsend the first
          break;                              // write
        }
      }
      // A reused connection the peer had already closed (nothing of the answer arrived) is
      // stale: the peer may still have read and acted on what was written (a server that
      // processed the request, then died), so only a request that never left, or may
      // safely arrive twice, goes out again on a fresh connection (`may_retry`).
      std::array<asio::const_buffer, 2> buffers{asio::buffer(call.head), asio::buffer(call.body)};
      boost::system::error_code write_error;
      std::size_t written = 0;
      // What the socket takes at once is written without a trip through the scheduler (an
      // asynchronous write that completes at once still posts its completion: issue 17
      // item 2, ~700 instructions per call); only the rest waits for the socket. No more
      // locals here: each is frame space (AClientCallsFrameStaysWithinAsiosFrameCache).
      if (connection->socket.non_blocking())
        written = asio::write(connection->socket, buffers, write_error);
      if (written > 0) sent = true;
      if (!connection->socket.non_blocking() || write_error == asio::error::would_block) {
        skip_written(buffers, written);
        auto rest = co_await asio::async_write(connection->socket, buffers, kDeferredTuple);
        write_error = std::get<0>(rest);
        if (std::get<1>(rest) > 0) sent = true;
      }
      if (connection->timed_out || write_error) {
        bool timed_out = connection->timed_out;
        self->finish_call(std::move(connection), false);
        if (!timed_out && may_retry(reused, sent, call.idempotent)) continue;
        result.error = timed_out
                           ? timeout_error(sent)
                           : ClientError{ClientErrorKind::kTransport, write_error.message(), sent};
        break;
      }
      bool keep_alive = false;
      bool retry = false;
      // Beast reads max(512, free capacity) at a time, and a buffer that only ever grew
      // by what the last read left over stays near 512 bytes: a 2.3 KB bill came in five
      // recv calls (issue 17, strace of the gateway under bench/bill.sh). Room for a
      // whole ordinary answer once per connection makes that one; kept with the
      // connection (pooled connections are bounded by max_idle_connections).
      connection->buffer.reserve(kReadBlockBytes);
      // The answer, read as it arrives, with no parser held while the upstream works: the
      // parser (AnswerParsing) is taken once the first bytes are in. Not Beast's
      // async_read, which needs the parser from the start (and whose composed operations
      // would make this frame one Asio does not recycle).
      AnswerParsingPointer parsing;
      boost::system::error_code read_error;
      for (;;) {
        auto& buffer = connection->buffer;
        std::size_t read = 0;
        std::tie(read_error, read) = co_await connection->socket.async_read_some(
            buffer.prepare(std::max(kLeastRead, buffer.capacity() - buffer.size())),
            kDeferredTuple);
        buffer.commit(read);
        if (read_error == asio::error::eof && parsing && parsing->parser->got_some()) {
          parsing->parser->put_eof(read_error);  // a body framed by the close ends here
          break;
        }
        if (read_error) break;
        if (!parsing) {
          parsing.reset(AnswerParsingCache::take());
          auto& parser =
              parsing->start(call.filter.keep_response_header, call.filter.response_header_room);
          parser.body_limit(self->options.response_body_limit);
          if (call.head_request) parser.skip(true);
        }
        parse_buffered(*parsing->parser, buffer, read_error);
        if (read_error || parsing->parser->is_done()) break;
      }
      bool timed_out = connection->timed_out;
      if (read_error && !timed_out) {
        bool nothing_arrived =
            (!parsing || !parsing->parser->got_some()) &&
            (read_error == bhttp::error::end_of_stream ||
             read_error == asio::error::connection_reset || read_error == asio::error::eof);
        retry = may_retry(reused && nothing_arrived, sent, call.idempotent);
        result.error = ClientError{ClientErrorKind::kTransport, read_error.message(), sent};
      } else if (!read_error) {
        keep_alive = take_response(*parsing, result.response);
      }
      parsing.reset();
      self->finish_call(std::move(connection), keep_alive);
      // A complete answer counts even if the watchdog closed the socket just after it came.
      if (timed_out && !result.response) result.error = timeout_error(sent);
      if (retry) {
        result.error.reset();
        continue;
      }
      break;
    }
    if (!result.response && !result.error)  // both attempts ended stale: cannot happen twice
      result.error = ClientError{ClientErrorKind::kTransport, "connection closed", sent};
    co_return result;
  }
};

HttpClient::HttpClient(asio::io_context& io, ClientOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(options))) {}

HttpClient::~HttpClient() = default;

asio::awaitable<ClientResult> HttpClient::send(ClientRequest request, Deadline deadline) {
  // Not a coroutine: the call's one frame is Impl::send's, which holds the pool alive.
  Call call;
  call.head = impl_->request_head(request);
  call.body = std::move(request.body);
  call.filter = {request.keep_response_header, request.response_header_room};
  call.idempotent = request.is_idempotent();
  call.head_request = is_exactly(request.method, "HEAD");
  return Impl::send(impl_, std::move(call), deadline);
}

void HttpClient::release_idle_buffers() {
  auto& pools = Impl::registry();
  std::lock_guard lock{pools.mutex};
  for (auto* pool : pools.members) pool->release_idle_buffers();
}

std::size_t HttpClient::idle_connections() const {
  std::lock_guard lock{impl_->idle_mutex};
  return impl_->idle.size();
}

}  // namespace phonebill::http
