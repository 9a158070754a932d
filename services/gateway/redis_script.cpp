// RedisScript: EVALSHA first, EVAL once on NOSCRIPT (which also stores the script again).
#include "redis_script.hpp"

#include <openssl/evp.h>

#include <cstdio>

namespace phonebill::gateway {
namespace {

std::string sha1_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha1(), nullptr);
  std::string hex;
  char pair[3];
  for (unsigned int index = 0; index < length; ++index) {
    std::snprintf(pair, sizeof pair, "%02x", digest[index]);
    hex += pair;
  }
  return hex;
}

}  // namespace

RedisScript::RedisScript(std::string source)
    : source_(std::move(source)), sha1_(sha1_hex(source_)) {}

boost::asio::awaitable<cache::RedisResult<cache::RedisReply>> RedisScript::run(
    cache::RedisClient& client, std::vector<std::string> keys, std::vector<std::string> args,
    Deadline deadline) const {
  auto command = cache::redis_args("EVALSHA", sha1_, keys.size());
  command.insert(command.end(), keys.begin(), keys.end());
  command.insert(command.end(), args.begin(), args.end());
  auto reply = co_await client.command(std::move(command), deadline);
  if (reply || reply.error().kind != cache::RedisErrorKind::kServer ||
      !reply.error().message.starts_with("NOSCRIPT"))
    co_return reply;
  co_return co_await client.eval(source_, std::move(keys), std::move(args), deadline);
}

}  // namespace phonebill::gateway
