// Allocations per request of the HTTP core (issue 17 items 1-2), counted with a replaced
// global operator new (hence a binary of its own): an idle connection holds no read
// buffer, yet keep-alive requests must not allocate a fresh 8 KiB block each; a client
// exchange must not allocate per header field or per pool look-up.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "http/recycled_blocks.hpp"
#include "peek_counter.hpp"
#include "server_fixture.hpp"
#include "support/allocation_counter.hpp"
#include "support/loopback_connection.hpp"

namespace phonebill::http::testing {
namespace {

using test_support::start_counting_allocations;
using test_support::stop_counting_allocations;

// Sends one GET on a blocking loopback socket and reads its whole answer; false on any
// failure.
bool exchange(int descriptor, std::string& answer) {
  const std::string request = "GET /items/7 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  if (::send(descriptor, request.data(), request.size(), 0) != ssize_t(request.size()))
    return false;
  return test_support::read_answer(descriptor, answer) && answer.starts_with("HTTP/1.1 200");
}

// A keep-alive connection to `port` that has had one answer (the caches warmed), or -1.
int warmed_connection(std::uint16_t port, std::string& answer) {
  int descriptor = test_support::connect_loopback(port);
  answer.reserve(4096);
  if (descriptor >= 0 && !exchange(descriptor, answer)) {
    ::close(descriptor);
    return -1;
  }
  return descriptor;
}

TEST_F(ServerTest, KeepAliveRequestsReuseReadBlocks) {
  ServerOptions options;
  options.io_threads = 1;
  start(demo_routes(), options);
  std::string answer;
  int descriptor = warmed_connection(port_, answer);
  ASSERT_GE(descriptor, 0);
  constexpr int kRequests = 50;
  start_counting_allocations(kReadBlockBytes);
  // Each request after a pause: the server has answered and found nothing more to read,
  // so the connection went idle and released its buffer before the next one arrives.
  for (int i = 0; i < kRequests; ++i) {
    std::this_thread::sleep_for(3ms);
    ASSERT_TRUE(exchange(descriptor, answer)) << "request " << i;
  }
  auto counted = stop_counting_allocations();
  ::close(descriptor);
  // Before the blocks were recycled: one per request (50).
  EXPECT_LE(counted.watched, 2) << "8 KiB read blocks allocated for " << kRequests
                                << " keep-alive requests";
}

// The server's coroutine frames per request (serve_request, read_request, write_response;
// dispatch's until session 12) each stay within the 1,020 bytes Asio's per-thread frame cache keeps:
// a larger one is allocated and freed on every request, past glibc's tcache too (issue 17
// item 3). serve_request's frame held the parser, its field arena and the Request: 2.3 KB.
TEST_F(ServerTest, RequestFramesStayWithinAsiosFrameCache) {
  ServerOptions options;
  options.io_threads = 1;
  start(demo_routes(), options);
  std::string answer;
  int descriptor = warmed_connection(port_, answer);
  ASSERT_GE(descriptor, 0);
  constexpr int kRequests = 50;
  start_counting_allocations();
  for (int i = 0; i < kRequests; ++i) ASSERT_TRUE(exchange(descriptor, answer)) << "request " << i;
  auto counted = stop_counting_allocations();
  ::close(descriptor);
  std::printf("frames of 1 KiB or more per request: %.2f (aligned allocations %.2f)\n",
              double(counted.aligned_large) / kRequests, double(counted.aligned) / kRequests);
  // Before: one per request (serve_request's frame, 2,368 bytes).
  EXPECT_EQ(counted.aligned_large, 0) << "coroutine frames of 1 KiB or more for " << kRequests
                                      << " requests";
}

// A head as bill-inquiry gets it through the gateway (a bearer token, trace and
// forwarding headers: a dozen fields, 1-2.6 KB in Beast's fields) is parsed into the
// Exchange's arena and copied into a vector sized once: no block of 1 KiB or more per
// request. Before: the 1 KiB arena spilled (a 1.6 KB malloc) and the header vector grew
// past its 8 reserved fields (1 KiB).
TEST_F(ServerTest, AGatewaySizedHeadAllocatesNoLargeBlock) {
  ServerOptions options;
  options.io_threads = 1;
  start(demo_routes(), options);
  int descriptor = test_support::connect_loopback(port_);
  ASSERT_GE(descriptor, 0);
  std::string head = "GET /items/7 HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  head += "Authorization: Bearer " + std::string(700, 'a') + "\r\n";
  head += "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\r\n";
  head += "X-Request-Id: 4bf92f3577b34da6a3ce929d0e0e4736\r\n";
  head += "X-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Proto: https\r\n";
  head += "User-Agent: Mozilla/5.0 (X11; Linux x86_64) phonebill-test/1.0\r\n";
  head += "Accept: application/json\r\nAccept-Encoding: gzip, deflate\r\n";
  head += "Accept-Language: ko-KR,ko;q=0.9\r\nContent-Type: application/json\r\n";
  head += "Forwarded: for=203.0.113.7;proto=https\r\n\r\n";
  auto ask = [&](std::string& answer) {
    if (::send(descriptor, head.data(), head.size(), 0) != ssize_t(head.size())) return false;
    return test_support::read_answer(descriptor, answer) && answer.starts_with("HTTP/1.1 200");
  };
  std::string answer;
  answer.reserve(4096);
  ASSERT_TRUE(ask(answer));  // warms the caches
  constexpr int kRequests = 30;
  start_counting_allocations();
  for (int i = 0; i < kRequests; ++i) ASSERT_TRUE(ask(answer)) << "request " << i;
  auto counted = stop_counting_allocations();
  ::close(descriptor);
  std::printf("blocks of 1 KiB or more per request with a gateway-sized head: %.2f\n",
              double(counted.large) / kRequests);
  EXPECT_EQ(counted.large, 0) << "allocations of 1 KiB or more for " << kRequests << " requests";
  EXPECT_EQ(counted.aligned_large, 0);
}

// Allocations per client exchange, both sides counted, over `requests` GETs that each
// carry a 300-byte token (and, with `user_agent`, that header too) after one warm-up.
template <class Send>
double allocations_per_exchange(Send send, int requests, const char* user_agent) {
  auto with_headers = [user_agent](ClientRequest request) {
    if (user_agent != nullptr) request.headers.emplace_back("user-agent", user_agent);
    return request;
  };
  ClientRequest warm;
  warm.target = "/items/7";
  EXPECT_TRUE(send(with_headers(std::move(warm))).ok());
  start_counting_allocations();
  for (int i = 0; i < requests; ++i) {
    ClientRequest request;
    request.target = "/items/7";
    request.headers.emplace_back("authorization", "Bearer " + std::string(300, 'a'));
    auto result = send(with_headers(std::move(request)));
    EXPECT_TRUE(result.ok()) << "request " << i;
    if (result.ok()) EXPECT_EQ(result.response->status, 200);
  }
  return double(stop_counting_allocations().all) / requests;
}

// One HttpClient exchange with the server in the same process, both sides counted: the
// answer's header fields go to an arena and the pool look-up allocates nothing.
TEST_F(ServerTest, ClientExchangeAllocationsStayBounded) {
  ServerOptions options;
  options.io_threads = 1;
  start(demo_routes(), options);
  double per_request = allocations_per_exchange(sender(), 40, nullptr);
  // 53 per exchange before the arenas and the pool fix, 41 after.
  std::printf("allocations per client exchange (client and server): %.1f\n", per_request);
  RecordProperty("allocations_per_exchange", int(per_request));
  EXPECT_LE(per_request, 46) << "operator new calls per exchange, client and server";
}

// The access log (on in production, and in bench/gateway.sh --everything) renders its
// line straight into a reused buffer: with it on, an exchange allocates a few more than
// one without it (40 with the log off, 46 on). A boost::json object per line: 83.
TEST_F(ServerTest, AccessLogLineAllocatesLittle) {
  access_log_ = true;
  ServerOptions options;
  options.io_threads = 1;
  start(demo_routes(), options);
  double per_request =
      allocations_per_exchange(sender(), 20, "phonebill-test/1.0 (allocations)");
  std::printf("allocations per client exchange with the access log on: %.1f\n", per_request);
  EXPECT_LE(per_request, 52) << "operator new calls per exchange, access log on";
}

// Reusing a pooled connection that was idle a moment costs a GET no recv(MSG_PEEK) (it
// found nothing on every healthy connection: one failed system call per proxied request);
// a POST, which must never be written to a connection the peer closed, still looks.
TEST_F(ServerTest, ClientReusesAWarmConnectionWithoutAPeek) {
  ServerOptions options;
  options.io_threads = 1;
  start(demo_routes(), options);
  ClientRequest warm;
  warm.target = "/items/7";
  ASSERT_TRUE(send(warm).ok());
  constexpr int kRequests = 20;
  start_counting_peeks();
  for (int i = 0; i < kRequests; ++i) {
    ClientRequest request;
    request.target = "/items/7";
    auto result = send(std::move(request));
    ASSERT_TRUE(result.ok()) << "request " << i;
    ASSERT_EQ(result.response->status, 200);
  }
  long get_peeks = stop_counting_peeks();
  // Before: one per request (20).
  EXPECT_EQ(get_peeks, 0) << "recv(MSG_PEEK) calls for " << kRequests << " GETs";
  start_counting_peeks();
  ClientRequest post;
  post.method = "POST";
  post.target = "/echo";
  post.body = "{}";
  ASSERT_TRUE(send(std::move(post)).ok());
  EXPECT_EQ(stop_counting_peeks(), 1) << "a POST checks its pooled connection first";
}

// A pooled connection reads a 6 KB answer in one or two receives, not one per 512 bytes:
// Beast reads max(512, the buffer's free room), and a buffer that only grew by what each
// read left over stayed near 512 bytes (the gateway read a 2.3 KB bill in five recv
// calls under bench/bill.sh; issue 17, session 13).
TEST_F(ServerTest, ClientReadsALargeAnswerInFewReceives) {
  ServerOptions options;
  options.io_threads = 1;
  start(demo_routes(), options);
  const std::string body(6000, 'b');
  auto echo = [this, &body] {
    ClientRequest request;
    request.method = "POST";
    request.target = "/echo";
    request.body = body;
    return send(std::move(request));
  };
  auto warm = echo();
  ASSERT_TRUE(warm.ok());
  ASSERT_EQ(warm.response->body.size(), body.size());
  constexpr int kRequests = 10;
  start_counting_receives();
  for (int i = 0; i < kRequests; ++i) {
    auto result = echo();
    ASSERT_TRUE(result.ok()) << "request " << i;
    ASSERT_EQ(result.response->body, body);
  }
  double per_exchange = double(stop_counting_receives()) / kRequests;
  std::printf("recv calls per 6 KB exchange (client and server): %.1f\n", per_exchange);
  // 5 measured: the server's read of the 6 KB request (one 8 KiB block) and its try at
  // the next one, the client's look before reusing the connection for a POST, its try
  // before the answer is there and its read of the answer. Whether a try finds nothing
  // depends on timing, hence the margin. Before: 17 (the answer in 512-byte reads).
  EXPECT_LE(per_exchange, 8.0) << "recv calls per exchange";
}

// Operator new calls per request on the server's side: `head` (a whole request) sent on
// the keep-alive connection `descriptor` three times to warm the caches, then 30 times
// counted, each answered "ok" with 200; closes `descriptor`. -1 if an exchange failed.
double server_allocations_per_request(int descriptor, const std::string& head) {
  auto ask = [&](std::string& answer) {
    if (::send(descriptor, head.data(), head.size(), 0) != ssize_t(head.size())) return false;
    return test_support::read_answer(descriptor, answer) && answer.starts_with("HTTP/1.1 200");
  };
  std::string answer;
  answer.reserve(4096);
  for (int i = 0; i < 3; ++i)  // warms the caches
    if (!ask(answer)) return -1;
  constexpr int kRequests = 30;
  start_counting_allocations();
  bool answered = true;
  for (int i = 0; i < kRequests && answered; ++i) answered = ask(answer);
  auto counted = stop_counting_allocations();
  ::close(descriptor);
  return answered ? double(counted.all) / kRequests : -1;
}

// A request's strings (method, path, route, path parameters, request id, trace id,
// traceparent, header names and values) and the answer's head are written into the
// storage the previous request on this thread left in its Exchange: a request allocates
// nothing of its own (issue 17 item 3, session 12). Before: ten per request here (the
// path, the header list, the bearer token, the user agent, the path parameters, the
// request id, the trace id, a span id, the traceparent, the route) and the head.
TEST_F(ServerTest, ARequestsStringsReuseThePreviousRequestsStorage) {
  Router router;
  router.add("GET", "/api/v1/allocations/{line}", [](Request&) -> asio::awaitable<Response> {
    Response response{200, "text/plain", "ok", {}};  // nothing on the heap
    co_return response;
  });
  ServerOptions options;
  options.io_threads = 1;
  start(std::move(router), options);
  int descriptor = test_support::connect_loopback(port_);
  ASSERT_GE(descriptor, 0);
  // As wrk sends it through bench/gateway.sh: no request id, no traceparent (both made).
  std::string head = "GET /api/v1/allocations/01012345678 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n";
  head += "Authorization: Bearer " + std::string(300, 'a') + "\r\n";
  head += "User-Agent: Mozilla/5.0 (X11; Linux x86_64) phonebill-test/1.0\r\n\r\n";
  double per_request = server_allocations_per_request(descriptor, head);
  ASSERT_GE(per_request, 0) << "a request was not answered 200";
  std::printf("operator new calls per keep-alive request (server side): %.1f\n", per_request);
  EXPECT_LE(per_request, 1) << "operator new calls per request";
}

// A request's body is parsed into the storage the previous request on this thread left
// in its Exchange, as its other strings are (RequestParser). Before: Beast's parser filled
// a body string of its own, moved into the Request over the kept one: a malloc per
// request with a body past 15 bytes.
TEST_F(ServerTest, APostsBodyReusesThePreviousRequestsStorage) {
  Router router;
  router.add("POST", "/api/v1/allocations/{line}",
             [](Request& request) -> asio::awaitable<Response> {
               Response response{request.body.size() == 300 ? 200 : 400, "text/plain", "ok", {}};
               co_return response;
             });
  ServerOptions options;
  options.io_threads = 1;
  start(std::move(router), options);
  int descriptor = test_support::connect_loopback(port_);
  ASSERT_GE(descriptor, 0);
  std::string body = "{\"productCode\":\"" + std::string(282, 'p') + "\"}";
  ASSERT_EQ(body.size(), 300u);
  std::string head = "POST /api/v1/allocations/01012345678 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n";
  head += "Authorization: Bearer " + std::string(300, 'a') + "\r\n";
  head += "Content-Type: application/json\r\nContent-Length: 300\r\n\r\n" + body;
  double per_request = server_allocations_per_request(descriptor, head);
  ASSERT_GE(per_request, 0) << "a request was not answered 200";
  std::printf("operator new calls per keep-alive POST with a body (server side): %.2f\n",
              per_request);
  // 1.00 before (the body's own string), 0.00 after.
  EXPECT_LT(per_request, 0.5) << "operator new calls per request";
}

// A client call is one coroutine frame within the 1,020 bytes of Asio's per-thread frame
// cache: the answer's parser lives in the pooled connection, the socket operations are
// awaited without a frame each (deferred), and no timer is armed per read and write (the
// client's watchdog). Before (beast::tcp_stream, use_awaitable): the call's frame was
// 1,456 bytes in the Release build, a malloc on every call.
TEST_F(ServerTest, AClientCallsFrameStaysWithinAsiosFrameCache) {
  ServerOptions options;
  options.io_threads = 1;
  start(demo_routes(), options);
  ClientRequest warm;
  warm.target = "/items/7";
  ASSERT_TRUE(send(warm).ok());
  constexpr int kRequests = 40;
  start_counting_allocations();
  for (int i = 0; i < kRequests; ++i) {
    ClientRequest request;
    request.target = "/items/7";
    auto result = send(std::move(request));
    ASSERT_TRUE(result.ok()) << "request " << i;
  }
  auto counted = stop_counting_allocations();
  std::printf("client and server: frames of 1 KiB or more per exchange %.2f, aligned "
              "allocations %.2f\n",
              double(counted.aligned_large) / kRequests, double(counted.aligned) / kRequests);
  EXPECT_EQ(counted.aligned_large, 0) << "coroutine frames of 1 KiB or more for " << kRequests
                                      << " client calls";
}

TEST(ReadBlockCache, RecyclesBlocksUpToItsBound) {
  RecyclingAllocator<char> allocator;
  char* first = allocator.allocate(kReadBlockBytes);
  allocator.deallocate(first, kReadBlockBytes);
  EXPECT_EQ(allocator.allocate(kReadBlockBytes), first);  // the same block again
  std::vector<char*> blocks{first};
  for (std::size_t i = 0; i < ReadBlockCache::kMaxBlocks + 4; ++i)
    blocks.push_back(allocator.allocate(kReadBlockBytes));
  for (char* block : blocks) allocator.deallocate(block, kReadBlockBytes);
  EXPECT_EQ(ReadBlockCache::cached(), ReadBlockCache::kMaxBlocks);  // the rest were freed
  // Other sizes are plain allocations.
  char* other = allocator.allocate(100);
  allocator.deallocate(other, 100);
  EXPECT_EQ(ReadBlockCache::cached(), ReadBlockCache::kMaxBlocks);
}

}  // namespace
}  // namespace phonebill::http::testing
