// Slow and hostile clients through a real server (SPEC §2): the request head has one
// deadline counted from its first byte, a body must keep a minimum rate, connections are
// capped per address and in total, running out of descriptors pauses accepting instead
// of spinning or failing, and a malformed request part is a 400 VALIDATION_ERROR, never
// a handler's 500.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/log.hpp"
#include "http/history_query.hpp"
#include "server_fixture.hpp"

using namespace phonebill;
using namespace phonebill::http;
using namespace phonebill::http::testing;
using namespace std::chrono_literals;

namespace {

class SlowClientTest : public ServerTest {
 protected:
  // A blocking TCP connection from `source` (any 127.0.0.0/8 address works on Linux).
  int connect_from(const char* source) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return fd;
    sockaddr_in local{};
    local.sin_family = AF_INET;
    inet_pton(AF_INET, source, &local.sin_addr);
    sockaddr_in remote{};
    remote.sin_family = AF_INET;
    remote.sin_port = htons(port_);
    inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
        ::connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0) {
      ::close(fd);
      return -1;
    }
    sockets_.push_back(fd);
    return fd;
  }

  ~SlowClientTest() override {
    for (int fd : sockets_) ::close(fd);
  }

  static bool send_text(int fd, std::string_view text) {
    return ::send(fd, text.data(), text.size(), MSG_NOSIGNAL) == ssize_t(text.size());
  }

  // True once the server has closed the connection (EOF or reset within `wait`).
  static bool closed_by_server(int fd, std::chrono::milliseconds wait) {
    pollfd entry{fd, POLLIN, 0};
    if (::poll(&entry, 1, int(wait.count())) <= 0) return false;
    char byte;
    return ::recv(fd, &byte, 1, MSG_DONTWAIT | MSG_PEEK) <= 0;
  }

  // Everything the server sends until it closes the connection or `wait` passes.
  static std::string read_answer(int fd, std::chrono::milliseconds wait) {
    std::string answer;
    auto until = std::chrono::steady_clock::now() + wait;
    char chunk[4096];
    while (std::chrono::steady_clock::now() < until) {
      pollfd entry{fd, POLLIN, 0};
      if (::poll(&entry, 1, 50) <= 0) continue;
      auto n = ::recv(fd, chunk, sizeof chunk, MSG_DONTWAIT);
      if (n <= 0) break;
      answer.append(chunk, std::size_t(n));
      if (answer.find("\r\n\r\n") != std::string::npos &&
          answer.find("Content-Length") != std::string::npos)
        break;
    }
    return answer;
  }

  // Sends `text` one byte per `interval` until the server closes the connection; returns
  // how long the server let it go on (or `limit`).
  static std::chrono::milliseconds trickle(int fd, std::string_view text,
                                           std::chrono::milliseconds interval,
                                           std::chrono::milliseconds limit) {
    auto started = std::chrono::steady_clock::now();
    auto elapsed = [&] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - started);
    };
    for (std::size_t i = 0; elapsed() < limit; ++i) {
      if (!send_text(fd, text.substr(i % text.size(), 1))) break;
      if (closed_by_server(fd, interval)) break;
    }
    return elapsed();
  }

  std::vector<int> sockets_;
};

}  // namespace

// One header byte every 100 ms used to re-arm the header timeout forever; now the head
// must be complete within header_timeout of its first byte.
TEST_F(SlowClientTest, HeadDeadlineIsNotRearmedByTrickledBytes) {
  ServerOptions options;
  options.header_timeout = 600ms;
  start(demo_routes(), options);
  int fd = connect_from("127.0.0.1");
  ASSERT_GE(fd, 0);
  auto held = trickle(fd, "GET /items/1 HTTP/1.1\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                      100ms, 4000ms);
  EXPECT_GE(held, 500ms);
  EXPECT_LT(held, 1500ms) << "the trickling client kept its connection";
  EXPECT_EQ(server_->metrics().connections_timed_out(Metrics::TimeoutPhase::kHead), 1);
}

// A body slower than min_body_rate (after the grace) is cut off; one at a fair rate is served.
TEST_F(SlowClientTest, SlowBodyIsClosedAndFairBodyIsServed) {
  ServerOptions options;
  options.header_timeout = 5000ms;
  options.min_body_rate = 1000;
  options.body_rate_grace = 300ms;
  start(demo_routes(), options);
  int slow = connect_from("127.0.0.1");
  ASSERT_TRUE(send_text(slow, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 20000\r\n\r\n"));
  auto held = trickle(slow, "0123456789", 50ms, 4000ms);  // 20 bytes/s
  EXPECT_LT(held, 1500ms) << "the slow body kept its connection";
  EXPECT_EQ(server_->metrics().connections_timed_out(Metrics::TimeoutPhase::kBody), 1);

  int fair = connect_from("127.0.0.1");
  ASSERT_TRUE(send_text(fair, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3000\r\n\r\n"));
  for (int i = 0; i < 10; ++i) {  // 300 bytes every 100 ms: 3,000 bytes/s
    ASSERT_TRUE(send_text(fair, std::string(300, 'f')));
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(read_answer(fair, 2000ms).starts_with("HTTP/1.1 200")) << "the fair body was refused";
}

// Past max_connections_per_address a new connection from that address is closed at once;
// other addresses are still served.
TEST_F(SlowClientTest, PerAddressCapClosesTheExtraConnection) {
  ServerOptions options;
  options.max_connections_per_address = 2;
  start(demo_routes(), options);
  int first = connect_from("127.0.0.1");
  int second = connect_from("127.0.0.1");
  ASSERT_TRUE(send_text(first, "GET /items/1 HTTP/1.1\r\n"));
  ASSERT_TRUE(send_text(second, "GET /items/2 HTTP/1.1\r\n"));
  int third = connect_from("127.0.0.1");
  ASSERT_GE(third, 0);
  EXPECT_TRUE(closed_by_server(third, 1000ms)) << "a third connection from one address was kept";
  EXPECT_FALSE(closed_by_server(first, 0ms));
  int other = connect_from("127.0.0.2");
  ASSERT_TRUE(send_text(other, "GET /items/3 HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(read_answer(other, 2000ms).starts_with("HTTP/1.1 200"));
  EXPECT_EQ(server_->metrics().connections_rejected(Metrics::Rejection::kPerAddressLimit), 1);
  // The held connections still complete their requests.
  ASSERT_TRUE(send_text(first, "Host: x\r\n\r\n"));
  EXPECT_TRUE(read_answer(first, 2000ms).starts_with("HTTP/1.1 200"));
}

// Past max_connections any new connection is closed at once, until one ends.
TEST_F(SlowClientTest, TotalCapClosesConnectionsUntilOneEnds) {
  ServerOptions options;
  options.max_connections = 2;
  options.max_connections_per_address = 0;
  start(demo_routes(), options);
  int first = connect_from("127.0.0.2");
  int second = connect_from("127.0.0.3");
  ASSERT_TRUE(send_text(first, "GET /items/1 HTTP/1.1\r\n"));
  ASSERT_TRUE(send_text(second, "GET /items/2 HTTP/1.1\r\n"));
  int third = connect_from("127.0.0.4");
  EXPECT_TRUE(closed_by_server(third, 1000ms)) << "a connection over the total cap was kept";
  EXPECT_EQ(server_->metrics().connections_rejected(Metrics::Rejection::kTotalLimit), 1);
  ::shutdown(first, SHUT_RDWR);
  bool served = false;
  for (int attempt = 0; attempt < 20 && !served; ++attempt) {  // until the server saw the close
    std::this_thread::sleep_for(50ms);
    int next = connect_from("127.0.0.5");
    served = send_text(next, "GET /items/3 HTTP/1.1\r\nHost: x\r\n\r\n") &&
             read_answer(next, 1000ms).starts_with("HTTP/1.1 200");
  }
  EXPECT_TRUE(served);
}

// With no descriptor left, accept fails with EMFILE: the server pauses and retries (a
// handful of failures, not a spin), keeps running, and serves the waiting connection
// once descriptors are free again. While no descriptor is free the test makes only system
// calls: the sanitizers' first look at an object's type needs a pipe (two descriptors),
// so every type the window touches is met once before it (a request, a log line).
TEST_F(SlowClientTest, AcceptBacksOffWhenDescriptorsRunOut) {
  start(demo_routes());
  int warm = connect_from("127.0.0.1");
  ASSERT_TRUE(send_text(warm, "GET /items/8 HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(read_answer(warm, 2000ms).starts_with("HTTP/1.1 200"));
  phonebill::log::warn("emfile_test_started");
  int client = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(client, 0);
  sockets_.push_back(client);
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(port_);
  remote.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  rlimit original{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &original), 0);
  rlimit lowered = original;
  lowered.rlim_cur = std::min<rlim_t>(original.rlim_cur, 1024);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &lowered), 0);
  std::vector<int> filler;
  filler.reserve(1024);
  for (int fd; (fd = ::open("/dev/null", O_RDONLY)) >= 0;) filler.push_back(fd);
  bool connected = ::connect(client, reinterpret_cast<sockaddr*>(&remote), sizeof remote) == 0;
  const char request[] = "GET /items/9 HTTP/1.1\r\nHost: x\r\n\r\n";
  bool sent = connected && ::send(client, request, sizeof request - 1, MSG_NOSIGNAL) ==
                               ssize_t(sizeof request - 1);
  timespec pause{0, 500'000'000};
  ::nanosleep(&pause, nullptr);
  for (int fd : filler) ::close(fd);
  setrlimit(RLIMIT_NOFILE, &original);
  ASSERT_TRUE(connected && sent);
  auto failures = server_->metrics().accept_failures();
  EXPECT_GE(failures, 1) << "accept never failed: descriptors were left";
  EXPECT_LE(failures, 20) << "accept spun on EMFILE";
  EXPECT_TRUE(read_answer(client, 2000ms).starts_with("HTTP/1.1 200"));
}

namespace {

class MalformedRequestTest : public ServerTest {
 protected:
  // A route that reads its query the way the history lists do.
  static Router history_routes() {
    Router router = demo_routes();
    router.add("GET", "/history", [](Request& request) -> asio::awaitable<Response> {
      FieldErrors errors;
      HistoryStatuses statuses{[](std::string_view status) { return status == "SUCCESS"; },
                               "must be SUCCESS"};
      auto filter =
          validate_history_query(HistoryQuery::from_request(request), "u", statuses, errors);
      if (!errors.empty()) co_return error_response(request, validation_error(errors));
      co_return success_response(boost::json::object{{"page", filter.page.number}});
    });
    return router;
  }
};

}  // namespace

// `?page=%zz` used to throw out of Boost.URL in the handler: a 500 INTERNAL_ERROR.
TEST_F(MalformedRequestTest, MalformedQueryIs400NotInternalError) {
  start(history_routes());
  for (const char* target : {"/history?page=%zz", "/history?page=%", "/history?page=%ff",
                             "/history?page=1&status=%00", "/items/1?q=%g1"}) {
    auto result = send({"GET", target});
    ASSERT_TRUE(result.ok()) << target;
    EXPECT_EQ(result.response->status, 400) << target;
    auto error = body_of(result)["error"].as_object();
    EXPECT_EQ(error["code"], "VALIDATION_ERROR") << target;
    EXPECT_EQ(error["details"].as_array().at(0).at("field"), "query") << target;
  }
  // Characters browsers leave unencoded are data, not errors.
  auto plain = send({"GET", "/history?page=2&status=a|b"});
  EXPECT_EQ(plain.response->status, 400);  // the status validator's answer, not the server's
  EXPECT_EQ(body_of(plain)["error"].at("details").as_array().at(0).at("field"), "status");
  EXPECT_EQ(send({"GET", "/history?page=2"}).response->status, 200);
}

// A path with a malformed escape or an encoded control character is a 400 too.
TEST_F(MalformedRequestTest, MalformedPathIs400) {
  start(history_routes());
  for (const char* target : {"/items/%zz", "/items/%", "/items/%00", "/items/%C3%28"}) {
    auto result = send({"GET", target});
    ASSERT_TRUE(result.ok()) << target;
    EXPECT_EQ(result.response->status, 400) << target;
    EXPECT_EQ(body_of(result)["error"].at("details").as_array().at(0).at("field"), "path")
        << target;
  }
  auto absolute = raw_exchange(
      "GET http://example.com/items/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(absolute.starts_with("HTTP/1.1 400")) << absolute;
}

// A long header value (a bearer token: checked in 32-byte blocks, http/byte_scan.hpp) is
// refused for a control or a bad UTF-8 byte anywhere in it, the tail included; a tab
// passes (RFC 9110 field-value).
TEST_F(MalformedRequestTest, LongHeaderValueIsCheckedToItsLastByte) {
  start(history_routes());
  auto exchange = [this](const std::string& value) {
    return raw_exchange("GET /items/1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + value +
                        "\r\nConnection: close\r\n\r\n");
  };
  const std::string token(70, 'a');  // with "Bearer ": two whole blocks and a tail
  auto plain = exchange(token);
  EXPECT_TRUE(plain.starts_with("HTTP/1.1 200")) << plain;
  for (std::size_t at : {std::size_t{3}, std::size_t{40}, token.size() - 1}) {
    auto with_control = token;
    with_control[at] = '\x7F';
    // Beast's parser refuses a control or DEL itself (a 400 without field details); the
    // server's own check stays the second line behind it.
    auto answer = exchange(with_control);
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 400")) << at << ": " << answer;
    auto not_utf8 = token;
    not_utf8[at] = '\xff';
    answer = exchange(not_utf8);
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 400")) << at << ": " << answer;
    EXPECT_NE(answer.find("authorization: not valid UTF-8"), std::string::npos) << answer;
    auto with_tab = token;
    with_tab[at] = '\t';
    answer = exchange(with_tab);
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 200")) << at << ": " << answer;
  }
}

// Header values that are not UTF-8 are refused before a handler sees them; the answer
// names the header but never echoes its value.
TEST_F(MalformedRequestTest, NonUtf8HeaderValueIs400) {
  start(history_routes());
  auto answer = raw_exchange(
      "GET /items/1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xff\xfe\r\n"
      "Connection: close\r\n\r\n");
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 400")) << answer;
  EXPECT_NE(answer.find("authorization: not valid UTF-8"), std::string::npos) << answer;
  EXPECT_EQ(answer.find("\xff"), std::string::npos);
}
