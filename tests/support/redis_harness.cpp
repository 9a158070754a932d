// The integration-test harness, Redis half (see test_environment.hpp): the Redis named by
// PHONEBILL_TEST_REDIS_URL, or a redis-server started on first use on a free loopback
// port (no persistence) and killed when the test binary exits.
#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "support/child_process.hpp"
#include "support/test_environment.hpp"

namespace phonebill::test_support {
namespace {

using namespace std::chrono_literals;

// Sends inline commands (one per element) on one connection and returns the last reply's
// first line ("+PONG", "+OK", ":42").
std::string redis_commands(const std::string& host, std::uint16_t port,
                           const std::vector<std::string>& commands) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* addresses = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &addresses) != 0) return {};
  std::string reply;
  for (addrinfo* address = addresses; address != nullptr && reply.empty();
       address = address->ai_next) {
    const int fd = ::socket(address->ai_family, address->ai_socktype | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    timeval limit{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    std::string lines;
    for (const auto& command : commands) lines += command + "\r\n";
    if (::connect(fd, address->ai_addr, address->ai_addrlen) == 0 &&
        ::send(fd, lines.data(), lines.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(lines.size())) {
      char buffer[256];
      std::size_t complete = 0;
      while (complete < commands.size()) {
        const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
        if (got <= 0) break;
        reply.append(buffer, static_cast<std::size_t>(got));
        complete = 0;
        for (auto at = reply.find("\r\n"); at != std::string::npos; at = reply.find("\r\n", at + 2))
          ++complete;
      }
      // Keep only the last reply line.
      if (complete == commands.size() && reply.size() >= 2) {
        auto end = reply.rfind("\r\n");
        auto start = reply.rfind("\r\n", end - 1);
        reply = reply.substr(start == std::string::npos ? 0 : start + 2);
      }
    }
    ::close(fd);
  }
  ::freeaddrinfo(addresses);
  return reply.substr(0, reply.find("\r\n"));
}

std::string redis_command(const std::string& host, std::uint16_t port, const std::string& command) {
  return redis_commands(host, port, {command});
}

// Logical databases of a test Redis: each test process takes its own (1…1023), so that
// test binaries running in parallel against one server never flush each other's keys.
// Pub/sub channels are server-wide: tests must still name their channels uniquely.
constexpr int kTestDatabases = 1024;

// The Redis the tests use: external (PHONEBILL_TEST_REDIS_URL) or a throwaway server.
class RedisHarness {
 public:
  RedisHarness() {
    if (auto external = environment_variable("PHONEBILL_TEST_REDIS_URL")) {
      adopt_url(*external);
      take_database();
      return;
    }
    directory_ = make_temp_directory("redis");  // removed at exit, after the server
    host_ = "127.0.0.1";
    for (int attempt = 0; attempt < 3 && !server_; ++attempt) start_server();
    if (!server_)
      throw std::runtime_error("redis-server did not start; see " + directory_.string());
    url_ = "redis://127.0.0.1:" + std::to_string(port_);
    take_database();
  }
  ~RedisHarness() = default;  // SIGKILLs the server: nothing of it is kept

  const std::string& url() const { return url_; }
  const std::string& host() const { return host_; }
  std::uint16_t port() const { return port_; }
  int database() const { return database_; }

 private:
  // Takes the next logical database (round robin over 1…kTestDatabases-1, counted in
  // database 0) and points url_ at it.
  void take_database() {
    auto reply = redis_command(host_, port_, "INCR phonebill:test:next-database");
    if (reply.empty() || reply[0] != ':')
      throw std::runtime_error("test Redis answered '" + reply + "'");
    database_ = 1 + int((std::stoll(reply.substr(1)) - 1) % (kTestDatabases - 1));
    url_ = url_.substr(0, url_.find('/', url_.find("://") + 3)) + "/" + std::to_string(database_);
  }

  // redis://[user:password@]host[:port][/db]; credentials are not supported here.
  void adopt_url(const std::string& url) {
    url_ = url;
    std::string rest = url.substr(url.find("://") == std::string::npos ? 0 : url.find("://") + 3);
    if (auto at = rest.rfind('@'); at != std::string::npos) rest = rest.substr(at + 1);
    rest = rest.substr(0, rest.find('/'));
    const auto colon = rest.rfind(':');
    host_ = rest.substr(0, colon);
    port_ = colon == std::string::npos
                ? 6379
                : static_cast<std::uint16_t>(std::stoi(rest.substr(colon + 1)));
  }

  void start_server() {
    port_ = find_free_port();
    ChildProcess server{
        {.executable = "redis-server",
         .arguments = {"--port", std::to_string(port_), "--bind", "127.0.0.1", "--save", "",
                       "--appendonly", "no", "--databases", std::to_string(kTestDatabases), "--dir",
                       directory_.string()},
         .log_path = (directory_ / "redis.log").string()}};
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline && server.is_running()) {
      if (redis_command(host_, port_, "PING") == "+PONG") {
        server_.emplace(std::move(server));
        return;
      }
      std::this_thread::sleep_for(20ms);
    }
  }

  std::filesystem::path directory_;
  std::optional<ChildProcess> server_;
  std::string url_;
  std::string host_;
  std::uint16_t port_ = 0;
  int database_ = 0;
};

RedisHarness& redis() {
  static RedisHarness harness;
  return harness;
}

}  // namespace

const std::string& redis_url() { return redis().url(); }
std::string redis_host() { return redis().host(); }
std::uint16_t redis_port() { return redis().port(); }

void flush_redis() {
  const std::string reply = redis_commands(
      redis().host(), redis().port(), {"SELECT " + std::to_string(redis().database()), "FLUSHDB"});
  if (reply != "+OK") throw std::runtime_error("FLUSHDB answered '" + reply + "'");
}

}  // namespace phonebill::test_support
