// A Lua script that Redis runs by its SHA-1 (EVALSHA), so a request sends 40 bytes instead
// of the script; the script itself goes over only when the server does not have it yet
// (NOSCRIPT: first use, or the server restarted). Stateless; any thread. Entry point:
// RedisScript::run.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "cache/redis_client.hpp"

namespace phonebill::gateway {

class RedisScript {
 public:
  explicit RedisScript(std::string source);

  // The script's reply, or the client's error (kServer for an error the script raised).
  boost::asio::awaitable<cache::RedisResult<cache::RedisReply>> run(cache::RedisClient& client,
                                                                    std::vector<std::string> keys,
                                                                    std::vector<std::string> args,
                                                                    Deadline deadline) const;

  const std::string& sha1() const { return sha1_; }

 private:
  std::string source_;
  std::string sha1_;  // lowercase hex, as EVALSHA wants it
};

}  // namespace phonebill::gateway
