// A redis-server of a test's own on a free loopback port (DEBUG enabled, no
// persistence), to kill and restart without disturbing the shared test Redis: for the
// "Redis goes away" tests of the cache, security and service suites. Header-only
// (hiredis for the PING probe); blocking, test code only.
#pragma once
#include <hiredis/hiredis.h>

#include <chrono>
#include <csignal>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/child_process.hpp"
#include "support/test_environment.hpp"

namespace phonebill::test_support {

// A redis-server on a free loopback port with DEBUG enabled (DEBUG SLEEP blocks it).
// Start, kill and restart from the test's main thread (ChildProcess's rule). Blocking.
class PrivateRedisServer {
 public:
  // `extra_arguments` go to redis-server as given (e.g. {"--requirepass", "secret"}).
  explicit PrivateRedisServer(std::vector<std::string> extra_arguments = {})
      : port_(find_free_port()),
        directory_(make_temp_directory("private-redis")),
        extra_arguments_(std::move(extra_arguments)) {
    start();
  }

  std::uint16_t port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

  // Starts it (again, on the same port) and waits until it answers PING.
  void start() {
    std::vector<std::string> arguments{"--port",
                                       std::to_string(port_),
                                       "--bind",
                                       "127.0.0.1",
                                       "--save",
                                       "",
                                       "--appendonly",
                                       "no",
                                       "--enable-debug-command",
                                       "yes",
                                       "--dir",
                                       directory_.string()};
    arguments.insert(arguments.end(), extra_arguments_.begin(), extra_arguments_.end());
    process_.emplace(ChildProcessOptions{.executable = "redis-server",
                                         .arguments = std::move(arguments),
                                         .log_path = (directory_ / "redis.log").string()});
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds{10};
    while (std::chrono::steady_clock::now() < end && process_->is_running()) {
      if (answers_ping()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
    throw std::runtime_error("private redis-server did not start: " + process_->read_log());
  }

  // SIGKILL: the server vanishes without a goodbye, as in a crash.
  void kill() {
    if (!process_) return;
    process_->send_signal(SIGKILL);
    process_->wait_for_exit(std::chrono::seconds{10});
    process_.reset();
  }

 private:
  // Any reply counts: with --requirepass, PING answers -NOAUTH, which still means "up".
  bool answers_ping() const {
    timeval timeout{0, 200'000};
    std::unique_ptr<redisContext, decltype(&redisFree)> context{
        redisConnectWithTimeout("127.0.0.1", port_, timeout), &redisFree};
    if (context == nullptr || context->err != 0) return false;
    auto* reply = static_cast<redisReply*>(redisCommand(context.get(), "PING"));
    bool ok = reply != nullptr;
    if (reply != nullptr) freeReplyObject(reply);
    return ok;
  }

  std::uint16_t port_;
  std::filesystem::path directory_;
  std::vector<std::string> extra_arguments_;
  std::optional<ChildProcess> process_;
};

}  // namespace phonebill::test_support
