// A redis-sentinel of a test's own, watching a PrivateRedisServer master, so a test can
// kill the master and watch a real failover (the Sentinel support of src/cache). Also a
// tiny blocking query helper for the setup steps. Header-only; test code only.
#pragma once
#include <hiredis/hiredis.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/child_process.hpp"
#include "support/test_environment.hpp"

namespace phonebill::test_support {

// Runs one command on 127.0.0.1:<port> (blocking, 500 ms timeout) and returns its reply
// flattened to text: a string or status as is, an integer in decimal, an array as its
// elements joined by '\n', nil or any failure as nullopt.
inline std::optional<std::string> redis_query(std::uint16_t port,
                                              const std::vector<std::string>& args) {
  timeval timeout{0, 500'000};
  std::unique_ptr<redisContext, decltype(&redisFree)> context{
      redisConnectWithTimeout("127.0.0.1", port, timeout), &redisFree};
  if (context == nullptr || context->err != 0) return std::nullopt;
  redisSetTimeout(context.get(), timeout);
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  for (const auto& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  auto* reply = static_cast<redisReply*>(
      redisCommandArgv(context.get(), static_cast<int>(args.size()), argv.data(), lengths.data()));
  if (reply == nullptr) return std::nullopt;
  std::optional<std::string> text;
  auto flat = [](const redisReply* r) -> std::string {
    if (r->type == REDIS_REPLY_INTEGER) return std::to_string(r->integer);
    if (r->str != nullptr) return std::string(r->str, r->len);
    return {};
  };
  if (reply->type == REDIS_REPLY_ARRAY) {
    text.emplace();
    for (std::size_t i = 0; i < reply->elements; ++i)
      *text += (i ? "\n" : "") + flat(reply->element[i]);
  } else if (reply->type != REDIS_REPLY_NIL && reply->type != REDIS_REPLY_ERROR) {
    text = flat(reply);
  }
  freeReplyObject(reply);
  return text;
}

// "role:master" and such from INFO: the value of `field` in section `section`.
inline std::string redis_info_field(std::uint16_t port, const std::string& section,
                                    const std::string& field) {
  auto info = redis_query(port, {"INFO", section}).value_or("");
  auto at = info.find(field + ":");
  if (at == std::string::npos) return {};
  auto start = at + field.size() + 1;
  return info.substr(start, info.find_first_of("\r\n", start) - start);
}

// Blocks until `condition` holds or `timeout` passes; true when it held.
template <class Condition>
bool wait_blocking(Condition condition, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
  return condition();
}

// One sentinel monitoring `master_name` at 127.0.0.1:<master_port> with quorum 1, so it
// fails over alone: master down after `down_after`, then a replica promoted.
class PrivateRedisSentinel {
 public:
  PrivateRedisSentinel(std::string master_name, std::uint16_t master_port,
                       std::chrono::milliseconds down_after = std::chrono::milliseconds{1000})
      : port_(find_free_port()), directory_(make_temp_directory("private-sentinel")) {
    const auto config = directory_ / "sentinel.conf";
    {
      std::ofstream out{config};
      out << "port " << port_ << "\nbind 127.0.0.1\ndir " << directory_.string()
          << "\nsentinel announce-ip 127.0.0.1\n"
          << "sentinel monitor " << master_name << " 127.0.0.1 " << master_port << " 1\n"
          << "sentinel down-after-milliseconds " << master_name << " " << down_after.count() << "\n"
          << "sentinel failover-timeout " << master_name << " 10000\n";
    }
    process_.emplace(ChildProcessOptions{.executable = "redis-sentinel",
                                         .arguments = {config.string()},
                                         .log_path = (directory_ / "sentinel.log").string()});
    if (!wait_blocking([&] { return redis_query(port_, {"PING"}) == "PONG"; },
                       std::chrono::seconds{10}))
      throw std::runtime_error("private redis-sentinel did not start: " + process_->read_log());
  }

  std::uint16_t port() const { return port_; }
  std::string log() { return process_->read_log(); }

 private:
  std::uint16_t port_;
  std::filesystem::path directory_;
  std::optional<ChildProcess> process_;
};

}  // namespace phonebill::test_support
