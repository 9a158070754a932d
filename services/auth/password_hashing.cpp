// WorkerPoolPasswordHashing: PasswordHashing forwarded to security::PasswordHasher.
#include "password_hashing.hpp"

namespace phonebill::auth {

bool WorkerPoolPasswordHashing::busy() const {
  const auto& options = hasher_.options();
  return hasher_.jobs_in_flight() >= options.threads + options.queue_limit;
}

boost::asio::awaitable<boost::system::result<std::string, PasswordError>>
WorkerPoolPasswordHashing::hash(std::string password) {
  co_return co_await hasher_.hash(std::move(password));
}

boost::asio::awaitable<boost::system::result<PasswordCheck, PasswordError>>
WorkerPoolPasswordHashing::verify(std::string password, std::string stored_hash) {
  co_return co_await hasher_.verify(std::move(password), std::move(stored_hash));
}

boost::asio::awaitable<boost::system::result<PasswordCheck, PasswordError>>
WorkerPoolPasswordHashing::verify_unknown_user(std::string password) {
  co_return co_await hasher_.verify_unknown_user(std::move(password));
}

}  // namespace phonebill::auth
