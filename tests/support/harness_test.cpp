// Tests of the test harness itself, which every integration suite relies on:
// ChildProcess, the HTTP probes, the contract capture, CO_TEST / CO_ASSERT /
// run_coroutine, and the throwaway PostgreSQL and Redis.
#include <arpa/inet.h>
#include <gtest/gtest-spi.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <boost/json/parse.hpp>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <set>
#include <thread>

#include "support/child_process.hpp"
#include "support/coroutine_test.hpp"
#include "support/http_probe.hpp"
#include "support/response_capture.hpp"
#include "support/test_environment.hpp"

namespace phonebill::test_support {
namespace {

using namespace std::chrono_literals;
namespace net = boost::asio;

std::string log_file(const std::string& name) {
  return (make_temp_directory("harness") / name).string();
}

// Arguments and extra environment reach the program; both output streams reach the log.
TEST(ChildProcessTest, PassesEnvironmentAndArgumentsAndLogsOutput) {
  ChildProcess child{{.executable = "sh",
                      .arguments = {"-c", "echo \"$GREETING $0\"; echo oops >&2; exit 3", "world"},
                      .environment = {{"GREETING", "hello"}},
                      .log_path = log_file("child.log")}};
  EXPECT_EQ(child.wait_for_exit(5s), 3);
  EXPECT_FALSE(child.is_running());
  EXPECT_EQ(child.read_log(), "hello world\noops\n");
}

// A program that does not exist is reported at once, by name.
TEST(ChildProcessTest, MissingExecutableThrows) {
  try {
    ChildProcess child{{.executable = "/nonexistent/phonebill-service"}};
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string{error.what()}.find("phonebill-service"), std::string::npos);
  }
}

// stop() asks with SIGTERM first.
TEST(ChildProcessTest, StopEndsCooperativeProcessWithTerm) {
  ChildProcess child{{.executable = "sh", .arguments = {"-c", "exec sleep 30"}}};
  EXPECT_EQ(child.stop(5s), 128 + SIGTERM);
}

// stop() falls back to SIGKILL when SIGTERM is ignored.
TEST(ChildProcessTest, StopKillsProcessIgnoringTerm) {
  ChildProcess child{{.executable = "sh", .arguments = {"-c", "trap '' TERM; exec sleep 30"}}};
  std::this_thread::sleep_for(100ms);  // let the trap be installed
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(child.stop(200ms), 128 + SIGKILL);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

// A signal sent by the test is what the process dies of.
TEST(ChildProcessTest, SignalEndsProcess) {
  ChildProcess child{{.executable = "sleep", .arguments = {"30"}}};
  EXPECT_TRUE(child.is_running());
  child.send_signal(SIGKILL);
  EXPECT_EQ(child.wait_for_exit(5s), 128 + SIGKILL);
}

// Destroying a ChildProcess kills and reaps the process.
TEST(ChildProcessTest, DestructorKillsRunningProcess) {
  pid_t pid = -1;
  {
    ChildProcess child{{.executable = "sleep", .arguments = {"30"}}};
    pid = child.pid();
  }
  EXPECT_EQ(::kill(pid, 0), -1);
  EXPECT_EQ(errno, ESRCH);
}

// As root, `user` runs the program under that account.
TEST(ChildProcessTest, RunsAsAnotherUser) {
  const passwd* nobody = ::getpwnam("nobody");
  if (::geteuid() != 0 || nobody == nullptr) GTEST_SKIP() << "needs root and user nobody";
  ChildProcess child{
      {.executable = "id", .arguments = {"-u"}, .log_path = log_file("id.log"), .user = "nobody"}};
  EXPECT_EQ(child.wait_for_exit(5s), 0);
  EXPECT_EQ(child.read_log(), std::to_string(nobody->pw_uid) + "\n");
}

// A one-thread HTTP server answering each connection with the next status in turn.
class StatusServer {
 public:
  explicit StatusServer(std::vector<int> statuses) : statuses_(std::move(statuses)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(fd_, 8);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread{[this] { serve(); }};
  }
  ~StatusServer() {
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }
  std::uint16_t port() const { return port_; }

 private:
  void serve() {
    for (int status : statuses_) {
      const int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) return;
      char request[1024];
      (void)::recv(client, request, sizeof request, 0);
      // X-Test-Stand-In: not a phonebill service, so the contract check skips the answer.
      const std::string response = "HTTP/1.1 " + std::to_string(status) +
                                   " Status\r\nContent-Length: 0\r\nX-Test-Stand-In: status-server"
                                   "\r\nConnection: close\r\n\r\n";
      (void)::send(client, response.data(), response.size(), MSG_NOSIGNAL);
      ::close(client);
    }
  }

  std::vector<int> statuses_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

// Ports for children come from below the kernel's ephemeral range: a port from inside it
// could be taken by any outgoing connection before the child binds it (a gateway of
// ClientAddressTest once exited on such a listen failure). One process never gets one twice.
TEST(FindFreePortTest, StaysBelowTheEphemeralRangeAndNeverRepeats) {
  std::ifstream range{"/proc/sys/net/ipv4/ip_local_port_range"};
  int ephemeral_low = 0, ephemeral_high = 0;
  ASSERT_TRUE(range >> ephemeral_low >> ephemeral_high);
  std::set<std::uint16_t> seen;
  for (int i = 0; i < 200; ++i) {
    const auto port = find_free_port();
    EXPECT_LT(port, ephemeral_low);
    EXPECT_GE(port, 10000);
    EXPECT_TRUE(seen.insert(port).second) << "port " << port << " handed out twice";
  }
}

// Nothing listening: no status, and waiting for 200 gives up at the timeout.
TEST(HttpProbeTest, NothingListeningGivesNoStatus) {
  const auto port = find_free_port();
  EXPECT_EQ(http_get_status(port, "/readyz"), std::nullopt);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(wait_for_http_ok(port, "/readyz", 300ms));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

// The probe keeps polling through 503s until the service answers 200.
TEST(HttpProbeTest, WaitsThroughUnavailableUntilOk) {
  StatusServer server{{503, 503, 200}};
  EXPECT_EQ(http_get_status(server.port(), "/readyz"), 503);
  EXPECT_TRUE(wait_for_http_ok(server.port(), "/readyz", 5s));
}

// With PHONEBILL_CONTRACT_CAPTURE set, each response becomes one JSON line: header names
// lower-cased, text bodies kept, binary ones recorded as null.
TEST(ResponseCaptureTest, AppendsOneJsonLinePerResponse) {
  const auto directory = make_temp_directory("capture");
  const auto file = (directory / "responses.jsonl").string();
  const char* previous = std::getenv("PHONEBILL_CONTRACT_CAPTURE");
  const std::string saved = previous ? previous : "";
  ::setenv("PHONEBILL_CONTRACT_CAPTURE", file.c_str(), 1);
  capture_response("POST", "/api/v1/self-test?x=1", 409,
                   {{"Content-Type", "application/json"}, {"Retry-After", "3"}},
                   R"({"success":false})");
  capture_response("GET", "/asset.js.gz", 200, {{"content-type", "application/gzip"}},
                   std::string("\x1f\x8b\0", 3));
  if (previous)
    ::setenv("PHONEBILL_CONTRACT_CAPTURE", saved.c_str(), 1);
  else
    ::unsetenv("PHONEBILL_CONTRACT_CAPTURE");
  capture_response("GET", "/capture-self-test/after-restore", 200, {}, "");

  std::ifstream in{file};
  std::vector<boost::json::value> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(boost::json::parse(line));
  ASSERT_EQ(lines.size(), 2u);
  const auto& first = lines[0].as_object();
  EXPECT_EQ(first.at("method"), "POST");
  EXPECT_EQ(first.at("target"), "/api/v1/self-test?x=1");
  EXPECT_EQ(first.at("status"), 409);
  EXPECT_EQ(first.at("contentType"), "application/json");
  EXPECT_EQ(first.at("headers").at("retry-after"), "3");
  EXPECT_EQ(first.at("body"), R"({"success":false})");
  EXPECT_TRUE(lines[1].as_object().at("body").is_null());
}

net::awaitable<int> answer_after_a_pause() {
  net::steady_timer timer{co_await net::this_coro::executor, 10ms};
  co_await timer.async_wait(net::use_awaitable);
  co_return 42;
}

net::awaitable<void> throw_after_a_pause() {
  co_await answer_after_a_pause();
  throw std::runtime_error("body failed");
}

// run_coroutine returns the body's value and rethrows what escapes it.
TEST(RunCoroutineTest, ReturnsValueAndRethrows) {
  net::io_context io;
  EXPECT_EQ(run_coroutine(io, answer_after_a_pause()), 42);
  EXPECT_THROW(run_coroutine(io, throw_after_a_pause()), std::runtime_error);
}

// A body that never finishes is reported instead of hanging the suite.
TEST(RunCoroutineTest, HungBodyThrowsAfterTimeout) {
  net::io_context io;
  auto forever = []() -> net::awaitable<void> {
    net::steady_timer timer{co_await net::this_coro::executor, 1h};
    co_await timer.async_wait(net::use_awaitable);
  };
  EXPECT_THROW(run_coroutine(io, forever(), 100ms), std::runtime_error);
}

// CO_TEST bodies are coroutines on a fresh io_context.
CO_TEST(CoTest, BodyRunsAsCoroutine) { EXPECT_EQ(co_await answer_after_a_pause(), 42); }

bool g_reached_after_failed_assert = false;

net::awaitable<void> fail_then_continue() {
  CO_ASSERT_EQ(1, 2);
  g_reached_after_failed_assert = true;
}

// A failing CO_ASSERT records the failure and ends the body right there.
TEST(CoAssertTest, FailureEndsTheBody) {
  g_reached_after_failed_assert = false;
  EXPECT_FATAL_FAILURE(
      {
        net::io_context io;
        run_coroutine(io, fail_then_continue());
      },
      "Expected equality");
  EXPECT_FALSE(g_reached_after_failed_assert);
}

class HarnessFixture : public ::testing::Test {
 protected:
  int answer_ = 7;
};

// CO_TEST_F bodies see the fixture's members.
CO_TEST_F(HarnessFixture, BodySeesFixtureMembers) {
  co_await answer_after_a_pause();
  EXPECT_EQ(answer_, 7);
}

// Each created database is new, empty and reachable with the DSN given back.
TEST(PostgresHarnessTest, CreatesSeparateReachableDatabases) {
  const std::string first = create_database("harness");
  const std::string second = create_database("harness");
  EXPECT_NE(first, second);
  for (const auto& dsn : {first, second}) {
    PGconn* connection = PQconnectdb(dsn.c_str());
    EXPECT_EQ(PQstatus(connection), CONNECTION_OK) << PQerrorMessage(connection);
    PQfinish(connection);
  }
  PGconn* unreachable = PQconnectdb(unreachable_dsn().c_str());
  EXPECT_EQ(PQstatus(unreachable), CONNECTION_BAD);
  PQfinish(unreachable);
}

// Sends one inline command to the test Redis and returns the first reply line.
// Runs `command` in this process's test database; returns the first line of its reply.
std::string redis_reply(const std::string& command) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(redis_port());
  ::inet_pton(AF_INET, redis_host().c_str(), &address.sin_addr);
  const std::string url = redis_url();
  std::string reply;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    const std::string lines =
        "SELECT " + url.substr(url.rfind('/') + 1) + "\r\n" + command + "\r\n";
    (void)::send(fd, lines.data(), lines.size(), MSG_NOSIGNAL);
    char buffer[256];
    auto second_line_complete = [&] {
      auto first = reply.find("\r\n");
      return first != std::string::npos && reply.find("\r\n", first + 2) != std::string::npos;
    };
    while (!second_line_complete()) {
      const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
      if (got <= 0) break;
      reply.append(buffer, static_cast<std::size_t>(got));
    }
  }
  ::close(fd);
  auto first = reply.find("\r\n");
  if (first == std::string::npos) return {};
  reply = reply.substr(first + 2);
  return reply.substr(0, reply.find("\r\n"));
}

// The test Redis answers at redis_url(), and flush_redis empties it.
TEST(RedisHarnessTest, FlushEmptiesTheTestRedis) {
  // Each test process has a logical database of its own (1…1023).
  const std::string server = "redis://" + redis_host() + ":" + std::to_string(redis_port()) + "/";
  ASSERT_TRUE(redis_url().starts_with(server)) << redis_url();
  EXPECT_GE(std::stoi(redis_url().substr(server.size())), 1);
  EXPECT_EQ(redis_reply("SET harness:key value"), "+OK");
  EXPECT_EQ(redis_reply("EXISTS harness:key"), ":1");
  flush_redis();
  EXPECT_EQ(redis_reply("EXISTS harness:key"), ":0");
}

// The tree locations come from the build.
TEST(DirectoriesTest, SourceAndBuildDirectoriesExist) {
  EXPECT_TRUE(std::filesystem::exists(source_directory() + "/CMakeLists.txt"));
  EXPECT_TRUE(std::filesystem::exists(build_directory() + "/CMakeCache.txt"));
}

}  // namespace
}  // namespace phonebill::test_support
