// HttpClient against a scripted upstream over loopback: what happens when a pooled
// connection turns out to be dead — whether the request is sent again, and whether the
// error says truthfully that bytes of it went out (the gateway's retry rests on that).
#include <gtest/gtest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <atomic>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "http/client.hpp"

using namespace phonebill::http;
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using namespace std::chrono_literals;

namespace {

// What the scripted upstream does with one request it has read.
enum class Reaction {
  kAnswer,                           // 200 "ok", keep-alive
  kAnswerThenClose,                  // 200 "ok" announced keep-alive, then close while idle
  kCloseUnanswered,                  // read it, close the connection without a word
  kCloseUnansweredAndStopListening,  // the same, and refuse every connection from now on
  kSilent,                           // read it, never answer, keep the connection open
  kStallMidAnswer,                   // the status line and part of the head, then nothing
  kHalfClose,                        // shut down its sending side unanswered, keep reading
  kAnswerUntilClose,                 // 200 with no length: the body ends with the connection
  kAnswerInPieces,                   // 200 "hello world" in four writes, split mid-field
  kAnswerOverLimit,                  // 200 with a 64-byte body
};

// Reaction::kAnswerInPieces' writes.
constexpr std::string_view kAnswerPieces[] = {"HTTP/1.1 200 OK\r\nContent-Ty",
                                              "pe: text/plain\r\nContent-Le",
                                              "ngth: 11\r\n\r\nhello", " world"};

// A loopback upstream that reads each request with Beast and reacts as `script` says;
// it records every request it read (method and Content-Length of the answer it gave).
class ScriptedUpstream {
 public:
  using Script = std::function<Reaction(const std::string& method)>;

  ScriptedUpstream(asio::io_context& io, Script script, const char* address = "127.0.0.1")
      : acceptor_(io, {asio::ip::make_address(address), 0}), script_(std::move(script)) {
    asio::co_spawn(io, accept_loop(), asio::detached);
  }

  std::uint16_t port() const { return port_; }
  std::vector<std::string> methods_read() const {
    std::lock_guard lock{mutex_};
    return methods_;
  }
  int connections() const { return connections_; }
  std::vector<std::string> hosts_read() const {
    std::lock_guard lock{mutex_};
    return hosts_;
  }
  std::vector<std::size_t> body_sizes() const {
    std::lock_guard lock{mutex_};
    return body_sizes_;
  }

 private:
  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [error, socket] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
      if (error) co_return;
      ++connections_;
      asio::co_spawn(acceptor_.get_executor(), session(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> session(asio::ip::tcp::socket socket) {
    boost::beast::flat_buffer buffer;
    for (;;) {
      bhttp::request<bhttp::string_body> request;
      auto [error, read] =
          co_await bhttp::async_read(socket, buffer, request, asio::as_tuple(asio::use_awaitable));
      if (error) co_return;
      std::string method{request.method_string()};
      {
        std::lock_guard lock{mutex_};
        methods_.push_back(method);
        hosts_.emplace_back(request[bhttp::field::host]);
        body_sizes_.push_back(request.body().size());
      }
      auto reaction = script_(method);
      if (reaction == Reaction::kCloseUnansweredAndStopListening) {
        // Refuse first, so the client's replacement connection cannot be accepted.
        boost::system::error_code ignored;
        acceptor_.close(ignored);
      }
      if (reaction == Reaction::kCloseUnanswered ||
          reaction == Reaction::kCloseUnansweredAndStopListening)
        co_return;  // the socket closes here
      if (reaction == Reaction::kStallMidAnswer) {
        std::string part = "HTTP/1.1 200 OK\r\nContent-Type: text/pl";
        co_await asio::async_write(socket, asio::buffer(part), asio::as_tuple(asio::use_awaitable));
      }
      if (reaction == Reaction::kHalfClose) {
        boost::system::error_code ignored;
        socket.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
      }
      if (reaction == Reaction::kSilent || reaction == Reaction::kStallMidAnswer ||
          reaction == Reaction::kHalfClose) {
        // Holds the connection until the client closes it.
        char sink[256];
        for (;;) {
          auto [read_error, got] = co_await socket.async_read_some(
              asio::buffer(sink), asio::as_tuple(asio::use_awaitable));
          if (read_error) co_return;
        }
      }
      if (reaction == Reaction::kAnswerUntilClose) {
        std::string answer = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end";
        co_await asio::async_write(socket, asio::buffer(answer), asio::as_tuple(asio::use_awaitable));
        co_return;  // the close ends the body
      }
      if (reaction == Reaction::kAnswerInPieces) {
        for (std::string_view piece : kAnswerPieces) {
          co_await asio::async_write(socket, asio::buffer(piece.data(), piece.size()),
                                     asio::as_tuple(asio::use_awaitable));
          asio::steady_timer pause{socket.get_executor(), 5ms};  // separate receives, mostly
          co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
        }
        continue;
      }
      std::string answer =
          reaction == Reaction::kAnswerOverLimit
              ? "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 64\r\n\r\n" +
                    std::string(64, 'x')
              : "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok";
      co_await asio::async_write(socket, asio::buffer(answer), asio::as_tuple(asio::use_awaitable));
      if (reaction == Reaction::kAnswerThenClose) co_return;
    }
  }

  asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = acceptor_.local_endpoint().port();
  Script script_;
  mutable std::mutex mutex_;
  std::vector<std::string> methods_;
  std::vector<std::string> hosts_;
  std::vector<std::size_t> body_sizes_;
  std::atomic<int> connections_{0};
};

class ClientTest : public ::testing::Test {
 protected:
  ~ClientTest() override { stop(); }

  void stop() {
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }

  void start(ScriptedUpstream::Script script, ClientOptions options = {}) {
    upstream_ = std::make_unique<ScriptedUpstream>(io_, std::move(script));
    options.host = "127.0.0.1";
    options.port = upstream_->port();
    client_ = std::make_unique<HttpClient>(io_, std::move(options));
    thread_ = std::thread([this] { io_.run(); });
  }

  ClientResult send(std::string method, std::optional<bool> idempotent = std::nullopt,
                    std::chrono::milliseconds timeout = 2000ms) {
    return send_later(std::move(method), idempotent, timeout).get();
  }

  std::future<ClientResult> send_later(std::string method,
                                       std::optional<bool> idempotent = std::nullopt,
                                       std::chrono::milliseconds timeout = 2000ms) {
    ClientRequest request;
    request.method = std::move(method);
    request.target = "/api/v1/auth/refresh";
    if (request.method == "POST") request.body = R"({"refreshToken":"abc"})";
    request.idempotent = idempotent;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    return asio::co_spawn(io_, client_->send(std::move(request), deadline), asio::use_future);
  }

  asio::io_context io_;
  std::unique_ptr<ScriptedUpstream> upstream_;
  std::unique_ptr<HttpClient> client_;
  std::thread thread_;
};

// The upstream reads a POST on a pooled connection, then dies before answering and
// refuses new connections: the error must say the request went out, so the gateway does
// not send a refresh to another instance (auth would take it for a token reuse).
TEST_F(ClientTest, FailedReplacementConnectStillReportsThePostAsSent) {
  start([](const std::string& method) {
    return method == "GET" ? Reaction::kAnswer : Reaction::kCloseUnansweredAndStopListening;
  });
  ASSERT_TRUE(send("GET").ok());
  ASSERT_EQ(client_->idle_connections(), 1u);
  auto result = send("POST");
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error->request_sent);
  EXPECT_EQ(upstream_->methods_read(), (std::vector<std::string>{"GET", "POST"}));
}

// Same death with an idempotent request: the client may try a fresh connection, and
// when that connect is refused, the error still counts the bytes of the first write.
TEST_F(ClientTest, RequestSentCoversEveryConnectionOfTheCall) {
  int gets = 0;
  start([&gets](const std::string&) {
    return ++gets == 1 ? Reaction::kAnswer : Reaction::kCloseUnansweredAndStopListening;
  });
  ASSERT_TRUE(send("GET").ok());
  auto result = send("GET");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error->kind, ClientErrorKind::kConnectFailed);
  EXPECT_TRUE(result.error->request_sent);
}

// A POST the upstream read and left unanswered is not written again on a fresh
// connection, although the upstream still accepts: it may have acted on the first copy.
TEST_F(ClientTest, DeliveredPostIsNeverWrittenTwice) {
  start([](const std::string& method) {
    return method == "GET" ? Reaction::kAnswer : Reaction::kCloseUnanswered;
  });
  ASSERT_TRUE(send("GET").ok());
  auto result = send("POST");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error->kind, ClientErrorKind::kTransport);
  EXPECT_TRUE(result.error->request_sent);
  EXPECT_EQ(upstream_->methods_read(), (std::vector<std::string>{"GET", "POST"}));
}

// A POST the caller marks idempotent (KOS, same requestId) may go out again on a fresh
// connection after the pooled one died unanswered.
TEST_F(ClientTest, IdempotentPostIsResentOnAFreshConnection) {
  int posts = 0;
  start([&posts](const std::string& method) {
    if (method == "GET") return Reaction::kAnswer;
    return ++posts == 1 ? Reaction::kCloseUnanswered : Reaction::kAnswer;
  });
  ASSERT_TRUE(send("GET").ok());
  auto result = send("POST", true);
  ASSERT_TRUE(result.ok()) << result.error->message;
  EXPECT_EQ(posts, 2);
}

// A pooled connection the upstream closed while it sat idle is dropped before use, so a
// POST after it goes out once, on a fresh connection, and succeeds.
TEST_F(ClientTest, ConnectionClosedWhileIdleIsNotUsed) {
  start([](const std::string& method) {
    return method == "GET" ? Reaction::kAnswerThenClose : Reaction::kAnswer;
  });
  ASSERT_TRUE(send("GET").ok());
  // Bounded wait for the upstream's FIN to reach the client's socket.
  std::this_thread::sleep_for(100ms);
  auto result = send("POST");
  ASSERT_TRUE(result.ok()) << result.error->message;
  EXPECT_EQ(upstream_->methods_read(), (std::vector<std::string>{"GET", "POST"}));
  EXPECT_EQ(upstream_->connections(), 2);
}

// Deadlines (STYLE §6). The client arms no timer per read or write: a watchdog closes a
// connection whose call is past its deadline (HttpClient::Impl::watch). Each kind of
// stuck upstream must still end in a timeout at the deadline, never a hang.

// An upstream that reads the request and never answers: a timeout, the request was sent,
// and the connection is not pooled (its answer may still come and would be out of step).
TEST_F(ClientTest, SilentUpstreamTimesOutAtTheDeadline) {
  start([](const std::string&) { return Reaction::kSilent; });
  auto started = std::chrono::steady_clock::now();
  auto result = send("GET", std::nullopt, 200ms);
  auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error->kind, ClientErrorKind::kTimeout);
  EXPECT_TRUE(result.error->request_sent);
  EXPECT_GE(took, 200ms);  // not before its deadline
  EXPECT_LT(took, 1900ms);  // nor only when a longer wait would have ended it
  EXPECT_EQ(client_->idle_connections(), 0u);
}

// Part of the answer's head, then nothing: still a timeout, not a hang or a parse error.
TEST_F(ClientTest, AnswerStalledMidHeadTimesOut) {
  start([](const std::string&) { return Reaction::kStallMidAnswer; });
  auto result = send("GET", std::nullopt, 200ms);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error->kind, ClientErrorKind::kTimeout);
  EXPECT_EQ(client_->idle_connections(), 0u);
}

// The upstream half-closes without answering: the end of the stream is a transport error
// at once (the POST went out), not a wait for the deadline.
TEST_F(ClientTest, HalfClosedUpstreamIsATransportErrorBeforeTheDeadline) {
  start([](const std::string&) { return Reaction::kHalfClose; });
  auto started = std::chrono::steady_clock::now();
  auto result = send("POST", std::nullopt, 5000ms);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error->kind, ClientErrorKind::kTransport);
  EXPECT_TRUE(result.error->request_sent);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 4000ms);
}

// How an answer is framed: by the end of the stream (no length), in pieces split
// mid-field, over the body limit.
TEST_F(ClientTest, AnswerFramedByTheEndOfTheStreamIsComplete) {
  start([](const std::string&) { return Reaction::kAnswerUntilClose; });
  auto result = send("GET");
  ASSERT_TRUE(result.ok()) << result.error->message;
  EXPECT_EQ(result.response->status, 200);
  EXPECT_EQ(result.response->body, "until the end");
  // Before: pooled (the message's keep_alive() reads only the head), and the next call on
  // it met the closed connection.
  EXPECT_EQ(client_->idle_connections(), 0u) << "a connection the answer closed is not pooled";
}

TEST_F(ClientTest, AnswerInPiecesIsReadWhole) {
  start([](const std::string&) { return Reaction::kAnswerInPieces; });
  for (int i = 0; i < 2; ++i) {
    auto result = send("GET");
    ASSERT_TRUE(result.ok()) << result.error->message;
    EXPECT_EQ(result.response->header("content-type"), "text/plain");
    EXPECT_EQ(result.response->body, "hello world");
  }
  EXPECT_EQ(upstream_->connections(), 1) << "the connection was reused";
}

// A request larger than the socket takes at once (the upstream shares the client's one
// thread, so it reads nothing while the client writes): the client writes what the socket
// takes, then waits for room for the rest; on a fresh and then on a pooled connection.
TEST_F(ClientTest, RequestLargerThanTheSocketTakesIsWrittenWhole) {
  start([](const std::string&) { return Reaction::kAnswer; });
  constexpr std::size_t kBodyBytes = 1000 * 1000;  // under Beast's 1 MiB request limit
  for (int i = 0; i < 2; ++i) {
    ClientRequest request;
    request.method = "POST";
    request.target = "/upload";
    request.body = std::string(kBodyBytes, 'b');
    auto deadline = std::chrono::steady_clock::now() + 5s;
    auto call = client_->send(std::move(request), deadline);
    auto result = asio::co_spawn(io_, std::move(call), asio::use_future).get();
    ASSERT_TRUE(result.ok()) << result.error->message;
    EXPECT_EQ(result.response->body, "ok");
  }
  EXPECT_EQ(upstream_->body_sizes(), (std::vector<std::size_t>{kBodyBytes, kBodyBytes}));
  EXPECT_EQ(upstream_->connections(), 1) << "the connection was reused";
}

TEST_F(ClientTest, AnswerOverTheBodyLimitIsATransportError) {
  ClientOptions options;
  options.response_body_limit = 16;
  start([](const std::string&) { return Reaction::kAnswerOverLimit; }, std::move(options));
  auto result = send("GET");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error->kind, ClientErrorKind::kTransport);
  EXPECT_TRUE(result.error->request_sent);
  EXPECT_EQ(client_->idle_connections(), 0u);
}

// A call whose deadline comes before every other call's in flight ends at its own
// deadline: the watchdog wakes earlier for it, and the longer call goes on.
TEST_F(ClientTest, ShorterDeadlineEndsFirst) {
  start([](const std::string&) { return Reaction::kSilent; });
  auto longer = send_later("GET", std::nullopt, 3000ms);
  std::this_thread::sleep_for(50ms);  // the watchdog now waits for the longer deadline
  auto shorter = send("GET", std::nullopt, 100ms);
  ASSERT_FALSE(shorter.ok());
  EXPECT_EQ(shorter.error->kind, ClientErrorKind::kTimeout);
  EXPECT_EQ(longer.wait_for(0ms), std::future_status::timeout) << "the longer call ended too";
  auto result = longer.get();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error->kind, ClientErrorKind::kTimeout);
}

// A pooled connection outlives the deadline of the call that used it: a later call on it
// (with a later deadline) is not closed when the earlier deadline passes.
TEST_F(ClientTest, PooledConnectionOutlivesAnEarlierCallsDeadline) {
  start([](const std::string&) { return Reaction::kAnswer; });
  ASSERT_TRUE(send("GET", std::nullopt, 100ms).ok());
  ASSERT_EQ(client_->idle_connections(), 1u);
  std::this_thread::sleep_for(250ms);  // the first call's deadline has passed
  for (int i = 0; i < 3; ++i) {
    auto result = send("GET", std::nullopt, 2000ms);
    ASSERT_TRUE(result.ok()) << result.error->message;
  }
  EXPECT_EQ(upstream_->connections(), 1);  // the same connection throughout
}

// After a timeout the next call gets a fresh connection and succeeds.
TEST_F(ClientTest, CallAfterATimeoutSucceeds) {
  int calls = 0;
  start([&calls](const std::string&) {
    return ++calls == 1 ? Reaction::kSilent : Reaction::kAnswer;
  });
  auto first = send("GET", std::nullopt, 100ms);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error->kind, ClientErrorKind::kTimeout);
  auto second = send("GET");
  ASSERT_TRUE(second.ok()) << second.error->message;
  EXPECT_EQ(upstream_->connections(), 2);
}

// An IPv6 upstream is reached at its address and named in brackets in the Host header.
TEST_F(ClientTest, Ipv6UpstreamGetsABracketedHostHeader) {
  ScriptedUpstream upstream{io_, [](const std::string&) { return Reaction::kAnswer; }, "::1"};
  HttpClient client{io_, ClientOptions{"::1", upstream.port()}};
  thread_ = std::thread([this] { io_.run(); });
  ClientRequest request;
  auto result = asio::co_spawn(io_, client.send(request, std::chrono::steady_clock::now() + 2s),
                               asio::use_future)
                    .get();
  ASSERT_TRUE(result.ok()) << result.error->message;
  EXPECT_EQ(upstream.hosts_read(),
            std::vector<std::string>{"[::1]:" + std::to_string(upstream.port())});
  stop();  // before the upstream and client on this stack go
}

// Nothing listening at all: a refused connect sent nothing, so any request may be retried.
TEST_F(ClientTest, RefusedConnectReportsNothingSent) {
  asio::ip::tcp::acceptor probe{io_, {asio::ip::make_address("127.0.0.1"), 0}};
  auto closed_port = probe.local_endpoint().port();
  probe.close();
  HttpClient client{io_, ClientOptions{"127.0.0.1", closed_port}};
  thread_ = std::thread([this] {
    auto guard = asio::make_work_guard(io_);
    io_.run();
  });
  ClientRequest request;
  request.method = "POST";
  auto result = asio::co_spawn(io_, client.send(request, std::chrono::steady_clock::now() + 2s),
                               asio::use_future)
                    .get();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error->kind, ClientErrorKind::kConnectFailed);
  EXPECT_FALSE(result.error->request_sent);
  stop();  // before the client on this stack goes
}

}  // namespace
