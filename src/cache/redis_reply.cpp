// RedisReply constructors and printing, and conversion from hiredis's redisReply.
#include "cache/redis_reply.hpp"

#include <hiredis/hiredis.h>

#include <ostream>
#include <stdexcept>

#include "cache/redis_reply_conversion.hpp"

namespace phonebill::cache {

RedisReply RedisReply::from_integer(std::int64_t value) {
  RedisReply reply;
  reply.kind_ = Kind::kInteger;
  reply.integer_ = value;
  return reply;
}

RedisReply RedisReply::from_string(std::string value) {
  RedisReply reply;
  reply.kind_ = Kind::kString;
  reply.text_ = std::move(value);
  return reply;
}

RedisReply RedisReply::from_status(std::string value) {
  RedisReply reply;
  reply.kind_ = Kind::kStatus;
  reply.text_ = std::move(value);
  return reply;
}

RedisReply RedisReply::from_error(std::string message) {
  RedisReply reply;
  reply.kind_ = Kind::kError;
  reply.text_ = std::move(message);
  return reply;
}

RedisReply RedisReply::from_array(std::vector<RedisReply> elements) {
  RedisReply reply;
  reply.kind_ = Kind::kArray;
  reply.elements_ = std::move(elements);
  return reply;
}

std::string_view to_string(RedisErrorKind kind) {
  switch (kind) {
    case RedisErrorKind::kTimeout:
      return "timeout";
    case RedisErrorKind::kDisconnected:
      return "disconnected";
    case RedisErrorKind::kServer:
      return "server";
  }
  return "unknown";
}

std::string describe(const RedisReply& reply) {
  switch (reply.kind()) {
    case RedisReply::Kind::kNil:
      return "nil";
    case RedisReply::Kind::kInteger:
      return std::to_string(reply.integer());
    case RedisReply::Kind::kString:
      return "\"" + reply.text() + "\"";
    case RedisReply::Kind::kStatus:
      return "+" + reply.text();
    case RedisReply::Kind::kError:
      return "-" + reply.text();
    case RedisReply::Kind::kArray: {
      std::string text = "[";
      for (const auto& element : reply.elements()) {
        if (text.size() > 1) text += ", ";
        text += describe(element);
      }
      return text + "]";
    }
  }
  return "?";
}

std::ostream& operator<<(std::ostream& stream, const RedisReply& reply) {
  return stream << describe(reply);
}

std::ostream& operator<<(std::ostream& stream, const RedisError& error) {
  return stream << to_string(error.kind) << ": " << error.message;
}

void throw_exception_from_error(const RedisError& error, const boost::source_location&) {
  throw std::runtime_error("redis " + std::string{to_string(error.kind)} + ": " + error.message);
}

namespace detail {

RedisReply copy_reply(const redisReply& reply) {
  switch (reply.type) {
    case REDIS_REPLY_INTEGER:
      return RedisReply::from_integer(reply.integer);
    case REDIS_REPLY_STRING:
      return RedisReply::from_string(std::string(reply.str, reply.len));
    case REDIS_REPLY_STATUS:
      return RedisReply::from_status(std::string(reply.str, reply.len));
    case REDIS_REPLY_ERROR:
      return RedisReply::from_error(std::string(reply.str, reply.len));
    case REDIS_REPLY_ARRAY: {
      std::vector<RedisReply> elements;
      elements.reserve(reply.elements);
      for (std::size_t index = 0; index < reply.elements; ++index)
        elements.push_back(copy_reply(*reply.element[index]));
      return RedisReply::from_array(std::move(elements));
    }
    case REDIS_REPLY_NIL:
    default:
      return RedisReply{};
  }
}

RedisResult<RedisReply> convert_reply(const redisReply* reply) {
  if (reply == nullptr)
    return RedisError{RedisErrorKind::kDisconnected, "connection lost before the reply"};
  if (reply->type == REDIS_REPLY_ERROR)
    return RedisError{RedisErrorKind::kServer, std::string(reply->str, reply->len)};
  return copy_reply(*reply);
}

}  // namespace detail
}  // namespace phonebill::cache
