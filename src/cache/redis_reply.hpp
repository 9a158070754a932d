// What a Redis command gives back, as plain values: RedisReply (nil, integer, string,
// status, array, or an error nested inside an array) or RedisError (timeout,
// disconnected, server error). RedisResult<T> carries one or the other (STYLE §5).
#pragma once
#include <boost/system/result.hpp>

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "core/deadline.hpp"

namespace phonebill::cache {

class RedisReply {
 public:
  enum class Kind { kNil, kInteger, kString, kStatus, kArray, kError };

  RedisReply() = default;  // nil
  static RedisReply from_integer(std::int64_t value);
  static RedisReply from_string(std::string value);   // bulk string, binary-safe
  static RedisReply from_status(std::string value);   // simple string such as "OK"
  static RedisReply from_error(std::string message);  // only ever nested in an array
  static RedisReply from_array(std::vector<RedisReply> elements);

  Kind kind() const { return kind_; }
  bool is_nil() const { return kind_ == Kind::kNil; }
  bool is_integer() const { return kind_ == Kind::kInteger; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_status() const { return kind_ == Kind::kStatus; }
  bool is_array() const { return kind_ == Kind::kArray; }
  bool is_error() const { return kind_ == Kind::kError; }

  // The value of an integer reply; 0 for any other kind.
  std::int64_t integer() const { return integer_; }
  // The bytes of a string, status or error reply; empty for any other kind.
  const std::string& text() const { return text_; }
  // The same bytes moved out (this reply's text is then empty): a GET's value is not copied.
  std::string take_text() { return std::move(text_); }
  // The elements of an array reply; empty for any other kind.
  const std::vector<RedisReply>& elements() const { return elements_; }

  bool operator==(const RedisReply& other) const = default;

 private:
  Kind kind_ = Kind::kNil;
  std::int64_t integer_ = 0;
  std::string text_;
  std::vector<RedisReply> elements_;
};

enum class RedisErrorKind {
  kTimeout,       // the deadline passed before the reply came
  kDisconnected,  // no connection now, or it dropped before the reply came
  kServer,        // Redis answered with an error (-ERR, -WRONGTYPE), or an unexpected type
};

struct RedisError {
  RedisErrorKind kind = RedisErrorKind::kDisconnected;
  std::string message;

  bool operator==(const RedisError& other) const = default;
};

template <class T>
using RedisResult = boost::system::result<T, RedisError>;

std::string_view to_string(RedisErrorKind kind);
// Human-readable form for logs and test output ("nil", "42", "\"OK\"", "[...]").
std::string describe(const RedisReply& reply);
std::ostream& operator<<(std::ostream& stream, const RedisReply& reply);
std::ostream& operator<<(std::ostream& stream, const RedisError& error);

// Called by RedisResult<T>::value() on an error: throws std::runtime_error with the message.
// Prefer checking has_value(); this exists so value() compiles for our error type.
[[noreturn]] void throw_exception_from_error(const RedisError& error,
                                             const boost::source_location& location);

}  // namespace phonebill::cache
