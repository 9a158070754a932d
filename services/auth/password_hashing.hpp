// The password work auth's use cases need (Argon2id hash, verify, the unknown-user
// dummy verify), as a role: WorkerPoolPasswordHashing runs it on security::PasswordHasher's
// bounded worker pool; unit tests use a fake that can be made busy. Entry point:
// PasswordHashing.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <string>

#include "security/password_hasher.hpp"

namespace phonebill::auth {

using security::PasswordCheck;
using security::PasswordError;

class PasswordHashing {
 public:
  virtual ~PasswordHashing() = default;

  // True when a new job would be refused as kBusy now: login checks it before counting
  // an attempt, so an attempt that cannot be checked costs no try.
  virtual bool busy() const = 0;
  virtual boost::asio::awaitable<boost::system::result<std::string, PasswordError>> hash(
      std::string password) = 0;
  virtual boost::asio::awaitable<boost::system::result<PasswordCheck, PasswordError>> verify(
      std::string password, std::string stored_hash) = 0;
  // The cost of a verify for an id that does not exist; never matches.
  virtual boost::asio::awaitable<boost::system::result<PasswordCheck, PasswordError>>
  verify_unknown_user(std::string password) = 0;
};

// PasswordHashing on security::PasswordHasher (its worker threads and bounded queue).
class WorkerPoolPasswordHashing final : public PasswordHashing {
 public:
  explicit WorkerPoolPasswordHashing(security::PasswordHasher& hasher) : hasher_(hasher) {}

  bool busy() const override;
  boost::asio::awaitable<boost::system::result<std::string, PasswordError>> hash(
      std::string password) override;
  boost::asio::awaitable<boost::system::result<PasswordCheck, PasswordError>> verify(
      std::string password, std::string stored_hash) override;
  boost::asio::awaitable<boost::system::result<PasswordCheck, PasswordError>> verify_unknown_user(
      std::string password) override;

 private:
  security::PasswordHasher& hasher_;
};

}  // namespace phonebill::auth
