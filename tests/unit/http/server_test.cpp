// The HTTP server and client together over loopback: limits, errors, built-in
// endpoints, keep-alive, deadlines and graceful shutdown.
#include "server_fixture.hpp"

using namespace phonebill::http;
using namespace phonebill::http::testing;
namespace asio = boost::asio;
using namespace std::chrono_literals;

// A matched route gets its decoded parameters, and the request id is echoed back.
TEST_F(ServerTest, RoutesWithParametersAndEchoesRequestId) {
  start(demo_routes());
  auto result = send({"GET", "/items/a%20b?q=%ED%95%9C", "", "", {{"X-Request-Id", "req-1"}}});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.response->status, 200);
  EXPECT_EQ(result.response->header("x-request-id"), "req-1");
  EXPECT_EQ(result.response->header("traceparent").size(), 55u);
  auto body = body_of(result);
  EXPECT_EQ(body["success"], true);
  EXPECT_EQ(body["data"].at("id"), "a b");
  EXPECT_EQ(body["data"].at("q"), "한");
}

// Unknown paths and wrong methods get SPEC §2 envelopes with a trace id.
TEST_F(ServerTest, UnknownRouteIs404AndWrongMethodIs405) {
  start(demo_routes());
  auto missing = send({"GET", "/nothing"});
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing.response->status, 404);
  auto error = body_of(missing)["error"].as_object();
  EXPECT_EQ(error["code"], "NOT_FOUND");
  EXPECT_EQ(error["traceId"].as_string().size(), 32u);
  auto wrong = send({"DELETE", "/echo"});
  EXPECT_EQ(wrong.response->status, 405);
  EXPECT_EQ(wrong.response->header("allow"), "POST");
}

// A handler that throws becomes a 500 INTERNAL_ERROR; the server keeps serving.
TEST_F(ServerTest, HandlerExceptionBecomes500) {
  start(demo_routes());
  auto result = send({"GET", "/boom"});
  EXPECT_EQ(result.response->status, 500);
  EXPECT_EQ(body_of(result)["error"].at("code"), "INTERNAL_ERROR");
  EXPECT_EQ(send({"GET", "/items/1"}).response->status, 200);
}

// Bodies over the limit are refused with 413 before the handler runs.
TEST_F(ServerTest, OversizedBodyIs413) {
  ServerOptions options;
  options.body_limit = 1024;
  start(demo_routes(), options);
  auto result = send({"POST", "/echo", std::string(2048, 'x')});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.response->status, 413);
  EXPECT_EQ(body_of(result)["error"].at("code"), "PAYLOAD_TOO_LARGE");
  EXPECT_EQ(send({"POST", "/echo", std::string(1000, 'y')}).response->body, std::string(1000, 'y'));
}

// Headers over the limit get 431; garbage gets 400; both close the connection.
TEST_F(ServerTest, OversizedHeadersAndGarbageAreRejected) {
  ServerOptions options;
  options.header_limit = 2048;
  start(demo_routes(), options);
  auto big = raw_exchange("GET /items/1 HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'a') +
                          "\r\n\r\n");
  EXPECT_NE(big.find("431"), std::string::npos) << big;
  auto garbage = raw_exchange("HELLO THERE\r\n\r\n");
  EXPECT_NE(garbage.find("400"), std::string::npos) << garbage;
}

// A chunked body reaches the handler joined; a chunked body over the limit gets its 413,
// as a Content-Length over it does.
TEST_F(ServerTest, ChunkedBodiesAreJoinedAndLimited) {
  ServerOptions options;
  options.body_limit = 1024;
  start(demo_routes(), options);
  auto echoed = raw_exchange(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
      "5;note=1\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  EXPECT_TRUE(echoed.starts_with("HTTP/1.1 200")) << echoed;
  EXPECT_TRUE(echoed.ends_with("\r\n\r\nhello world")) << echoed;
  std::string chunk(600, 'x');
  auto over =
      raw_exchange("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n" +
                   chunk + "\r\n258\r\n" + chunk + "\r\n0\r\n\r\n");
  EXPECT_TRUE(over.starts_with("HTTP/1.1 413")) << over;
}

// Handlers see header names lower-cased and values trimmed, whatever the client sent,
// and the request id of an X-REQUEST-ID field in capitals.
TEST_F(ServerTest, HandlersSeeLowerCasedHeaderNames) {
  Router router;
  router.add("GET", "/headers", [](Request& request) -> asio::awaitable<Response> {
    std::string seen;
    for (const auto& [name, value] : request.headers) seen += name + "=" + value + ";";
    co_return text_response(seen, "text/plain");
  });
  start(std::move(router));
  auto answer = raw_exchange(
      "GET /headers HTTP/1.1\r\nHOST: x\r\nX-Custom-Name:  Some Value \r\n"
      "X-REQUEST-ID: req-upper\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 200")) << answer;
  EXPECT_TRUE(
      answer.ends_with("host=x;x-custom-name=Some Value;x-request-id=req-upper;connection=close;"))
      << answer;
  EXPECT_NE(answer.find("X-Request-Id: req-upper"), std::string::npos) << answer;
}

// A client that starts a request and stalls is cut off at the header timeout.
TEST_F(ServerTest, SlowClientIsDisconnected) {
  ServerOptions options;
  options.header_timeout = 200ms;
  start(demo_routes(), options);
  auto started = std::chrono::steady_clock::now();
  auto answer = raw_exchange("GET /items/1 HTTP/1.1\r\nHost: x\r\n");
  EXPECT_TRUE(answer.empty());
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

// /healthz is always up; /readyz follows the readiness check; /metrics counts routes.
TEST_F(ServerTest, BuiltInEndpoints) {
  Router router = demo_routes();
  ServerOptions options;
  options.access_log = false;
  server_ = std::make_unique<Server>(io_, options, std::move(router));
  bool ready = false;
  server_->set_readiness_check([&ready]() -> asio::awaitable<Readiness> {
    co_return Readiness{ready, {{"database", ready ? "UP" : "DOWN"}}};
  });
  port_ = server_->listen();
  client_ = std::make_unique<HttpClient>(io_, ClientOptions{"127.0.0.1", port_});
  thread_ = std::thread([this] { io_.run(); });
  EXPECT_EQ(send({"GET", "/healthz"}).response->status, 200);
  EXPECT_EQ(send({"GET", "/readyz"}).response->status, 503);
  ready = true;
  EXPECT_EQ(send({"GET", "/readyz"}).response->status, 200);
  send({"GET", "/items/7"});
  auto metrics = send({"GET", "/metrics"}).response->body;
  EXPECT_NE(
      metrics.find("http_requests_total{method=\"GET\",route=\"/items/{id}\",status=\"200\"} 1"),
      std::string::npos)
      << metrics;
}

// Connections are kept alive and reused; one the server closed meanwhile is replaced.
TEST_F(ServerTest, ClientReusesAndReplacesConnections) {
  ServerOptions options;
  options.idle_timeout = 100ms;
  start(demo_routes(), options);
  EXPECT_EQ(send({"GET", "/items/1"}).response->status, 200);
  EXPECT_EQ(client_->idle_connections(), 1u);
  std::this_thread::sleep_for(300ms);  // the server drops the idle connection
  auto again = send({"GET", "/items/2"});
  ASSERT_TRUE(again.ok()) << again.error->message;
  EXPECT_EQ(again.response->status, 200);
}

// After a burst, the server closes every pooled connection at the same moment: each
// request still succeeds, because a stale pooled connection is replaced by a new one,
// never by another pooled one of the same age (the gateway's breaker opened on these).
TEST_F(ServerTest, ClientSurvivesAPoolOfStaleConnections) {
  ServerOptions options;
  options.idle_timeout = 100ms;
  start(demo_routes(), options);
  std::vector<std::future<ClientResult>> burst;
  auto deadline = std::chrono::steady_clock::now() + 2s;
  for (int i = 0; i < 20; ++i)
    burst.push_back(
        asio::co_spawn(io_, client_->send({"GET", "/slow"}, deadline), asio::use_future));
  for (auto& reply : burst) ASSERT_TRUE(reply.get().ok());
  EXPECT_GE(client_->idle_connections(), 10u);
  std::this_thread::sleep_for(300ms);  // the server drops them all
  for (int i = 0; i < 10; ++i) {
    auto again = send({"GET", "/items/3"});
    ASSERT_TRUE(again.ok()) << i << ": " << again.error->message;
  }
}

// Connections idle longer than max_idle_time are closed, not reused.
TEST_F(ServerTest, ClientRetiresLongIdleConnections) {
  start(demo_routes());
  HttpClient short_lived{io_, ClientOptions{"127.0.0.1", port_, 64, 8 * 1024 * 1024, 50ms}};
  auto call = [&] {
    return asio::co_spawn(
               io_, short_lived.send({"GET", "/items/4"}, std::chrono::steady_clock::now() + 2s),
               asio::use_future)
        .get();
  };
  ASSERT_TRUE(call().ok());
  EXPECT_EQ(short_lived.idle_connections(), 1u);
  std::this_thread::sleep_for(120ms);
  ASSERT_TRUE(call().ok());  // on a new connection; the expired one was closed
  EXPECT_EQ(short_lived.idle_connections(), 1u);
}

// A call past its deadline is a timeout; a closed port is a connect failure.
TEST_F(ServerTest, ClientDeadlineAndConnectFailure) {
  start(demo_routes());
  auto slow = send({"GET", "/slow"}, 50ms);
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.error->kind, ClientErrorKind::kTimeout);
  HttpClient nowhere{io_, ClientOptions{"127.0.0.1", 1}};
  auto result =
      asio::co_spawn(io_, nowhere.send({"GET", "/"}, std::chrono::steady_clock::now() + 1s),
                     asio::use_future)
          .get();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error->kind, ClientErrorKind::kConnectFailed);
  EXPECT_FALSE(result.error->request_sent);
}

// Shutdown lets an in-flight request finish, then stops the loop.
TEST_F(ServerTest, GracefulShutdownFinishesInFlightRequest) {
  start(demo_routes());
  auto deadline = std::chrono::steady_clock::now() + 2s;
  auto pending = asio::co_spawn(io_, client_->send({"GET", "/slow"}, deadline), asio::use_future);
  std::this_thread::sleep_for(100ms);
  bool hook_ran = false;
  server_->set_shutdown_hook([&hook_ran]() -> asio::awaitable<void> {
    hook_ran = true;
    co_return;
  });
  guard_.reset();
  server_->begin_shutdown();
  auto result = pending.get();
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.response->body, "done");
  thread_.join();
  EXPECT_TRUE(hook_ran);
}

// A body far over the limit still gets its 413: the server drains what the client keeps
// sending before closing, so the answer is not lost to a connection reset.
TEST_F(ServerTest, HugeBodyStillGets413) {
  ServerOptions options;
  options.body_limit = 1024;
  start(demo_routes(), options);
  for (int i = 0; i < 5; ++i) {
    auto result = send({"POST", "/echo", std::string(2 * 1024 * 1024, 'x')}, 5000ms);
    ASSERT_TRUE(result.ok()) << result.error->message;
    EXPECT_EQ(result.response->status, 413);
  }
}

// HEAD answers carry a length but no body; the client does not wait for one.
TEST_F(ServerTest, ClientHandlesHeadResponses) {
  start(demo_routes());
  auto result = send({"HEAD", "/items/1"});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.response->status, 200);
  EXPECT_TRUE(result.response->body.empty());
  EXPECT_EQ(send({"GET", "/items/2"}).response->status, 200);  // the connection is still in step
}

// A handler's rendered fields (Response::header_lines) reach the wire after its listed
// ones; one holding CR or LF, listed or rendered, or a listed one whose name is no token,
// was never added (no field of the handler's value's own making).
TEST_F(ServerTest, RenderedHeaderLinesReachTheClient) {
  Router router;
  router.add("GET", "/timed", [](Request&) -> asio::awaitable<Response> {
    auto response = text_response("ok", "text/plain");
    response.set_header("Retry-After", "1");
    response.set_header("Warning", "1\r\nX-Injected: 1");
    response.set_header("X-Bad\r\nX-Injected", "1");
    response.set_header("X-Bad Name", "1");
    response.add_header_line("Server-Timing", "upstream;dur=1.5");
    response.add_header_line("RateLimit", "x\r\nX-Injected: 1");
    co_return response;
  });
  start(std::move(router));
  auto result = send({"GET", "/timed"});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.response->status, 200);
  EXPECT_EQ(result.response->header("retry-after"), "1");
  EXPECT_EQ(result.response->header("server-timing"), "upstream;dur=1.5");
  EXPECT_EQ(result.response->header("ratelimit"), "");
  EXPECT_EQ(result.response->header("x-injected"), "");
  EXPECT_EQ(result.response->header("warning"), "");
  EXPECT_EQ(result.response->header("x-bad"), "");
  EXPECT_EQ(result.response->body, "ok");
}

// Framing headers and header lines with CR/LF never come from the caller.
TEST_F(ServerTest, ClientKeepsFramingToItself) {
  Router router;
  router.add("POST", "/headers", [](Request& request) -> asio::awaitable<Response> {
    boost::json::object seen;
    for (const auto& [name, value] : request.headers) seen[name] = value;
    seen["bodyBytes"] = request.body.size();
    co_return json_response(seen);
  });
  start(std::move(router));
  auto result = send({"POST",
                      "/headers",
                      "abc",
                      "text/plain",
                      {{"Content-Length", "999"},
                       {"Host", "evil"},
                       {"X-Split", "a\r\nX-Injected: 1"},
                       {"X-Fine", "yes"}}});
  ASSERT_TRUE(result.ok());
  auto body = body_of(result);
  EXPECT_EQ(body["bodyBytes"], 3);
  EXPECT_EQ(body["content-length"], "3");
  EXPECT_NE(body["host"], "evil");
  EXPECT_FALSE(body.contains("x-split"));
  EXPECT_FALSE(body.contains("x-injected"));
  EXPECT_EQ(body["x-fine"], "yes");
}
