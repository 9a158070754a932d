// Beast/Asio implementation of Server. The only translation unit of the server
// that includes Beast; see server.hpp for the contract. Past 500 lines because the
// session loop, its TLS variant, the lingering close and shutdown all share the
// per-connection state; splitting them would move Beast and Asio types into headers.
#include "http/server.hpp"

#include <sys/resource.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/status.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "core/free_memory.hpp"
#include "core/instance.hpp"
#include "core/log.hpp"
#include "core/request_log.hpp"
#include "core/same_text.hpp"
#include "http/client.hpp"
#include "http/completion_token.hpp"
#include "http/connection_deadline.hpp"
#include "http/proxy_protocol.hpp"
#include "http/quiet_period.hpp"
#include "http/recycled_blocks.hpp"
#include "http/request_head.hpp"
#include "http/request_parser.hpp"
#include "http/trace.hpp"
#include "tracing/hand_over.hpp"
#include "tracing/span.hpp"
#include "tracing/tracer.hpp"

namespace phonebill::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

// What one request holds from its first byte to its answer: its parser while the request
// is read, the Request handlers see (the parser writes into it directly: RequestParser),
// and the answer's head. Not in serve_request's coroutine frame: that frame would then be
// past the 1,020 bytes Asio's per-thread frame cache keeps and past glibc's tcache, a
// trip into malloc's bins per request (issue 17 item 3). Instead kept built per thread
// (ExchangeCache) between requests: the request's strings and header fields and the head
// keep their storage, so filling them allocates nothing (issue 17 item 3, session 12:
// nine mallocs per request). Taken once a request's first bytes are in (serve_connection
// reads before it calls serve_request), so an idle connection holds none. The parser,
// ~100 bytes, starts afresh per request (Beast's parsers are single-use) and is gone
// while the handler runs.
struct Exchange {
  std::optional<RequestParser> parser;
  Request request;
  std::string head;  // the answer's status line and header fields (write_response)

  void start() { parser.emplace(request); }
  void finish() noexcept {
    parser.reset();
    clear_keeping_storage(request);
    head.clear();
  }
};

// Bounded at 512 per thread: a group commit wakes hundreds of requests at once, and each
// exchange freed past the bound is a malloc for the next burst.
using ExchangeCache = ObjectCache<Exchange, 512>;

// Hands a cached object back to its cache, reset.
template <class T, class Cache>
struct CachedRelease {
  void operator()(T* object) const noexcept {
    object->finish();
    Cache::give_back(object);
  }
};
template <class T, class Cache>
using CachedPointer = std::unique_ptr<T, CachedRelease<T, Cache>>;

template <class T, class Cache>
CachedPointer<T, Cache> take_cached() {
  CachedPointer<T, Cache> object{Cache::take()};
  object->start();
  return object;
}

// A request from its parsed head to its answer, counted in server_requests (the sweep
// gives memory back only while none is in flight); a frame destroyed unfinished counts too.
struct RequestInFlight {
  RequestInFlight() noexcept { server_requests.request_started(); }
  ~RequestInFlight() { server_requests.request_finished(); }
  RequestInFlight(const RequestInFlight&) = delete;
  RequestInFlight& operator=(const RequestInFlight&) = delete;
};

// What a burst left on the calling thread goes back once the process is quiet: the
// caches down to their floor (they keep as many as were once in use at the same time, up
// to 512 exchanges of ~4.4 KB; the read blocks beyond it keep no pages), then the
// allocator's free pages to the system.
void release_thread_memory() {
  ExchangeCache::trim(kQuietCacheFloor);
  ReadBlockCache::trim(kQuietCacheFloor);
  return_free_memory();
}

ServerOptions ServerOptions::from_environment(const Environment& environment,
                                              std::string service_name,
                                              std::uint16_t default_port) {
  ServerOptions options;
  options.service_name = std::move(service_name);
  options.address = environment.string("PHONEBILL_HTTP_ADDRESS", options.address);
  options.port = std::uint16_t(environment.integer("PHONEBILL_HTTP_PORT", default_port, 0, 65535));
  options.io_threads = int(environment.integer("PHONEBILL_IO_THREADS", options.io_threads, 1, 256));
  options.body_limit = std::size_t(
      environment.integer("PHONEBILL_BODY_LIMIT_BYTES", std::int64_t(options.body_limit), 1024));
  options.header_limit = std::size_t(environment.integer("PHONEBILL_HEADER_LIMIT_BYTES",
                                                         std::int64_t(options.header_limit), 1024));
  options.idle_timeout =
      environment.milliseconds("PHONEBILL_IDLE_TIMEOUT_MS", options.idle_timeout);
  options.header_timeout =
      environment.milliseconds("PHONEBILL_HEADER_TIMEOUT_MS", options.header_timeout);
  options.min_body_rate = std::size_t(environment.integer(
      "PHONEBILL_MIN_BODY_RATE_BYTES", std::int64_t(options.min_body_rate), 0, 1 << 30));
  options.body_rate_grace =
      environment.milliseconds("PHONEBILL_BODY_RATE_GRACE_MS", options.body_rate_grace);
  options.max_connections = std::size_t(environment.integer(
      "PHONEBILL_MAX_CONNECTIONS", std::int64_t(options.max_connections), 0, 10'000'000));
  options.max_connections_per_address = std::size_t(
      environment.integer("PHONEBILL_MAX_CONNECTIONS_PER_ADDRESS",
                          std::int64_t(options.max_connections_per_address), 0, 10'000'000));
  options.request_deadline =
      environment.milliseconds("PHONEBILL_REQUEST_DEADLINE_MS", options.request_deadline);
  options.shutdown_grace =
      environment.milliseconds("PHONEBILL_SHUTDOWN_GRACE_MS", options.shutdown_grace);
  options.access_log = environment.boolean("PHONEBILL_ACCESS_LOG", options.access_log);
  options.instance = instance_name(environment);
  options.trusted_proxies =
      TrustedProxies::parse(environment.string("PHONEBILL_TRUSTED_PROXIES", ""));
  return options;
}

namespace {

// A user agent longer than this is cut in the access log (it is the client's to choose).
constexpr std::size_t kLoggedUserAgentLength = 200;

// The upstream time a handler announced in W3C Server-Timing ("upstream;dur=<ms>", the
// gateway's proxy), for the access log; nullopt without one.
std::optional<double> upstream_milliseconds(const Response& response) {
  // The proxy's own number, as the header shows it: tenths / 10.0 is the double nearest the
  // decimal "t/10.t%10", which is what from_chars reads from the header (both round the
  // same exact value once).
  if (response.upstream_tenths >= 0) return double(response.upstream_tenths) / 10.0;
  constexpr std::string_view kMetric = "upstream;dur=";
  auto timing = response.header("Server-Timing");
  auto found = timing.find(kMetric);
  if (found == std::string_view::npos) return std::nullopt;
  // std::from_chars, not strtod: no copy to terminate the text, no locale (~650
  // instructions a line, issue 17 item 2). It takes what strtod took from the proxy's
  // "12.3"; a leading '+' or space, or a hex number, now counts as none, and so does
  // inf or nan, which the line could not carry as a JSON number.
  auto number = timing.substr(found + kMetric.size(), 16);
  double milliseconds = 0;
  auto parsed = std::from_chars(number.data(), number.data() + number.size(), milliseconds);
  if (parsed.ec != std::errc{} || !std::isfinite(milliseconds)) return std::nullopt;
  return milliseconds;
}

// The Content-Length to announce: the body's size, except that an answer to HEAD, which
// frames no body, may state the GET's length in its own Content-Length header: the
// gateway relaying an upstream's HEAD answer knows that length but has no body
// (RFC 9110 §9.3.2). Any other handler-set Content-Length is ignored (framing is ours).
// The digits are written into `digits` (no string of their own).
std::string_view content_length(const Request& request, const Response& response,
                                std::span<char, 24> digits) {
  if (is_exactly(request.method, "HEAD")) {
    for (const auto& [name, value] : response.headers) {
      bool all_digits =
          !value.empty() && value.size() <= 19 &&
          std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (all_digits && beast::iequals(name, "content-length")) return value;
    }
  }
  auto end = std::to_chars(digits.data(), digits.data() + digits.size(), response.body.size()).ptr;
  return {digits.data(), std::size_t(end - digits.data())};
}

// One client connection: its socket, read buffer and deadline, whether it is between
// requests (then shutdown may cancel its wait without losing work), and its place in the
// server's registry (Impl::sessions), which shutdown and the deadline sweep walk. One
// allocation for all of it: an idle connection's memory is what idle connections cost
// (issue 17 item 4: with a SessionState and a map node apart, 890 heap bytes under ASan;
// as one, 752).
struct Connection : std::enable_shared_from_this<Connection> {
  explicit Connection(tcp::socket accepted) : socket(std::move(accepted)) {}
  tcp::socket socket;
  // TLS over `socket` when the server terminates TLS; closing the socket ends it too.
  std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls;
  ConnectionDeadline deadline;
  // Unbounded: the parser's header and body limits bound it. Empty between requests; its
  // 8 KiB blocks are recycled per thread, so a keep-alive request mallocs none.
  beast::basic_flat_buffer<RecyclingAllocator<char>> buffer;
  // The TCP peer, or the client its PROXY header named: also the address the connection
  // is counted under for max_connections_per_address (when `counted`).
  std::string remote;
  bool peer_trusted = false;  // the TCP peer is a trusted proxy
  bool proxied = false;       // `remote` came from a PROXY header: X-Forwarded-For is moot
  bool open = true;           // false once the session ended or the deadline closed the socket
  bool idle = false;          // waiting for the next request: shutdown may close it
  // Counted under `remote` (a trusted proxy is not; its PROXY header's client is).
  // Under the server's sessions_mutex.
  bool counted = false;
  // What the deadline is waiting for, counted when it passes; nullopt: not worth counting
  // (the lingering close after an error answer).
  std::optional<Metrics::TimeoutPhase> phase = Metrics::TimeoutPhase::kIdle;
  // Neighbours in Impl::sessions, under sessions_mutex; a registered connection is alive
  // (its owner forgets it before letting go of it).
  Connection* previous_session = nullptr;
  Connection* next_session = nullptr;
};


// The open connections (Impl::sessions): an intrusive list, so registering a connection
// allocates nothing and its memory goes when it closes (a hash map kept a node per
// connection and a bucket array that grew with the peak and never shrank).
class SessionList {
 public:
  void add(Connection& connection) {
    connection.next_session = first_;
    if (first_ != nullptr) first_->previous_session = &connection;
    first_ = &connection;
    ++size_;
  }
  void remove(Connection& connection) {
    if (connection.previous_session != nullptr)
      connection.previous_session->next_session = connection.next_session;
    else
      first_ = connection.next_session;
    if (connection.next_session != nullptr)
      connection.next_session->previous_session = connection.previous_session;
    connection.previous_session = connection.next_session = nullptr;
    --size_;
  }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  template <class Visit>
  void for_each(Visit visit) const {
    for (auto* connection = first_; connection != nullptr; connection = connection->next_session)
      visit(*connection);
  }

 private:
  Connection* first_ = nullptr;
  std::size_t size_ = 0;
};

// Half the descriptors this process may open: the rest stay for upstream pools, the
// database, Redis and files, so a flood of clients cannot starve them (EMFILE).
std::size_t default_connection_cap() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 10'000;
  return std::max<std::size_t>(16, std::size_t(limit.rlim_cur) / 2);
}

// After the client was read from the right of X-Forwarded-For: leaves only the entries left
// of it, what the client itself claimed, as if it had connected directly (the gateway then
// appends the client, and upstreams read the rightmost entry as the client).
void drop_forwarded_hops(HeaderList& headers, std::size_t hops) {
  auto entries = forwarded_for_entries(headers);
  std::string kept;
  for (std::size_t i = 0; i + hops < entries.size(); ++i) {
    if (!kept.empty()) kept.append(", ");
    kept.append(entries[i]);
  }
  std::erase_if(headers, [](const auto& field) { return field.first == "x-forwarded-for"; });
  if (!kept.empty()) headers.emplace_back("x-forwarded-for", std::move(kept));
}

}  // namespace

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(asio::io_context& io_context, ServerOptions server_options, Router route_table)
      : io(io_context),
        options(std::move(server_options)),
        router(std::move(route_table)),
        acceptor_strand(asio::make_strand(io_context)),
        acceptor(acceptor_strand) {
    for (std::size_t i = 0; i < router.size(); ++i)
      metrics.add_route(router.method(i), router.pattern(i));
    watchdog_tick = std::min(
        {std::chrono::milliseconds{1000}, options.header_timeout / 4, options.idle_timeout / 4});
    if (watchdog_tick.count() < 1) watchdog_tick = std::chrono::milliseconds{1};
    for (const auto& [name, value] : options.response_headers)
      fixed_headers.append("\r\n").append(name).append(": ").append(value);
    error_renderer = [](const Request& request, const ApiError& error) {
      return error_response(request, error);
    };
    metrics.set_instance(options.service_name, options.instance);
  }

  asio::io_context& io;
  ServerOptions options;
  Router router;
  Metrics metrics;
  ReadinessCheck readiness;
  ErrorRenderer error_renderer;
  ShutdownHook shutdown_hook;
  asio::strand<asio::io_context::executor_type> acceptor_strand;
  tcp::acceptor acceptor;
  std::atomic<bool> stopping{false};
  std::atomic<bool> prepared{false};
  std::atomic<bool> preparation_failed{false};
  std::mutex sessions_mutex;
  SessionList sessions;
  std::unordered_map<std::string, std::size_t> sessions_per_address;
  std::size_t connection_cap = 0;  // options.max_connections, or derived at listen()
  bool accept_failing = false;     // on acceptor_strand: log a failure streak once
  std::chrono::milliseconds watchdog_tick;
  std::string fixed_headers;  // options.response_headers, each preceded by CRLF
  std::unique_ptr<asio::ssl::context> tls_context;  // set by listen() when TLS is configured

  // Loads the certificate chain and key; throws (listen's caller reports it) if unusable.
  void load_tls_context() {
    if (options.tls_certificate_file.empty()) return;
    auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                         asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
    context->use_certificate_chain_file(options.tls_certificate_file);
    context->use_private_key_file(options.tls_private_key_file, asio::ssl::context::pem);
    tls_context = std::move(context);
  }

  std::uint16_t listen() {
    load_tls_context();
    connection_cap =
        options.max_connections > 0 ? options.max_connections : default_connection_cap();
    tcp::endpoint endpoint{asio::ip::make_address(options.address), options.port};
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
    auto port = acceptor.local_endpoint().port();
    asio::co_spawn(acceptor_strand, accept_loop(shared_from_this()), asio::detached);
    asio::co_spawn(acceptor_strand, sweep(shared_from_this()), asio::detached);
    log::info("listening",
              {{"address", options.address}, {"port", port}, {"tls", tls_context != nullptr}});
    return port;
  }

  asio::awaitable<void> accept_loop(std::shared_ptr<Impl> self) {
    for (;;) {
      // One thread needs no strand; with several, each connection gets its own.
      asio::any_io_executor connection_executor = options.io_threads > 1
                                                      ? asio::any_io_executor{asio::make_strand(io)}
                                                      : asio::any_io_executor{io.get_executor()};
      auto [error, socket] = co_await acceptor.async_accept(connection_executor, kUseTuple);
      if (error) {
        if (error == asio::error::operation_aborted || !acceptor.is_open()) co_return;
        // EMFILE and friends: the connection waits in the backlog while we pause, so
        // the loop neither spins nor takes the descriptors upstream calls need.
        metrics.record_accept_failure();
        if (!std::exchange(accept_failing, true))
          log::warn("accept_failed", {{"error", error.message()}});
        asio::steady_timer pause{acceptor_strand, std::chrono::milliseconds{50}};
        co_await pause.async_wait(kUseTuple);
        continue;
      }
      if (std::exchange(accept_failing, false)) log::info("accept_recovered");
      auto remote = socket.remote_endpoint(error).address().to_string();
      auto connection = std::make_shared<Connection>(std::move(socket));
      connection->remote = std::move(remote);
      connection->peer_trusted = options.trusted_proxies.contains(connection->remote);
      // Set before admit() publishes the connection under sessions_mutex.
      connection->deadline = std::chrono::steady_clock::now() + options.idle_timeout;
      if (auto over = admit(*connection)) {
        metrics.record_connection_rejected(*over);
        connection->socket.close(error);
        continue;
      }
      connection->socket.set_option(tcp::no_delay(true), error);
      // serve_connection and read_request read without blocking before they wait.
      connection->socket.non_blocking(true, error);
      serve_on(self, std::move(connection), true);
    }
  }

  // Registers an accepted connection, or names the cap it is over.
  std::optional<Metrics::Rejection> admit(Connection& connection) {
    std::lock_guard lock{sessions_mutex};
    if (sessions.size() >= connection_cap) return Metrics::Rejection::kTotalLimit;
    if (!connection.peer_trusted) {
      if (!count_address(connection, connection.remote))
        return Metrics::Rejection::kPerAddressLimit;
    }
    sessions.add(connection);
    metrics.set_open_connections(sessions.size());
    return std::nullopt;
  }

  // Counts one more connection from `address`, unless that is over the cap. Called with
  // sessions_mutex held.
  bool count_address(Connection& connection, const std::string& address) {
    auto& from_address = sessions_per_address[address];
    if (options.max_connections_per_address > 0 &&
        from_address >= options.max_connections_per_address) {
      if (from_address == 0) sessions_per_address.erase(address);
      return false;
    }
    ++from_address;
    connection.counted = true;
    return true;
  }

  // A trusted proxy's connection that named its client: that client's connections are
  // capped as if it had connected itself; on success `client` becomes the connection's
  // remote, the address it is counted under.
  bool admit_client(Connection& connection, const std::string& client) {
    std::lock_guard lock{sessions_mutex};
    if (connection.counted) uncount(connection);  // not so far: a trusted peer is not counted
    if (!count_address(connection, client)) return false;
    connection.remote = client;
    return true;
  }

  // Called with sessions_mutex held.
  void uncount(Connection& connection) {
    auto counted = sessions_per_address.find(connection.remote);
    if (counted != sessions_per_address.end() && --counted->second == 0)
      sessions_per_address.erase(counted);
    connection.counted = false;
  }

  // Unregisters a connection (on its executor, once its session ended).
  void forget(Connection& connection) {
    std::lock_guard lock{sessions_mutex};
    if (connection.counted) uncount(connection);
    sessions.remove(connection);
    metrics.set_open_connections(sessions.size());
  }

  // Completes `request`, which RequestParser filled (method, target, header fields, body):
  // its id, trace, client address and deadline. `request` is a new one or one cleared by
  // clear_keeping_storage: every string is assigned into the storage it kept.
  // `now`: the time the request was read (one clock reading for its deadline and its
  // latency).
  void complete_request(const Connection& connection, Request& request,
                        std::chrono::steady_clock::time_point now) {
    auto incoming_id = request.header("x-request-id");
    if (is_acceptable_request_id(incoming_id))
      request.request_id.assign(incoming_id);
    else
      generate_request_id(request.request_id);
    continue_trace(request.header("traceparent"), request.trace_id, request.traceparent);
    // SPEC §4: a PROXY header's client is final; else a trusted peer's X-Forwarded-For.
    if (connection.proxied || !connection.peer_trusted) {
      request.remote_address.assign(connection.remote);
    } else {
      auto client = options.trusted_proxies.resolve(connection.remote,
                                                    forwarded_for_entries(request.headers));
      request.remote_address = std::move(client.address);
      if (client.forwarded_hops > 0) drop_forwarded_hops(request.headers, client.forwarded_hops);
    }
    request.deadline = now + options.request_deadline;
  }

  asio::awaitable<Response> answer_builtin(Request& request, bool& handled) {
    handled = true;
    if (request.path == "/healthz") {
      request.route = "/healthz";
      co_return json_response(boost::json::object{{"status", "UP"}});
    }
    if (request.path == "/readyz") {
      request.route = "/readyz";
      Readiness result;
      if (readiness) result = co_await readiness();
      if (stopping) result.ready = false;
      co_return json_response(boost::json::object{{"status", result.ready ? "UP" : "DOWN"},
                                                  {"instance", options.instance},
                                                  {"checks", result.checks}},
                              result.ready ? 200 : 503);
    }
    if (request.path == "/metrics" && options.expose_metrics) {
      request.route = "/metrics";
      co_return text_response(metrics.render(), "text/plain; version=0.0.4");
    }
    handled = false;
    co_return Response{};
  }

  // Routes one request without running its handler (a coroutine of its own was a frame
  // per request, issue 17 item 2): the answer when no route handler runs (404, 405), or
  // nullopt with `handler` set.
  std::optional<Response> route(Request& request, std::size_t& route_index,
                                const Handler*& handler) {
    route_index = router.size();
    auto match = router.match(request.method, request.path, request.path_parameters);
    if (match.status == MatchStatus::kNotFound) {
      request.route = "unmatched";
      return error_renderer(request, common_error(CommonError::kNotFound));
    }
    if (match.status == MatchStatus::kMethodNotAllowed) {
      request.route = "unmatched";
      auto response = error_renderer(request, common_error(CommonError::kMethodNotAllowed));
      response.set_header("Allow", match.allowed_methods);
      return response;
    }
    route_index = match.route_index;
    request.route.assign(match.pattern);
    handler = match.handler;
    return std::nullopt;
  }

  // A malformed target or header value is the client's error, whichever route it names.
  std::optional<Response> malformed_head(Request& request) {
    FieldErrors malformed;
    check_request_head({request.path, request.query}, request.headers, malformed);
    if (malformed.empty()) return std::nullopt;
    request.route = "unmatched";
    return error_renderer(request, validation_error(malformed));
  }

  // Built-ins live outside /api, so API routes skip the comparisons.
  static bool may_be_builtin(const Request& request) {
    return request.path.size() < 9 || request.path[1] != 'a';
  }

  // A handler's exception, logged; its answer is a 500.
  Response handler_failed(Request& request, const std::exception& exception) {
    auto fields = log::request_log_fields(request.request_id, request.traceparent);
    fields["route"] = request.route;
    fields["error"] = exception.what();
    log::error("handler_failed", std::move(fields));
    return error_renderer(request, common_error(CommonError::kInternalError));
  }

  // Serialises the status line and headers by hand into `head` (emptied first; its
  // storage reused): cheaper than Beast's serializer and the format is fully ours. Every
  // piece is written with its size known (a literal's strlen cost: issue 17 item 2), the
  // numbers without a string of their own.
  void response_head(const Request& request, const Response& response, bool keep_alive,
                     std::string& head) const {
    using namespace std::string_view_literals;
    std::array<char, 24> length_digits;
    auto length = content_length(request, response, length_digits);
    std::array<char, 12> status_digits;
    std::string_view status{
        status_digits.data(),
        std::size_t(std::to_chars(status_digits.data(), status_digits.data() + status_digits.size(),
                                  response.status)
                        .ptr -
                    status_digits.data())};
    auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(response.status));
    // Written above; the size decides first, so other names cost no comparison.
    auto is_length = [](std::string_view name) {
      return name.size() == 14 && beast::iequals(name, "content-length");
    };
    // Measured exactly, then written through a pointer into storage sized once: a gateway
    // answer carries a dozen headers (the security policy alone is 250 bytes), and an
    // append a piece (a capacity check and an out-of-line copy each, fixed texts too)
    // cost ~400 instructions more (issue 17 item 2).
    HeadSize measure;
    write_head(measure, request, response, keep_alive, status, reason, length, is_length);
    head.clear();
    head.resize(measure.size);
    HeadText writer{head.data()};
    write_head(writer, request, response, keep_alive, status, reason, length, is_length);
  }

  // write_head's two passes: the bytes counted, then written (a fixed text's copy has its
  // size known when compiling, and GCC inlines it).
  struct HeadSize {
    std::size_t size = 0;
    void put(std::string_view text) { size += text.size(); }
  };
  struct HeadText {
    char* out;
    void put(std::string_view text) {
      std::memcpy(out, text.data(), text.size());
      out += text.size();
    }
  };

  template <class Writer, class IsLength>
  void write_head(Writer& head, const Request& request, const Response& response,
                  bool keep_alive, std::string_view status, std::string_view reason,
                  std::string_view length, IsLength is_length) const {
    using namespace std::string_view_literals;
    head.put("HTTP/1.1 "sv);
    head.put(status);
    head.put(" "sv);
    head.put(reason);
    head.put("\r\nContent-Type: "sv);
    head.put(response.content_type);
    head.put("\r\nContent-Length: "sv);
    head.put(length);
    if (!request.request_id.empty()) {
      head.put("\r\nX-Request-Id: "sv);
      head.put(request.request_id);
    }
    if (!request.traceparent.empty()) {
      head.put("\r\ntraceparent: "sv);
      head.put(request.traceparent);
    }
    for (const auto& [name, value] : response.headers) {
      if (is_length(name)) continue;
      head.put("\r\n"sv);
      head.put(name);
      head.put(": "sv);
      head.put(value);
    }
    head.put(response.header_lines);
    head.put(fixed_headers);
    if (!keep_alive) head.put("\r\nConnection: close"sv);
    head.put("\r\n\r\n"sv);
  }

  // `head`: storage for the answer's head, alive until the write ends.
  asio::awaitable<bool> write_response(Connection& connection, const Request& request,
                                       const Response& response, bool keep_alive,
                                       std::string& head) {
    response_head(request, response, keep_alive, head);
    connection.phase = Metrics::TimeoutPhase::kResponse;
    connection.deadline = std::chrono::steady_clock::now() + options.header_timeout;
    std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(response.body)};
    if (is_exactly(request.method, "HEAD")) buffers[1] = asio::const_buffer{};
    boost::system::error_code error;
    if (connection.tls) {
      std::tie(error, std::ignore) =
          co_await asio::async_write(*connection.tls, buffers, kUseTuple);
    } else {
      std::tie(error, std::ignore) =
          co_await asio::async_write(connection.socket, buffers, kUseTuple);
    }
    co_return !error;
  }

  // An error the parser found before a handler could run; the connection closes after.
  asio::awaitable<void> reject(Connection& connection, CommonError error) {
    Request request;
    request.request_id = generate_request_id();
    request.trace_id = continue_trace({}).trace_id;
    request.remote_address = connection.remote;
    request.route = "unmatched";
    auto api_error = common_error(error);
    metrics.record_request(router.size(), api_error.status, 0);
    std::string head;
    co_await write_response(connection, request, error_renderer(request, api_error), false, head);
  }

  enum class ReadOutcome { kRequest, kClosed, kTooLarge, kHeadersTooLarge, kMalformed };

  // After an error answer to a request we did not read to its end: stop sending, then read
  // and drop what the client is still sending (up to a second, 1 MiB), so that closing
  // the socket with unread data does not reset the connection and destroy the answer
  // before the client read it (a "lingering close", as nginx does).
  asio::awaitable<void> linger(Connection& connection) {
    boost::system::error_code ignored;
    connection.socket.shutdown(tcp::socket::shutdown_send, ignored);
    connection.phase = std::nullopt;
    connection.deadline = std::chrono::steady_clock::now() + std::chrono::seconds{1};
    std::array<char, 16384> scratch;
    std::size_t drained = 0;
    while (drained < 1024 * 1024) {
      boost::system::error_code error;
      std::size_t bytes = 0;
      if (connection.tls) {
        std::tie(error, bytes) =
            co_await connection.tls->async_read_some(asio::buffer(scratch), kUseTuple);
      } else {
        std::tie(error, bytes) =
            co_await connection.socket.async_read_some(asio::buffer(scratch), kUseTuple);
      }
      if (error) break;
      drained += bytes;
    }
  }

  // The deadline of the next read (SPEC §2, slow clients): between requests the
  // keep-alive timeout; for the head, header_timeout from its first byte, never moved by
  // later bytes; for the body, a grace and then min_body_rate on average.
  struct ReadClock {
    std::chrono::steady_clock::time_point head_started{};
    std::chrono::steady_clock::time_point body_started{};
    std::size_t body_bytes = 0;
  };

  void set_read_deadline(Connection& connection, const RequestParser& parser, ReadClock& clock) {
    auto now = std::chrono::steady_clock::now();
    if (!parser.got_some()) {
      connection.phase = Metrics::TimeoutPhase::kIdle;
      connection.deadline = now + options.idle_timeout;
    } else if (!parser.is_header_done()) {
      if (clock.head_started == std::chrono::steady_clock::time_point{}) clock.head_started = now;
      connection.phase = Metrics::TimeoutPhase::kHead;
      connection.deadline = clock.head_started + options.header_timeout;
    } else if (options.min_body_rate == 0) {
      connection.phase = Metrics::TimeoutPhase::kBody;
      connection.deadline = now + options.header_timeout;
    } else {
      if (clock.body_started == std::chrono::steady_clock::time_point{}) clock.body_started = now;
      connection.phase = Metrics::TimeoutPhase::kBody;
      auto earned =
          std::chrono::milliseconds{std::int64_t(clock.body_bytes * 1000 / options.min_body_rate)};
      connection.deadline = clock.body_started + options.body_rate_grace + earned;
    }
  }

  // Reads one request: parses what is buffered first and asks the socket only for
  // more, so a pipelined or already-arrived request costs no extra operation.
  asio::awaitable<ReadOutcome> read_request(Connection& connection, RequestParser& parser) {
    parser.eager(true);
    parser.header_limit(std::uint32_t(options.header_limit));
    parser.body_limit(options.body_limit);
    auto& buffer = connection.buffer;
    ReadClock clock;
    for (;;) {
      if (buffer.size() > 0) {
        boost::system::error_code error;
        bool in_body = parser.is_header_done();
        auto used = parser.put(buffer.data(), error);
        buffer.consume(used);
        if (in_body) clock.body_bytes += used;
        if (parser.is_done()) co_return ReadOutcome::kRequest;
        if (error && error != bhttp::error::need_more) {
          if (error == bhttp::error::body_limit) co_return ReadOutcome::kTooLarge;
          if (error == bhttp::error::header_limit) co_return ReadOutcome::kHeadersTooLarge;
          co_return ReadOutcome::kMalformed;
        }
      }
      bool idle = !parser.got_some();
      if (idle && stopping) co_return ReadOutcome::kClosed;
      set_read_deadline(connection, parser, clock);
      connection.idle = idle;
      auto space = buffer.prepare(std::max(kReadBlockBytes, buffer.capacity() - buffer.size()));
      boost::system::error_code error;
      std::size_t bytes = 0;
      if (connection.tls) {
        std::tie(error, bytes) = co_await connection.tls->async_read_some(space, kUseTuple);
      } else {
        // Plain TCP: read what has arrived without waiting; only when nothing has, wait
        // for readability with no buffer held (as serve_connection does between requests).
        bytes = connection.socket.read_some(space, error);
        if (error == asio::error::would_block) {
          if (buffer.size() == 0) buffer.shrink_to_fit();
          auto [wait_error] =
              co_await connection.socket.async_wait(tcp::socket::wait_read, kUseTuple);
          connection.idle = false;
          if (wait_error) co_return ReadOutcome::kClosed;
          continue;
        }
      }
      connection.idle = false;
      if (error) co_return ReadOutcome::kClosed;
      buffer.commit(bytes);
    }
  }

  // Before the first request: a PROXY protocol v2 header, if the connection starts with
  // one (SPEC §4). From a trusted proxy it names the client (or, LOCAL, the proxy
  // itself); from anyone else, or malformed, the connection closes without an answer.
  // Whatever else arrived stays in the buffer for the HTTP parser (or the TLS handshake).
  // false: close the connection.
  asio::awaitable<bool> read_proxy_header(Connection& connection) {
    auto& buffer = connection.buffer;
    std::chrono::steady_clock::time_point head_started{};
    for (;;) {
      std::string_view bytes{static_cast<const char*>(buffer.data().data()), buffer.size()};
      auto header = parse_proxy_header(bytes);
      if (header.status == ProxyHeaderStatus::kAbsent) co_return true;
      bool complete = header.status != ProxyHeaderStatus::kIncomplete;
      if (header.status == ProxyHeaderStatus::kMalformed ||
          (complete && !connection.peer_trusted)) {
        log::warn("proxy_header_refused",
                  {{"remote", connection.remote},
                   {"reason", connection.peer_trusted ? "malformed" : "untrusted_peer"}});
        co_return false;
      }
      if (complete) {
        buffer.consume(header.size);
        if (header.status == ProxyHeaderStatus::kProxied) {
          if (!admit_client(connection, header.source_address)) {
            metrics.record_connection_rejected(Metrics::Rejection::kPerAddressLimit);
            co_return false;
          }
          connection.proxied = true;
        }
        co_return true;
      }
      // Nothing yet: the keep-alive wait (a proxy may open connections ahead of need);
      // part of a header: the head's timeout from its first byte.
      auto now = std::chrono::steady_clock::now();
      bool idle = buffer.size() == 0;
      if (idle && stopping) co_return false;
      if (idle) {
        connection.phase = Metrics::TimeoutPhase::kIdle;
        connection.deadline = now + options.idle_timeout;
      } else {
        if (head_started == std::chrono::steady_clock::time_point{}) head_started = now;
        connection.phase = Metrics::TimeoutPhase::kHead;
        connection.deadline = head_started + options.header_timeout;
      }
      connection.idle = idle;
      auto [error, got] = co_await connection.socket.async_read_some(
          buffer.prepare(std::max(kReadBlockBytes, header.size - buffer.size())), kUseTuple);
      connection.idle = false;
      if (error) co_return false;
      buffer.commit(got);
    }
  }

  // Every watchdog_tick, closes the sockets whose deadline has passed (on their own
  // executors). One timer for the whole server instead of one per connection: an idle
  // connection then holds no timer and no pending timer wait, and wakes nothing until its
  // deadline (issue 17 item 4). A deadline is met within one tick. The same tick gives a
  // burst's memory back once the process's servers are quiet (release_memory).
  asio::awaitable<void> sweep(std::shared_ptr<Impl> self) {
    asio::steady_timer timer{acceptor_strand};
    for (;;) {
      timer.expires_after(watchdog_tick);
      auto [error] = co_await timer.async_wait(kUseTuple);
      if (error) co_return;
      auto now = std::chrono::steady_clock::now();
      {
        std::lock_guard lock{sessions_mutex};
        sessions.for_each([this, now](Connection& connection) {
          if (connection.deadline.passed(now))
            asio::post(connection.socket.get_executor(),
                       [this, connection = connection.shared_from_this()] { expire(*connection); });
        });
      }
      if (!stopping && server_requests.just_became_quiet(now)) release_memory();
    }
    (void)self;
  }

  // No request has started or finished for kQuietPeriod and none is in flight (issue 17
  // item 4: after a burst, an idle server gives its memory back): the pools' idle
  // connections give their read buffers' pages back, each I/O thread its caches. The
  // per-thread caches can be trimmed only on their own thread: this one's now; with
  // several, a trim is posted per other thread (the scheduler hands them to waiting
  // threads, most often one each; a thread missed keeps at most its caches' bounds until
  // the next quiet period).
  void release_memory() {
    HttpClient::release_idle_buffers();
    release_thread_memory();
    for (int i = 1; i < options.io_threads; ++i) asio::post(io, [] { release_thread_memory(); });
  }

  // On the connection's executor: closes it if its deadline (perhaps moved since the
  // sweep saw it) has passed; its pending operation then ends the session.
  void expire(Connection& connection) {
    if (!connection.open) return;
    if (!connection.deadline.passed(std::chrono::steady_clock::now())) return;
    if (connection.phase) metrics.record_connection_timed_out(*connection.phase);
    connection.open = false;
    boost::system::error_code ignored;
    connection.socket.close(ignored);
  }

  // What a session's coroutine asks of its caller when it returns.
  enum class SessionStep {
    kIdle,    // nothing to read: wait for readability without a coroutine (serve_on)
    kFinish,  // done: stop sending, the client closes (or the watchdog does)
    kClose,   // refused before any request (PROXY header, TLS handshake): close at once
  };

  // Runs the connection's coroutine (serve_connection) until it ends or goes idle. An
  // idle plain connection then holds no coroutine at all, only its Connection and this
  // socket wait, whose handler starts the coroutine again when the next request arrives
  // (issue 17 item 4: memory per idle connection).
  void serve_on(const std::shared_ptr<Impl>& self, std::shared_ptr<Connection> connection,
                bool opening) {
    auto executor = connection->socket.get_executor();
    auto& serving = *connection;
    asio::co_spawn(executor, serve_connection(serving, opening),
                   [self, connection = std::move(connection)](std::exception_ptr failure,
                                                              SessionStep step) mutable {
                     if (failure) {
                       try {
                         std::rethrow_exception(failure);
                       } catch (const std::exception& exception) {
                         log::error("session_failed", {{"error", exception.what()}});
                       }
                       step = SessionStep::kFinish;
                     }
                     if (step == SessionStep::kIdle) {
                       self->wait_idle(self, std::move(connection));
                       return;
                     }
                     self->end_session(*connection, step);
                   });
  }

  // The keep-alive wait of a plain connection: a socket wait with a completion handler.
  // Shutdown cancels it (connection.idle), the sweep closes the socket.
  void wait_idle(const std::shared_ptr<Impl>& self, std::shared_ptr<Connection> connection) {
    // Shutdown's cancel may have run between the coroutine's last look at `stopping` and
    // now (it cancels only waits already marked idle): then end here.
    if (stopping) {
      end_session(*connection, SessionStep::kFinish);
      return;
    }
    connection->idle = true;
    auto& socket = connection->socket;
    // async_wait costs an epoll_ctl(EPOLL_CTL_MOD) per wait; a queued receive (a peek into
    // a shared buffer, say) would cost a recv instead, as Asio tries every receive at once
    // before it queues it. Under load the wait is rare: the read before it (serve_connection)
    // runs after the answer's write completion went through the queue, by when the
    // client's next request has usually arrived (docs/decisions.md, issue 17 item 4).
    socket.async_wait(
        tcp::socket::wait_read,
        [self, connection = std::move(connection)](const boost::system::error_code& error) mutable {
          connection->idle = false;
          if (error || self->stopping) {
            self->end_session(*connection, SessionStep::kFinish);
            return;
          }
          self->serve_on(self, std::move(connection), false);
        });
  }

  // Ends the session and unregisters the connection; what is left of it goes with the
  // last handler that holds it.
  void end_session(Connection& connection, SessionStep step) {
    boost::system::error_code ignored;
    connection.open = false;
    if (step == SessionStep::kClose) {
      connection.socket.close(ignored);
    } else {
      connection.socket.shutdown(tcp::socket::shutdown_send, ignored);
    }
    forget(connection);
  }

  // The connection's requests until it ends or has nothing to read: first (`opening`) a
  // PROXY header and the TLS handshake, then request after request. Between requests the
  // coroutine holds no per-request state (serve_request has its own frame), and a plain
  // connection that has nothing to read returns kIdle instead of waiting.
  asio::awaitable<SessionStep> serve_connection(Connection& connection, bool opening) {
    if (opening && !co_await open_connection(connection)) co_return SessionStep::kClose;
    auto& buffer = connection.buffer;
    for (;;) {
      while (buffer.size() == 0) {
        if (stopping) co_return SessionStep::kFinish;
        connection.phase = Metrics::TimeoutPhase::kIdle;
        connection.deadline = std::chrono::steady_clock::now() + options.idle_timeout;
        auto space = buffer.prepare(std::max(kReadBlockBytes, buffer.capacity()));
        boost::system::error_code error;
        std::size_t bytes = 0;
        if (connection.tls) {
          // OpenSSL may hold decrypted bytes the socket no longer shows: a TLS connection
          // waits in a read, holding its buffers (and its coroutine).
          connection.idle = true;
          std::tie(error, bytes) = co_await connection.tls->async_read_some(space, kUseTuple);
          connection.idle = false;
        } else {
          // A keep-alive client's next request has usually arrived; if not, the buffer is
          // released and the caller waits for readability with none.
          bytes = connection.socket.read_some(space, error);
          if (error == asio::error::would_block) {
            buffer.shrink_to_fit();
            co_return SessionStep::kIdle;
          }
        }
        if (error) co_return SessionStep::kFinish;
        buffer.commit(bytes);
      }
      if (!co_await serve_request(connection)) co_return SessionStep::kFinish;
    }
  }

  // Before the first request: the PROXY header if any, then the TLS handshake if the
  // server terminates TLS. false: close the connection without an answer.
  asio::awaitable<bool> open_connection(Connection& connection) {
    if (!co_await read_proxy_header(connection)) co_return false;
    if (!tls_context) co_return true;
    // The handshake must finish within the header timeout, like a request's headers.
    connection.phase = Metrics::TimeoutPhase::kHead;
    connection.deadline = std::chrono::steady_clock::now() + options.header_timeout;
    connection.tls =
        std::make_unique<asio::ssl::stream<tcp::socket&>>(connection.socket, *tls_context);
    // The bytes read while looking for a PROXY header start the handshake.
    auto [error, used] = co_await connection.tls->async_handshake(
        asio::ssl::stream_base::server, connection.buffer.data(), kUseTuple);
    connection.buffer.consume(used);
    connection.deadline = std::chrono::steady_clock::now() + options.idle_timeout;
    co_return !error && connection.buffer.size() == 0;
  }

  // One request, from its first byte to its answer (or to the error answer that ends the
  // connection). A coroutine of its own so that the parser, the request and the response
  // are allocated per request, not held by every idle connection. Pipelined requests
  // stay in connection.buffer for the next call. false: close the connection.
  asio::awaitable<bool> serve_request(Connection& connection) {
    auto exchange = take_cached<Exchange, ExchangeCache>();
    auto outcome = co_await read_request(connection, *exchange->parser);
    if (outcome == ReadOutcome::kTooLarge)
      co_await reject(connection, CommonError::kPayloadTooLarge);
    if (outcome == ReadOutcome::kHeadersTooLarge)
      co_await reject(connection, CommonError::kHeadersTooLarge);
    if (outcome == ReadOutcome::kMalformed)
      co_await reject(connection, CommonError::kValidationError);
    if (outcome != ReadOutcome::kRequest) {
      if (outcome != ReadOutcome::kClosed) co_await linger(connection);
      co_return false;
    }
    auto started = std::chrono::steady_clock::now();
    // Read to its end: the read block goes back to the thread's cache while the request is
    // handled, not held by each of the hundreds of requests waiting on Redis or a commit
    // (they came back in bursts, past the cache's bound: an 8 KiB malloc per request).
    if (connection.buffer.size() == 0) connection.buffer.shrink_to_fit();
    // The parser's keep_alive(): HTTP/1.1 unless a Connection field says close, HTTP/1.0
    // only with keep-alive, over every Connection field (the message's looked at the first).
    bool keep_alive = exchange->parser->keep_alive();
    exchange->parser.reset();
    RequestInFlight in_flight;
    auto& request = exchange->request;
    complete_request(connection, request, started);
    // This hop's span: its id is the one request.traceparent carries downstream.
    // With tracing off, no span is looked for at all (its name's copy and the header lookup
    // were ~100 instructions per request: issue 17 item 2).
    auto span = tracing::tracer() == nullptr
                    ? tracing::Span{}
                    : tracing::Span::for_hop(request.method, request.traceparent,
                                             request.header("traceparent"));
    // The handler's first Redis/PostgreSQL call (made before it suspends) hangs under it.
    if (span.recording()) tracing::hand_over(request.traceparent);
    // The handler's own deadline bounds its waits; the watchdog only backs it up.
    connection.phase = Metrics::TimeoutPhase::kResponse;
    connection.deadline = request.deadline + options.header_timeout;
    // Routing, then the handler; never throws (a handler's exception becomes a 500).
    std::size_t route_index = router.size();
    auto answer = malformed_head(request);
    if (!answer && may_be_builtin(request)) {
      bool handled = false;
      auto builtin = co_await answer_builtin(request, handled);
      if (handled) answer = std::move(builtin);
    }
    const Handler* handler = nullptr;
    if (!answer) answer = route(request, route_index, handler);
    if (!answer) {
      try {
        answer = co_await (*handler)(request);
      } catch (const std::exception& exception) {
        answer = handler_failed(request, exception);
      }
    }
    auto& response = *answer;
    tracing::clear_handed_over();
    keep_alive = keep_alive && !stopping;
    bool written =
        co_await write_response(connection, request, response, keep_alive, exchange->head);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    finish_span(span, request, response.status);
    metrics.record_request(route_index, response.status, seconds);
    if (options.access_log) log_access(request, response, seconds);
    co_return keep_alive&& written;
  }

  // Names the hop's span by its route (never the raw path: paths carry line numbers) and
  // sends it; probes and scrapes (/healthz, /readyz, /metrics) are not traced.
  static void finish_span(tracing::Span& span, const Request& request, int status) {
    if (!span.recording()) return;
    if (request.route == "/healthz" || request.route == "/readyz" || request.route == "/metrics") {
      span.discard();
      return;
    }
    span.set_name(request.method + " " + request.route);
    span.set_attribute("http.request.method", request.method);
    span.set_attribute("http.route", request.route);
    span.set_attribute("http.response.status_code", std::int64_t{status});
    span.set_attribute("phonebill.request_id", request.request_id);
    if (!request.upstream.empty()) span.set_attribute("phonebill.upstream", request.upstream);
    if (status >= 500) span.set_error("HTTP " + std::to_string(status));
    span.end();
  }

  void log_access(const Request& request, const Response& response, double seconds) {
    if (!log::enabled(log::Level::kInfo)) return;
    // Rendered straight into one reused buffer, not a JSON object per request (issue 17:
    // the access log stays on under load). Route patterns, never raw paths: paths can
    // carry line numbers.
    thread_local std::string fields;
    fields.clear();
    log::append_request_ids(fields, request.request_id, request.traceparent);
    log::append_field(fields, "method", request.method);
    log::append_field(fields, "route", request.route);
    log::append_field(fields, "status", std::int64_t{response.status});
    log::append_field(fields, "latencyMs", seconds * 1000.0);
    log::append_field(fields, "remote", request.remote_address);
    // Bodies only: the heads are bounded by the header limit and not worth a count.
    log::append_field(fields, "bytesIn", std::uint64_t{request.body.size()});
    log::append_field(fields, "bytesOut",
                      std::uint64_t{request.method == "HEAD" ? 0 : response.body.size()});
    if (auto agent = request.header("user-agent"); !agent.empty())
      log::append_field(fields, "userAgent", agent.substr(0, kLoggedUserAgentLength));
    if (!request.upstream.empty()) log::append_field(fields, "upstream", request.upstream);
    if (auto upstream = upstream_milliseconds(response))
      log::append_field(fields, "upstreamMs", *upstream);
    if (!request.user_id.empty()) log::append_field(fields, "user", request.user_id);
    log::write_rendered(log::Level::kInfo, "access", fields);
  }

  void begin_shutdown() {
    if (stopping.exchange(true)) return;
    asio::co_spawn(acceptor_strand, shutdown(shared_from_this()), asio::detached);
  }

  asio::awaitable<void> shutdown(std::shared_ptr<Impl> self) {
    log::info("shutdown_started");
    boost::system::error_code ignored;
    acceptor.close(ignored);
    {
      std::lock_guard lock{sessions_mutex};
      sessions.for_each([](Connection& connection) {
        asio::post(connection.socket.get_executor(),
                   [connection = connection.shared_from_this()] {
                     if (connection->open && connection->idle) {
                       boost::system::error_code ignored;
                       connection->socket.cancel(ignored);
                     }
                   });
      });
    }
    auto give_up = std::chrono::steady_clock::now() + options.shutdown_grace;
    asio::steady_timer timer{acceptor_strand};
    while (std::chrono::steady_clock::now() < give_up) {
      {
        std::lock_guard lock{sessions_mutex};
        if (sessions.empty()) break;
      }
      timer.expires_after(std::chrono::milliseconds{20});
      co_await timer.async_wait(kUseTuple);
    }
    if (shutdown_hook) co_await shutdown_hook();
    log::info("shutdown_complete");
    log::flush();
    io.stop();
    (void)self;
  }
};

Server::Server(asio::io_context& io, ServerOptions options, Router router)
    : impl_(std::make_shared<Impl>(io, std::move(options), std::move(router))) {}

Server::~Server() = default;

void Server::set_readiness_check(ReadinessCheck check) { impl_->readiness = std::move(check); }
void Server::set_error_renderer(ErrorRenderer renderer) {
  impl_->error_renderer = std::move(renderer);
}
void Server::set_shutdown_hook(ShutdownHook hook) { impl_->shutdown_hook = std::move(hook); }
Metrics& Server::metrics() { return impl_->metrics; }
const ServerOptions& Server::options() const { return impl_->options; }
std::uint16_t Server::listen() { return impl_->listen(); }
void Server::begin_shutdown() { impl_->begin_shutdown(); }

void Server::prepare(asio::awaitable<bool> preparation, std::function<void()> on_prepared) {
  asio::co_spawn(
      impl_->io, std::move(preparation),
      [impl = impl_, on_prepared = std::move(on_prepared)](std::exception_ptr failure, bool ready) {
        if (failure || !ready) {
          impl->preparation_failed = true;
          impl->begin_shutdown();
          return;
        }
        if (on_prepared) on_prepared();
        impl->prepared = true;
      });
}

bool Server::prepared() const { return impl_->prepared; }

int Server::serve() {
  try {
    listen();
  } catch (const std::exception& error) {
    log::error("listen_failed", {{"error", error.what()}});
    log::flush();
    return 1;
  }
  int code = run();
  return impl_->preparation_failed ? 1 : code;
}

int Server::run() {
  asio::signal_set signals{impl_->io, SIGINT, SIGTERM};
  signals.async_wait([impl = impl_](const boost::system::error_code& error, int) {
    if (!error) impl->begin_shutdown();
  });
  std::vector<std::thread> threads;
  for (int i = 1; i < impl_->options.io_threads; ++i)
    threads.emplace_back([this] { impl_->io.run(); });
  impl_->io.run();
  for (auto& thread : threads) thread.join();
  return 0;
}

}  // namespace phonebill::http
